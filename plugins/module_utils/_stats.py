# Copyright: dockhand.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# PRIVATE: this module_utils file is internal to dockhand.docker and may change at any time.
"""Container metrics: the formulas of `docker stats` (pure), parallel sampling, host summary and thresholds.

The formulas follow docker/cli cli/command/container/stats_helpers.go and read cgroup v1 and v2 payloads alike.
Sampling takes one-shot stats of every selected container at once (a thread pool), waits `interval`, and takes them
again: CPU % and the I/O rates come from the two payloads, so N containers take one sample window, not N.
"""

from __future__ import annotations

import logging
import re
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any

from ._client import engine_errors
from ._errors import EngineError, ParamError, TaskFailure
from ._parse import duration_ns, size_bytes

# Figures that vary from sample to sample: min, avg and max are kept for these, and the top-level figure is the avg.
GAUGES = ("cpu_percent", "mem_used", "mem_percent", "pids", "net_rx_rate", "net_tx_rate", "blk_read_rate", "blk_write_rate")
# Figures that are counters or settings: the top-level figure is the last sample's.
COUNTERS = ("cpu_usage_ns", "online_cpus", "mem_limit", "net_rx_bytes", "net_tx_bytes", "blk_read_bytes", "blk_write_bytes")
HOST_FIGURES = ("cpus", "cpus_used", "cpu_percent", "cpu_utilisation_percent", "mem_total", "mem_used", "mem_utilisation_percent",
                "net_rx_rate", "net_tx_rate", "blk_read_rate", "blk_write_rate", "containers")
# Figures in bytes accept sizes such as 512m in thresholds.
BYTE_FIGURES = {"mem_used", "mem_limit", "mem_total", "net_rx_bytes", "net_tx_bytes", "blk_read_bytes", "blk_write_bytes",
                "net_rx_rate", "net_tx_rate", "blk_read_rate", "blk_write_rate"}
# The engine answers a one-shot request at the next tick of its stats collector (every second on Docker 20.10), so the
# next round is asked for a little before `interval` has passed since the previous answers: it lands on the tick that
# follows. window_s is always measured from the engine's own timestamps.
TICK_LEAD_S = 0.25
# Every request waits for that tick, so each selected container needs its own thread for all of them to land on one
# tick. The SDK's connection pool keeps 10 connections; the others are opened for the round and closed after it.
MAX_WORKERS = 64
_STAMP = re.compile(r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)?$")


# ---------------------------------------------------------------- formulas (pure)

def online_cpus(cpu_stats):
    """online_cpus, or the length of percpu_usage when the engine reports 0 or nothing (as docker stats does)."""
    cpu_stats = cpu_stats or {}
    return cpu_stats.get("online_cpus") or len((cpu_stats.get("cpu_usage") or {}).get("percpu_usage") or [])


def cpu_percent(cur, pre):
    """(Δ container total_usage / Δ system_cpu_usage) × online CPUs × 100; 0 unless both deltas are > 0.

    cur and pre are cpu_stats objects (cpu_stats and precpu_stats of one payload, or the cpu_stats of two samples)."""
    cur, pre = cur or {}, pre or {}
    if not pre.get("system_cpu_usage"):  # a blank precpu_stats (one-shot payload): no previous sample, no CPU %
        return 0.0
    cpu_delta = (cur.get("cpu_usage") or {}).get("total_usage", 0) - (pre.get("cpu_usage") or {}).get("total_usage", 0)
    system_delta = (cur.get("system_cpu_usage") or 0) - (pre.get("system_cpu_usage") or 0)
    if cpu_delta <= 0 or system_delta <= 0:
        return 0.0
    return cpu_delta / system_delta * online_cpus(cur) * 100.0


def mem_used(memory_stats):
    """usage without the inactive page cache: usage − total_inactive_file (v1) or usage − inactive_file (v2)."""
    memory_stats = memory_stats or {}
    usage = memory_stats.get("usage") or 0
    stats = memory_stats.get("stats") or {}
    if "total_inactive_file" in stats:  # cgroup v1
        if stats["total_inactive_file"] < usage:
            return usage - stats["total_inactive_file"]
        return usage
    inactive = stats.get("inactive_file", 0)  # cgroup v2
    return usage - inactive if inactive < usage else usage


def mem_percent(used, limit):
    return used / limit * 100.0 if limit else 0.0


