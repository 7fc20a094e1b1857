#!/usr/bin/python
# Copyright: dockhand.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: container_copy_into
short_description: Copy a file from the controller, or given content, into a container, only when it differs
version_added: 0.1.0
description:
  - Writes one file into a container, through the Engine API's archive endpoint. Works on stopped containers too.
  - Idempotent by content. The file in the container is read first and compared (size, SHA-256, mode and owner);
    nothing is written when it is the same. Check mode predicts it; C(--diff) shows the text that changes (files up to
    64 KiB; larger or binary files show their checksums).
  - O(path) is read on the controller (an action plugin sends it to the host that runs the module), as with
    M(community.docker.docker_container_copy_into), whose option names this module keeps.
  - Differences. The owner defaults to V(0:0) (root) rather than the container's user, so a stopped container
    needs no command run in it. A missing directory in the container fails naming O(container_path) before anything is
    written.
options:
  container:
    description: Name or ID of the container (running or not).
    type: str
    required: true
  path:
    description:
      - The file to copy, on the controller (relative paths are looked up in a role's C(files/) as with M(ansible.builtin.copy)).
      - Exactly one of O(path) and O(content) is required.
    type: path
  content:
    description:
      - The file's content, as text (or base64 with O(content_is_b64)). Hidden from output as a secret may be in it,
        which also hides it from C(--diff).
    type: str
  content_is_b64:
    description: O(content) is base64, for binary content.
    type: bool
    default: false
  container_path:
    description: The absolute path of the file in the container. Its directory must exist.
    type: str
    required: true
  mode:
    description:
      - The file's mode, as an octal string such as V('0644') (or a number in YAML's octal form, 0644).
      - Defaults to the mode of O(path) on the controller, and to V('0644') for O(content).
      - Read as O(mode_parse) says.
    type: raw
  mode_parse:
    description:
      - How O(mode) is read, as in M(community.docker.docker_container_copy_into).
      - V(modern) reads a string as an octal number and takes a number as it is, as M(ansible.builtin.copy) does.
      - V(octal_string_only) refuses anything but a string holding an octal number.
      - V(legacy) reads a string as a B(decimal) number (community.docker's default, kept there for compatibility; V('0644')
        then means mode 01204). Here the default is V(modern), since no task means that.
    type: str
    choices: [legacy, modern, octal_string_only]
    default: modern
  owner_id:
    description: The numeric user ID that owns the file; V(0) when not set.
    type: int
  group_id:
    description: The numeric group ID of the file; V(0) when not set.
    type: int
  follow:
    description: When O(container_path) is a symbolic link in the container, write the file it points at instead of replacing the link.
    type: bool
    default: false
  local_follow:
    description: When O(path) is a symbolic link on the controller, copy the file it points at.
    type: bool
    default: true
  force:
    description: Write the file even when it is the same.
    type: bool
    default: false
extends_documentation_fragment:
  - dockhand.docker.docker
  - dockhand.docker.attributes
seealso:
  - module: dockhand.docker.container_copy_out
  - module: community.docker.docker_container_copy_into
author:
  - dockhand.docker maintainers (@dockhand)
"""

EXAMPLES = r"""
- name: The web server's configuration, from the role's files/
  dockhand.docker.container_copy_into:
    container: web
    path: httpd.conf
    container_path: /etc/httpd.conf
    mode: "0644"

- name: A small file from text
  dockhand.docker.container_copy_into:
    container: web
    content: "ready\n"
    container_path: /srv/ready
"""

RETURN = r"""
container_path:
  description: The path written (the target of the link with O(follow)).
  returned: success
  type: str
  sample: /etc/httpd.conf
file:
  description: The file in the container after the run (before it, in check mode); empty when it does not exist.
  returned: success
  type: dict
  sample: {"path": "/etc/httpd.conf", "type": "file", "size": 120, "mode": "0644", "owner": "0:0", "sha256": "9f86d0..."}
actions:
  description: The plan, one line.
  returned: always
  type: list
  elements: str
  sample: ["write /etc/httpd.conf in container web: sha256: null -> \"9f86d0...\" (write)"]
changes:
  description: What differs - C(content) (text) or C(sha256), C(mode), C(owner) - before and after.
  returned: always
  type: list
  elements: dict
  sample: [{"field": "mode", "before": "0600", "after": "0644", "how": "write"}]
"""

from ansible_collections.dockhand.docker.plugins.module_utils._container_copy import COPY_INTO_SPEC, run_copy_into
from ansible_collections.dockhand.docker.plugins.module_utils._runner import run_batch_module


def main():
    run_batch_module(COPY_INTO_SPEC, run_copy_into, mutually_exclusive=[["path", "content"]], required_one_of=[["path", "content"]])


if __name__ == "__main__":
    main()
