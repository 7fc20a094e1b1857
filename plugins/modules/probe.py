#!/usr/bin/python
# Copyright: dockhand.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: probe
short_description: Wait for a service to be ready and measure its latency (HTTP, TCP or a command in a container)
version_added: 0.1.0
description:
  - Probes a service until it answers, and returns whether it did, how many attempts it took and the latency,
    as data and as the fact C(ansible_facts.docker_probe), so a deployment can wait for readiness and gate on latency.
  - "Three kinds, chosen by the option set (exactly one of O(url), O(port) or O(container)):
    an HTTP(S) request to O(url) (through the Python library requests), which passes when the status is one of
    O(status_code) and the body matches O(body_match);
    a TCP connect to O(host) and O(port);
    or O(command) run in the running container O(container), which passes when it exits with O(exit_code)
    and its output matches O(body_match)."
  - Attempts are O(interval) apart, each limited to O(attempt_timeout). The probe passes once O(successes) attempts
    have passed; it fails, naming the last error, when O(successes) + O(retries) attempts are spent.
  - HTTP and TCP probes run from the host that runs the module and need no Docker engine; a command probe uses the
    engine named by the connection options.
  - Changes nothing, so it runs in check mode too.
options:
  url:
    description: HTTP or HTTPS URL to request.
    type: str
  method:
    description: HTTP method.
    type: str
    default: GET
  status_code:
    description: HTTP status codes that count as a pass.
    type: list
    elements: int
    default: [200]
  headers:
    description: HTTP request headers.
    type: dict
  http_validate_certs:
    description:
      - Check the HTTPS server's certificate.
      - Named apart from O(validate_certs), which is about the connection to the Docker engine.
    type: bool
    default: true
  host:
    description: Host name or address to connect to with O(port).
    type: str
    default: 127.0.0.1
  port:
    description: TCP port to connect to; the probe passes when the connection is accepted.
    type: int
  container:
    description: Name or ID of the running container to run O(command) in.
    type: str
  command:
    description: Command to run in O(container), as a list of arguments (no shell unless you run one).
    type: list
    elements: str
  exit_code:
    description: Exit code of O(command) that counts as a pass.
    type: int
    default: 0
  body_match:
    description: Regular expression (Python syntax) that the HTTP body or the command output must contain.
    type: str
  attempt_timeout:
    description:
      - Time limit of one attempt, such as V(5s) or V(500ms), or a number of seconds.
      - For HTTP it bounds the connection and each read of the answer; for TCP the connection; for a command its whole run
        (a command still running then is left running in the container).
      - Named apart from O(timeout), which is about the connection to the Docker engine.
    type: str
    default: 5s
  interval:
    description: Pause between attempts, such as V(1s) or V(200ms).
    type: str
    default: 1s
  retries:
    description: How many failed attempts are allowed before the probe fails.
    type: int
    default: 0
  successes:
    description: How many attempts must pass. More than one gives latency figures over several requests.
    type: int
    default: 1
  max_latency_ms:
    description: Fail the task when the average latency of the attempts that passed is above this many milliseconds.
    type: float
extends_documentation_fragment:
  - dockhand.docker.docker
  - dockhand.docker.attributes.info_module
seealso:
  - module: dockhand.docker.container_stats
  - module: ansible.builtin.wait_for
  - module: ansible.builtin.uri
requirements:
  - requests (HTTP probes)
  - Docker SDK for Python 7.0 or later (command probes)
author:
  - dockhand.docker maintainers (@dockhand)
"""

EXAMPLES = r"""
- name: Wait up to about 30 s for the web container to serve its health page
  dockhand.docker.probe:
    url: http://127.0.0.1:8080/health
    body_match: '"status": *"ok"'
    retries: 30
    interval: 1s

- name: Gate the rollout on latency - 20 requests must pass, averaging under 50 ms
  dockhand.docker.probe:
    url: http://127.0.0.1:8080/
    successes: 20
    interval: 100ms
    max_latency_ms: 50
  register: latency

- name: Wait for the database port
  dockhand.docker.probe:
    host: 127.0.0.1
    port: 5432
    retries: 60

- name: Readiness from inside the container
  dockhand.docker.probe:
    container: db
    command: [pg_isready, -U, postgres]
    retries: 30
    interval: 2s

- name: Use the figures later
  ansible.builtin.debug:
    msg: "ready after {{ ansible_facts.docker_probe.attempts }} attempts, {{ ansible_facts.docker_probe.latency_ms.avg }} ms"
"""

RETURN = r"""
kind:
  description: The kind of probe, V(http), V(tcp) or V(command).
  returned: always
  type: str
  sample: http
target:
  description: What was probed, for messages.
  returned: always
  type: str
  sample: GET http://127.0.0.1:8080/health
success:
  description: Whether O(successes) attempts passed. The task fails when it is false.
  returned: always
  type: bool
  sample: true
attempts:
  description: Attempts made.
  returned: always
  type: int
  sample: 3
passed:
  description: Attempts that passed.
  returned: always
  type: int
  sample: 1
latency_ms:
  description: Latency in milliseconds over the attempts that passed (null when none did).
  returned: always
  type: dict
  contains:
    min:
      description: Lowest latency.
      type: float
    avg:
      description: Average latency.
      type: float
    max:
      description: Highest latency.
      type: float
  sample: {"min": 1.2, "avg": 1.9, "max": 3.1}
last_error:
  description: Why the last failed attempt failed (null when none failed).
  returned: always
  type: str
  sample: Connection refused
log:
  description:
    - One entry per attempt with C(attempt), C(ok), C(latency_ms) and C(error);
      C(status) for HTTP, C(rc) and C(output) (first 200 characters) for commands.
  returned: always
  type: list
  elements: dict
  sample: [{"attempt": 1, "ok": false, "latency_ms": 0.4, "error": "Connection refused"},
           {"attempt": 2, "ok": true, "latency_ms": 1.9, "error": null, "status": 200}]
ansible_facts:
  description: The result as a fact.
  returned: always
  type: dict
  contains:
    docker_probe:
      description: RV(kind), RV(target), RV(success), RV(attempts), RV(passed), RV(latency_ms) and RV(last_error) of this probe.
      type: dict
"""

from ansible_collections.dockhand.docker.plugins.module_utils._probe import gather, needs_engine
from ansible_collections.dockhand.docker.plugins.module_utils._runner import run_info_module

ARGUMENT_SPEC = dict(
    url=dict(type="str"),
    method=dict(type="str", default="GET"),
    status_code=dict(type="list", elements="int", default=[200]),
    headers=dict(type="dict"),
    http_validate_certs=dict(type="bool", default=True),
    host=dict(type="str", default="127.0.0.1"),
    port=dict(type="int"),
    container=dict(type="str"),
    command=dict(type="list", elements="str"),
    exit_code=dict(type="int", default=0),
    body_match=dict(type="str"),
    attempt_timeout=dict(type="str", default="5s"),
    interval=dict(type="str", default="1s"),
    retries=dict(type="int", default=0),
    successes=dict(type="int", default=1),
    max_latency_ms=dict(type="float"),
)


def main():
    run_info_module(ARGUMENT_SPEC, gather, needs_engine=needs_engine, required_together=[["container", "command"]])


if __name__ == "__main__":
    main()