def net_bytes(payload):
    """(rx, tx): sums over every interface; (0, 0) without networks (network_mode none or host)."""
    networks = payload.get("networks") or {}
    return sum(n.get("rx_bytes", 0) for n in networks.values()), sum(n.get("tx_bytes", 0) for n in networks.values())


def blk_bytes(payload):
    """(read, write): sums of io_service_bytes_recursive entries whose op starts with r / w (Read or read, Write or write)."""
    entries = (payload.get("blkio_stats") or {}).get("io_service_bytes_recursive") or []
    read = sum(e.get("value", 0) for e in entries if str(e.get("op", "")).lower().startswith("r"))
    write = sum(e.get("value", 0) for e in entries if str(e.get("op", "")).lower().startswith("w"))
    return read, write


def timestamp(text):
    """The engine's RFC 3339 time with nanoseconds -> seconds since the epoch (None for the zero time or garbage)."""
    match = _STAMP.match(text or "")
    if not match or match.group(1).startswith("0001-"):
        return None
    base, fraction, zone = match.group(1), match.group(2) or "0", match.group(3) or "Z"
    parsed = datetime.fromisoformat(base + ("+00:00" if zone == "Z" else zone))
    return parsed.timestamp() + float("0." + fraction)


def figures(cur, pre=None):
    """The metrics of one sample. pre, an earlier payload of the same container, gives CPU % and the rates over
    the time between them; without it CPU % comes from cur's own precpu_stats (stream=false) and rates are 0."""
    cpu_stats = cur.get("cpu_stats") or {}
    memory_stats = cur.get("memory_stats") or {}
    used, limit = mem_used(memory_stats), memory_stats.get("limit") or 0
    rx, tx = net_bytes(cur)
    read, write = blk_bytes(cur)
    result = dict(
        cpu_percent=cpu_percent(cpu_stats, (pre or {}).get("cpu_stats") if pre else cur.get("precpu_stats")),
        cpu_usage_ns=(cpu_stats.get("cpu_usage") or {}).get("total_usage", 0),
        online_cpus=online_cpus(cpu_stats),
        mem_used=used,
        mem_limit=limit,
        mem_percent=mem_percent(used, limit),
        net_rx_bytes=rx,
        net_tx_bytes=tx,
        blk_read_bytes=read,
        blk_write_bytes=write,
        pids=(cur.get("pids_stats") or {}).get("current") or 0,
        net_rx_rate=0.0,
        net_tx_rate=0.0,
        blk_read_rate=0.0,
        blk_write_rate=0.0,
        sampled_at=cur.get("read"),
        window_s=0.0,
    )
    now = timestamp(cur.get("read"))
    then = timestamp(pre.get("read")) if pre else timestamp(cur.get("preread"))
    if now is not None and then is not None and now > then:
        result["window_s"] = now - then
    if pre and result["window_s"] > 0:
        p_rx, p_tx = net_bytes(pre)
        p_read, p_write = blk_bytes(pre)
        for key, delta in (("net_rx_rate", rx - p_rx), ("net_tx_rate", tx - p_tx),
                           ("blk_read_rate", read - p_read), ("blk_write_rate", write - p_write)):
            result[key] = max(delta, 0) / result["window_s"]
    return result


def _round(key, value):
    if isinstance(value, float):
        return round(value, 6 if key == "window_s" else 2)
    return value


def summarise(samples):
    """One container's figures over its samples: gauges averaged (min/avg/max kept), counters from the last sample."""
    last = samples[-1]
    result = {key: last[key] for key in COUNTERS}
    stats: dict[str, dict[str, Any]] = {"min": {}, "avg": {}, "max": {}}
    for key in GAUGES:
        values = [s[key] for s in samples]
        stats["min"][key], stats["max"][key] = _round(key, min(values)), _round(key, max(values))
        stats["avg"][key] = _round(key, sum(values) / len(values))
        result[key] = stats["avg"][key]
    for key in ("mem_used", "pids"):  # whole numbers of bytes and processes
        stats["avg"][key] = result[key] = int(round(result[key]))
    result.update(stats)
    result["samples"] = len(samples)
    result["sampled_at"] = last["sampled_at"]
    result["window_s"] = _round("window_s", sum(s["window_s"] for s in samples))
    return result


