#!/usr/bin/python
# Copyright: dockhand.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: container_copy_out
short_description: Copy a file or directory out of a container to the controller, only what differs
version_added: 0.1.0
description:
  - Copies a file or a directory out of a container (running or not) to O(dest) on the controller, as C(docker cp)
    does; community.docker has no such module.
  - Idempotent by content. The file's SHA-256 is computed in the stream from the engine and compared with O(dest) (and
    the mode); O(dest) is written only when it differs, through a temporary file renamed into place. Check mode
    compares without writing.
  - An action plugin fetches the file from the host that runs the module to the controller.
  - For a directory, each regular file under it (subdirectories too) is compared with the same path under O(dest), and
    only the files that differ are written. Files under O(dest) that the container does not have are left alone;
    symbolic links and empty directories are not copied.
options:
  container:
    description: Name or ID of the container (running or not).
    type: str
    required: true
  container_path:
    description: The absolute path of the file or directory in the container.
    type: str
    required: true
  dest:
    description:
      - Where to write on the controller. An existing directory (or a path ending in C(/)) gets the file or directory
        by its name in the container, as with C(docker cp). Its parent directory must exist.
    type: path
    required: true
  mode:
    description:
      - The mode of the file written (of each file, for a directory), as an octal string such as V('0640'); the mode in
        the container by default.
    type: raw
  follow:
    description: When O(container_path) is a symbolic link, copy the file it points at (else a link fails).
    type: bool
    default: false
  force:
    description: Write O(dest) even when it is the same.
    type: bool
    default: false
extends_documentation_fragment:
  - dockhand.docker.docker
attributes:
  check_mode:
    description: Compares the file with O(dest) without writing anything, so C(changed) is predicted exactly.
    support: full
  diff_mode:
    description: Shows the SHA-256 and mode of O(dest) before and after.
    support: full
  idempotent:
    description: A second run with the same options changes nothing and reports C(changed=false).
    support: full
  action_group:
    description: Use C(group/dockhand.docker.docker) in C(module_defaults) to set the connection options once.
    support: full
    membership:
      - dockhand.docker.docker
seealso:
  - module: dockhand.docker.container_copy_into
  - module: dockhand.docker.container_exec
author:
  - dockhand.docker maintainers (@dockhand)
"""

EXAMPLES = r"""
- name: Dump the database in its container
  dockhand.docker.container_exec:
    container: shop-db
    argv: [sh, -c, "pg_dump -U shop shop > /tmp/shop.sql"]
    check_rc: true

- name: And keep the dump on the controller
  dockhand.docker.container_copy_out:
    container: shop-db
    container_path: /tmp/shop.sql
    dest: backups/
    mode: "0600"
"""

RETURN = r"""
container_path:
  description: The file copied.
  returned: success
  type: str
  sample: /tmp/shop.sql
dest:
  description: The file written on the controller.
  returned: success
  type: str
  sample: backups/shop.sql
checksum:
  description: SHA-256 of the file in the container.
  returned: when O(container_path) is a file
  type: str
  sample: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
size:
  description: Size of the file in bytes.
  returned: when O(container_path) is a file
  type: int
  sample: 10240
container_mode:
  description: The file's mode in the container.
  returned: when O(container_path) is a file
  type: str
  sample: "0644"
mode:
  description: The mode of O(dest).
  returned: when O(container_path) is a file
  type: str
  sample: "0600"
files:
  description: For a directory, each file under it (its path relative to O(container_path)) with its SHA-256, size and mode in the container.
  returned: when O(container_path) is a directory
  type: dict
  sample: {"conf/app.ini": {"sha256": "9f86d0...", "size": 120, "mode": "0644"}}
file:
  description: SHA-256 and mode of O(dest) after the run (before it, in check mode); empty when it does not exist.
  returned: when O(container_path) is a file
  type: dict
  sample: {"sha256": "9f86d0...", "mode": "0600"}
actions:
  description: The plan, one line when O(dest) changes.
  returned: success
  type: list
  elements: str
  sample: ["fetch /tmp/shop.sql from container shop-db to backups/shop.sql: sha256: None -> 9f86d0... (fetch)"]
changes:
  description: What differs - C(sha256), C(mode) - before and after.
  returned: success
  type: list
  elements: dict
  sample: [{"field": "sha256", "before": null, "after": "9f86d0...", "how": "fetch"}]
"""

from ansible_collections.dockhand.docker.plugins.module_utils._container_copy import COPY_OUT_SPEC, run_copy_out
from ansible_collections.dockhand.docker.plugins.module_utils._runner import run_batch_module


def main():
    run_batch_module(COPY_OUT_SPEC, run_copy_out)


if __name__ == "__main__":
    main()
