#!/usr/bin/python
# Copyright: dockhand.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: container_stats
short_description: Read CPU, memory, network and block I/O figures of containers, and gate on thresholds
version_added: 0.1.0
description:
  - Samples containers the way C(docker stats) does and returns the figures as data and as facts, so later tasks can
    use them in C(when), C(assert) or templates, and the task itself can fail when a figure crosses a threshold.
  - Selects the containers named in O(containers), or those matching O(filters), or else every running container.
  - Samples all selected containers in parallel; a task on 30 containers takes about one O(interval), not 30.
  - "The formulas are those of C(docker stats) (docker/cli C(stats_helpers.go)), on cgroup v1 and v2 alike:
    CPU % is (change in the container's CPU time / change in the host's CPU time) x online CPUs x 100;
    memory used is usage without the inactive page cache (C(total_inactive_file) on cgroup v1,
    C(inactive_file) on cgroup v2); network bytes are summed over every interface;
    block I/O sums the read and write entries of C(io_service_bytes_recursive)."
  - On cgroup v1 with recent kernels, the engine reports block I/O only for containers that have a device read or
    write bps limit (C(device_read_bps), C(device_write_bps)); otherwise the block figures stay 0.
  - Changes nothing, so it runs in check mode too.
options:
  containers:
    description:
      - Names or IDs of the containers to sample.
      - A container named here that does not exist or is not running fails the task, unless O(missing=ignore).
      - An empty list samples no container (it does not mean all of them).
    type: list
    elements: str
    aliases: [names]
  filters:
    description:
      - 'Select the containers with engine filters, as C(docker ps --filter) takes them, for example
        V({"label": ["app=shop"]}) or V({"name": "web"}).'
      - Only running containers are sampled. Without a C(status) filter, C(status=running) is added.
      - When neither O(containers) nor O(filters) is set, every running container is sampled.
    type: dict
  samples:
    description:
      - How many samples to take, O(interval) apart. The figures are averaged over them, and RV(containers.min) and
        RV(containers.max) hold the lowest and highest value of each.
    type: int
    default: 1
  interval:
    description:
      - The sample window, such as V(1s), V(500ms) or V(2) (seconds), from 100ms to 60s.
      - CPU % and the I/O rates of one sample are measured over this window, from the engine's own timestamps
        (RV(containers.window_s)). Engines whose stats collector ticks every second (Docker 20.10) round it to whole seconds.
    type: str
    default: 1s
  thresholds:
    description:
      - 'Bounds on figures, as V({figure: {max: n, min: n}}), checked on every sampled container (the averaged figure).'
      - Figures are the per-container keys of RV(containers) (such as V(cpu_percent), V(mem_percent), V(mem_used),
        V(pids), V(net_rx_rate)) or a host figure written V(host.<figure>) (such as V(host.mem_utilisation_percent)).
      - Byte figures take sizes such as V(512m).
      - A figure outside its bounds is listed in RV(breaches) and fails the task unless O(fail_on_breach=false).
    type: dict
  fail_on_breach:
    description: Fail the task when a threshold is breached. With V(false), breaches are only reported in RV(breaches).
    type: bool
    default: true
  missing:
    description:
      - What to do when a container named in O(containers) does not exist or is not running.
      - V(fail) fails the task and names it; V(ignore) lists it in RV(absent) and samples the others.
    type: str
    choices: [fail, ignore]
    default: fail
extends_documentation_fragment:
  - dockhand.docker.docker
  - dockhand.docker.attributes.info_module
seealso:
  - module: dockhand.docker.probe
requirements:
  - Docker SDK for Python 7.0 or later
author:
  - dockhand.docker maintainers (@dockhand)
"""

EXAMPLES = r"""
- name: Sample two containers
  dockhand.docker.container_stats:
    containers: [web-1, db]
  register: stats

- name: Use the figures
  ansible.builtin.debug:
    msg: "web-1 uses {{ ansible_facts.docker_stats['web-1'].cpu_percent }} % CPU and {{ stats.containers.db.mem_used }} bytes"

- name: Gate a deployment on headroom - fail if any shop container is above 80 % CPU or 90 % of its memory limit
  dockhand.docker.container_stats:
    filters:
      label: [app=shop]
    samples: 5
    interval: 1s
    thresholds:
      cpu_percent: {max: 80}
      mem_percent: {max: 90}
      host.mem_utilisation_percent: {max: 85}

- name: Report breaches without failing, and ignore containers that are gone
  dockhand.docker.container_stats:
    containers: [web-1, web-2, web-3]
    missing: ignore
    thresholds:
      mem_used: {max: 512m}
    fail_on_breach: false
  register: usage