def host_summary(containers, info):
    """Engine host totals (info: the engine's /info) next to the sum over the selected containers."""
    cpus = info.get("NCPU") or 0
    mem_total = info.get("MemTotal") or 0
    cpu_sum = sum(c["cpu_percent"] for c in containers.values())
    mem_sum = sum(c["mem_used"] for c in containers.values())
    host = dict(
        cpus=cpus,
        cpus_used=round(cpu_sum / 100.0, 4),
        cpu_percent=round(cpu_sum, 2),
        cpu_utilisation_percent=round(cpu_sum / cpus, 2) if cpus else 0.0,
        mem_total=mem_total,
        mem_used=mem_sum,
        mem_utilisation_percent=round(mem_sum / mem_total * 100.0, 2) if mem_total else 0.0,
        containers=len(containers),
    )
    for key in ("net_rx_rate", "net_tx_rate", "blk_read_rate", "blk_write_rate"):
        host[key] = round(sum(c[key] for c in containers.values()), 2)
    return host


# ---------------------------------------------------------------- thresholds (pure)

def _limit(option, figure, bound, value):
    if isinstance(value, bool) or value is None:
        raise ParamError(option, f"{figure}.{bound} must be a number, got {value!r}")
    if isinstance(value, (int, float)):
        return value
    if figure.split(".")[-1] in BYTE_FIGURES:
        return size_bytes(f"{option}.{figure}.{bound}", value)
    try:
        return float(value)
    except ValueError:
        raise ParamError(option, f"{figure}.{bound} must be a number, got {value!r}") from None


def parse_thresholds(value, option="thresholds"):
    """{figure: {max: n, min: n}} -> the same with numbers; figures are container figures or host.<figure>."""
    if not value:
        return {}
    if not isinstance(value, dict):
        raise ParamError(option, f"must be a mapping such as {{cpu_percent: {{max: 80}}}}, got {type(value).__name__}")
    known = sorted(GAUGES + COUNTERS) + [f"host.{k}" for k in HOST_FIGURES]
    result = {}
    for figure, bounds in value.items():
        if figure not in known:
            raise ParamError(option, f"unknown figure {figure!r}; use one of {', '.join(known)}")
        if not isinstance(bounds, dict) or not bounds or set(bounds) - {"min", "max"}:
            raise ParamError(option, f"{figure} must be a mapping with max and/or min, such as {{max: 80}}, got {bounds!r}")
        result[figure] = {bound: _limit(option, figure, bound, limit) for bound, limit in bounds.items()}
    return result


def breaches(containers, host, thresholds):
    """Every figure outside its bounds: [{container, metric, value, bound, limit}], container None for host figures."""
    found = []
    for figure, bounds in sorted(thresholds.items()):
        if figure.startswith("host."):
            subjects = [(None, host)]
        else:
            subjects = sorted(containers.items())
        for name, data in subjects:
            value = data.get(figure.split(".")[-1])
            if value is None:
                continue
            for bound, limit in sorted(bounds.items()):
                if (bound == "max" and value > limit) or (bound == "min" and value < limit):
                    found.append(dict(container=name, metric=figure, value=value, bound=bound, limit=limit))
    return found


def describe_breach(breach):
    where = f"container {breach['container']}" if breach["container"] else "engine host"
    word = "above its max" if breach["bound"] == "max" else "below its min"
    return f"{where}: {breach['metric']} {breach['value']} is {word} {breach['limit']}"


# ---------------------------------------------------------------- engine reads

def _api_at_least(client, version):
    have = [int(p) for p in str(client.api.api_version).split(".")[:2]]
    return have >= [int(p) for p in version.split(".")]


def select(client, params, host):
    """[(name, id)] to sample and {name: reason} for those that cannot be (missing, not running)."""
    targets, absent = [], {}
    if params.get("containers") is not None:  # an empty list selects nothing (not everything)
        for wanted in params["containers"]:
            if not isinstance(wanted, str) or not wanted:
                raise ParamError("containers", f"{wanted!r} is not a container name or ID")
            try:
                with engine_errors(f"reading container {wanted}", host):
                    data = client.api.inspect_container(wanted)
            except EngineError as exc:
                if exc.status == 404:
                    absent[wanted] = "not found"
                    continue
                raise
            name = (data.get("Name") or wanted).lstrip("/")
            state = data.get("State") or {}
            if not state.get("Running"):
                absent[wanted] = f"not running (status {state.get('Status')})"
                continue
            if (name, data["Id"]) not in targets:
                targets.append((name, data["Id"]))
        return targets, absent
    filters = params.get("filters") or {}
    if not isinstance(filters, dict):
        raise ParamError("filters", f"must be a mapping such as {{label: [app=shop]}}, got {type(filters).__name__}")
    filters = dict(filters)
    filters.setdefault("status", "running")
    try:
        with engine_errors("listing containers", host):
            listed = client.api.containers(all=True, filters=filters)
    except EngineError as exc:
        if exc.status == 400:  # the engine refused a filter
            raise ParamError("filters", str(exc)) from None
        raise
    for entry in listed:
        name = (entry.get("Names") or ["/" + entry["Id"][:12]])[0].lstrip("/")
        if entry.get("State") == "running":
            targets.append((name, entry["Id"]))
        else:
            absent[name] = f"not running (status {entry.get('State')})"
    return targets, absent


