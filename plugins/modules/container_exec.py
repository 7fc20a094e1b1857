#!/usr/bin/python
# Copyright: dockhand.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: container_exec
short_description: Run a command in a running container (docker exec)
version_added: 0.1.0
description:
  - Runs a command in a running container through the Engine API and returns its exit code, standard output and
    standard error apart. The output is streamed from the engine, so large output works.
  - Like M(ansible.builtin.command), running a command is a change every time; check mode does not run it, and says so
    in RV(msg).
  - As with M(community.docker.docker_container_exec), a non-zero exit code is returned in RV(rc), not a failure, so
    migrated plays that check RV(rc) themselves keep working. O(check_rc=true) fails the task instead, with RV(rc) and
    the output in the result.
  - Same option and return names as M(community.docker.docker_container_exec), so tasks move over by changing the FQCN.
    O(check_rc) is an addition. A container that does not exist or does not run fails naming O(container), in check
    mode too.
options:
  container:
    description: Name or ID of the container. It must be running.
    type: str
    required: true
  command:
    description:
      - The command, split into arguments as a shell would (no shell runs it; use O(argv) with C(sh -c) for shell syntax).
      - Exactly one of O(command) and O(argv) is required.
    type: str
  argv:
    description: The command as a list of arguments, passed as they are.
    type: list
    elements: str
  chdir:
    description: The absolute directory to run the command in; the container's working directory by default.
    type: str
  env:
    description:
      - Environment variables to add for the command. Values must be strings (quote numbers and booleans in YAML).
    type: dict
  user:
    description: The user to run the command as (C(name), C(uid) or C(uid:gid)); the container's user by default.
    type: str
  tty:
    description: Allocate a pseudo-terminal. Standard error then comes in RV(stdout).
    type: bool
    default: false
  stdin:
    description: Text to write to the command's standard input, which is then closed.
    type: str
  stdin_add_newline:
    description: Add a newline to O(stdin).
    type: bool
    default: true
  strip_empty_ends:
    description: Remove the newlines at the end of RV(stdout) and RV(stderr).
    type: bool
    default: true
  detach:
    description:
      - Start the command and return at once with RV(exec_id), without its output or exit code.
      - Cannot be used with O(stdin) or O(check_rc).
    type: bool
    default: false
  privileged:
    description: Run the command with extended privileges.
    type: bool
    default: false
  check_rc:
    description: Fail the task when the command exits with a non-zero code; RV(rc), RV(stdout) and RV(stderr) are still returned.
    type: bool
    default: false
extends_documentation_fragment:
  - dockhand.docker.docker
attributes:
  check_mode:
    description: Does not run the command and says so in RV(msg), with C(changed) predicted true.
    support: full
  diff_mode:
    description: Running a command has no before and after to show.
    support: none
  idempotent:
    description: Running a command is a change every time, as with M(ansible.builtin.command).
    support: none
  action_group:
    description: Use C(group/dockhand.docker.docker) in C(module_defaults) to set the connection options once.
    support: full
    membership:
      - dockhand.docker.docker
seealso:
  - module: dockhand.docker.container_copy_into
  - module: community.docker.docker_container_exec
author:
  - dockhand.docker maintainers (@dockhand)
"""

EXAMPLES = r"""
- name: Dump the database of the app
  dockhand.docker.container_exec:
    container: shop-db
    argv: [sh, -c, "pg_dump -U shop shop > /backup/shop.sql"]
    check_rc: true

- name: A check whose exit code the play reads
  dockhand.docker.container_exec:
    container: web
    command: test -f /srv/ready
  register: ready
  changed_when: false
  failed_when: ready.rc not in [0, 1]

- name: Feed a script on standard input
  dockhand.docker.container_exec:
    container: web
    command: sh
    stdin: |
      echo from stdin
      id -u
"""

RETURN = r"""
rc:
  description: The command's exit code.
  returned: when the command ran and O(detach=false)
  type: int
  sample: 0
stdout:
  description: The command's standard output (decoded as UTF-8; invalid bytes replaced).
  returned: when the command ran and O(detach=false)
  type: str
  sample: "hello"
stderr:
  description: The command's standard error (empty with O(tty=true)).
  returned: when the command ran and O(detach=false)
  type: str
  sample: ""
exec_id:
  description: The ID of the exec instance.
  returned: when the command ran and O(detach=true)
  type: str
  sample: "f3a1..."
exec:
  description: The container and the command's arguments.
  returned: always
  type: dict
  sample: {"container": "web", "argv": ["test", "-f", "/srv/ready"]}
msg:
  description: Says that the command was not run.
  returned: in check mode
  type: str
  sample: "check mode: the command was not run"
actions:
  description: The plan, one line.
  returned: always
  type: list
  elements: str
  sample: ["run test -f /srv/ready in container web"]
"""

from ansible_collections.dockhand.docker.plugins.module_utils._container_exec import EXEC_SPEC, run_exec
from ansible_collections.dockhand.docker.plugins.module_utils._runner import run_batch_module


def main():
    run_batch_module(EXEC_SPEC, run_exec, mutually_exclusive=[["command", "argv"]], required_one_of=[["command", "argv"]])


if __name__ == "__main__":
    main()