"""

RETURN = r"""
containers:
  description:
    - The figures of each sampled container, by container name. Also set as the fact C(ansible_facts.docker_stats).
    - Gauges (C(cpu_percent), C(mem_used), C(mem_percent), C(pids) and the rates) are averaged over the samples;
      counters and limits are those of the last sample.
  returned: always
  type: dict
  contains:
    id:
      description: Short container ID.
      type: str
    name:
      description: Container name.
      type: str
    cpu_percent:
      description: CPU use over the sample window, as C(docker stats) shows it (100 = one CPU busy).
      type: float
    cpu_usage_ns:
      description: Total CPU time the container has used, in nanoseconds.
      type: int
    online_cpus:
      description: CPUs the engine reports online for the container.
      type: int
    mem_used:
      description: Memory used in bytes, without the inactive page cache.
      type: int
    mem_limit:
      description: Memory limit in bytes (the host's memory when the container has no limit).
      type: int
    mem_percent:
      description: C(mem_used) / C(mem_limit) x 100.
      type: float
    net_rx_bytes:
      description: Bytes received, summed over the container's interfaces.
      type: int
    net_tx_bytes:
      description: Bytes sent, summed over the container's interfaces.
      type: int
    blk_read_bytes:
      description: Bytes read from block devices.
      type: int
    blk_write_bytes:
      description: Bytes written to block devices.
      type: int
    pids:
      description: Number of processes and threads.
      type: int
    net_rx_rate:
      description: Bytes received per second over the sample window.
      type: float
    net_tx_rate:
      description: Bytes sent per second over the sample window.
      type: float
    blk_read_rate:
      description: Bytes read per second over the sample window.
      type: float
    blk_write_rate:
      description: Bytes written per second over the sample window.
      type: float
    min:
      description: Lowest value of each gauge over the samples.
      type: dict
    avg:
      description: Average of each gauge over the samples.
      type: dict
    max:
      description: Highest value of each gauge over the samples.
      type: dict
    samples:
      description: Number of samples taken.
      type: int
    sampled_at:
      description: Engine time of the last sample (RFC 3339).
      type: str
    window_s:
      description: Seconds covered by the samples, from the engine's timestamps.
      type: float
  sample:
    web-1: {"id": "88d353a9d382", "name": "web-1", "cpu_percent": 49.73, "cpu_usage_ns": 1087850906, "online_cpus": 2,
            "mem_used": 774144, "mem_limit": 67108864, "mem_percent": 1.15, "net_rx_bytes": 832, "net_tx_bytes": 116,
            "blk_read_bytes": 2211840, "blk_write_bytes": 4194304, "pids": 1, "net_rx_rate": 0.0, "net_tx_rate": 0.0,
            "blk_read_rate": 0.0, "blk_write_rate": 0.0, "samples": 1, "sampled_at": "2026-11-23T11:55:45.09489452Z",
            "window_s": 1.003, "min": {"cpu_percent": 49.73}, "avg": {"cpu_percent": 49.73}, "max": {"cpu_percent": 49.73}}
host:
  description:
    - The engine host's CPUs and memory next to the sum over the sampled containers.
      Also set as the fact C(ansible_facts.docker_stats_host).
  returned: always
  type: dict
  contains:
    cpus:
      description: CPUs of the engine host.
      type: int
    cpus_used:
      description: Sum of the containers' CPU use, in CPUs.
      type: float
    cpu_percent:
      description: Sum of the containers' C(cpu_percent).
      type: float
    cpu_utilisation_percent:
      description: C(cpus_used) / C(cpus) x 100.
      type: float
    mem_total:
      description: Memory of the engine host in bytes.
      type: int
    mem_used:
      description: Sum of the containers' C(mem_used).
      type: int
    mem_utilisation_percent:
      description: C(mem_used) / C(mem_total) x 100.
      type: float
    net_rx_rate:
      description: Sum of the containers' C(net_rx_rate).
      type: float
    net_tx_rate:
      description: Sum of the containers' C(net_tx_rate).
      type: float
    blk_read_rate:
      description: Sum of the containers' C(blk_read_rate).
      type: float
    blk_write_rate:
      description: Sum of the containers' C(blk_write_rate).
      type: float
    containers:
      description: Number of containers sampled.
      type: int
  sample: {"cpus": 2, "cpus_used": 0.5, "cpu_percent": 49.73, "cpu_utilisation_percent": 24.87, "mem_total": 25274949632,
           "mem_used": 774144, "mem_utilisation_percent": 0.0, "net_rx_rate": 0.0, "net_tx_rate": 0.0, "blk_read_rate": 0.0,
           "blk_write_rate": 0.0, "containers": 1}
absent:
  description: Containers that were selected but could not be sampled, with the reason (not found, not running).
  returned: always
  type: dict
  sample: {"web-9": "not found", "batch": "not running (status exited)"}
breaches:
  description: Every figure outside its threshold. C(container) is null for host figures.
  returned: always
  type: list
  elements: dict
  sample: [{"container": "web-1", "metric": "cpu_percent", "value": 97.5, "bound": "max", "limit": 80}]
ansible_facts:
  description: The figures as facts.
  returned: success
  type: dict
  contains:
    docker_stats:
      description: The same as RV(containers).
      type: dict
    docker_stats_host:
      description: The same as RV(host).
      type: dict
"""

from ansible_collections.dockhand.docker.plugins.module_utils._runner import run_info_module
from ansible_collections.dockhand.docker.plugins.module_utils._stats import gather

ARGUMENT_SPEC = dict(
    containers=dict(type="list", elements="str", aliases=["names"]),
    filters=dict(type="dict"),
    samples=dict(type="int", default=1),
    interval=dict(type="str", default="1s"),
    thresholds=dict(type="dict"),
    fail_on_breach=dict(type="bool", default=True),
    missing=dict(type="str", default="fail", choices=["fail", "ignore"]),
)


def main():
    run_info_module(ARGUMENT_SPEC, gather, mutually_exclusive=[["containers", "filters"]])


if __name__ == "__main__":
    main()