def sample_all(client, targets, samples, interval_s, host):
    """{name: [figures, ...]} for every target: samples + 1 rounds of one-shot stats, interval_s apart, each round
    taken for all containers at once. A container that stops meanwhile is left out and named in the second dict."""
    if not targets:
        return {}, {}
    one_shot = _api_at_least(client, "1.41")

    def read(target):
        name, cid = target
        try:
            with engine_errors(f"reading stats of container {name}", host):
                if one_shot:
                    return client.api.stats(cid, stream=False, one_shot=True)
                return client.api.stats(cid, stream=False)
        except EngineError as exc:  # removed or stopped since it was selected
            return exc

    rounds = samples + 1 if one_shot else samples
    payloads: dict[str, list[dict[str, Any]]] = {target[0]: [] for target in targets}
    gone = {}
    pool_log = logging.getLogger("urllib3.connectionpool")
    pool_level = pool_log.level
    pool_log.setLevel(logging.ERROR)  # not "Connection pool is full, discarding connection" on stderr for every extra thread
    try:
        with ThreadPoolExecutor(max_workers=max(1, min(MAX_WORKERS, len(targets)))) as pool:
            for index in range(rounds):
                if index:
                    time.sleep(max(0.0, interval_s - TICK_LEAD_S))
                live = [t for t in targets if t[0] not in gone]
                for target, answer in zip(live, pool.map(read, live)):
                    name = target[0]
                    if isinstance(answer, Exception):
                        gone[name] = str(answer)
                    elif timestamp(answer.get("read")) is None:
                        gone[name] = "stopped while it was sampled"
                    else:
                        payloads[name].append(answer)
    finally:
        pool_log.setLevel(pool_level)
    result = {}
    for name, got in payloads.items():
        if name in gone:
            continue
        if one_shot:
            result[name] = [figures(cur, pre) for pre, cur in zip(got, got[1:])]
        else:
            result[name] = [figures(cur) for cur in got]
    return result, gone


def gather(client, params):
    """The container_stats module: select, sample, summarise, check thresholds."""
    host = params.get("docker_host")
    samples = params.get("samples")
    if not isinstance(samples, int) or isinstance(samples, bool) or not 1 <= samples <= 100:
        raise ParamError("samples", f"must be a whole number from 1 to 100, got {samples!r}")
    interval_ns = duration_ns("interval", params.get("interval"))
    if interval_ns is None or not 10 ** 8 <= interval_ns <= 60 * 10 ** 9:
        raise ParamError("interval", f"must be from 100ms to 60s, got {params.get('interval')!r}")
    thresholds = parse_thresholds(params.get("thresholds"))
    targets, absent = select(client, params, host)
    sampled, gone = sample_all(client, targets, samples, interval_ns / 10 ** 9, host)
    absent.update(gone)
    containers = {}
    for name, cid in targets:
        if name in sampled:
            containers[name] = dict(summarise(sampled[name]), id=cid[:12], name=name)
    with engine_errors("reading engine info", host):
        info = client.info()
    summary = host_summary(containers, info)
    found = breaches(containers, summary, thresholds)
    result = dict(
        containers=containers,
        host=summary,
        absent=absent,
        breaches=found,
        ansible_facts=dict(docker_stats=containers, docker_stats_host=summary),
    )
    named_absent = absent if params.get("containers") else {}  # filters may select stopped containers: not a failure
    if named_absent and params.get("missing") == "fail":
        raise TaskFailure("; ".join(f"container {k}: {v}" for k, v in sorted(named_absent.items()))
                          + " (set missing=ignore to report it in absent instead)", **result)
    if found and params.get("fail_on_breach"):
        raise TaskFailure("thresholds breached: " + "; ".join(describe_breach(b) for b in found), **result)
    return result
