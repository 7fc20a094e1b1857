#!/usr/bin/python
# Copyright: dockhand.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: secret
short_description: Create, check and remove Docker Swarm secrets
version_added: 0.2.0
description:
  - Makes a Swarm secret match the task, through one plan that check mode, C(--diff) and C(changed) all share. The
    engine must be a swarm manager.
  - A secret cannot change after it is made, except its labels, which change in place. The data is compared through
    its SHA-256, kept in the label C(dockhand.sha256) of the secrets this module makes. The engine never returns a secret's data.
  - When the data differs (or cannot be compared, for a secret made without that label) the task fails naming O(data)
    or O(data_src), unless O(force=true) allows removing the secret and creating it again; the engine refuses that
    while services use the secret. The usual way is a new name per version of the data, with the services pointed at it;
    O(rolling_versions=true) does that.
  - Same option names as M(community.docker.docker_secret), except O(force). There it removes and recreates the secret
    on every run; here only when the data differs, so a task with O(force=true) is still idempotent. The label holding
    the hash is C(dockhand.sha256) (community.docker uses C(ansible_key) with a SHA-224). With O(rolling_versions) the
    versions are named as there (C(<name>_v<N>)), and the services that use an older version are pointed at the new one
    (community.docker leaves them alone).
options:
  name:
    description: Name of the secret.
    type: str
    required: true
  state:
    description: Whether the secret should exist.
    type: str
    choices: [present, absent]
    default: present
  data:
    description:
      - The secret's data, as text (or base64 with O(data_is_b64=true)). Never shown in the output, C(-vvv) included.
      - One of O(data) and O(data_src) is required with O(state=present).
    type: str
  data_is_b64:
    description: O(data) is base64-encoded (for binary data); the secret holds the decoded bytes.
    type: bool
    default: false
  data_src:
    description: A file on the host the module runs on whose content is the secret's data, instead of O(data).
    type: path
  labels:
    description:
      - Labels of the secret. Only the keys listed are compared; a difference changes them in place.
      - Values must be strings. C(dockhand.sha256) is reserved for the data's hash.
    type: dict
  force:
    description:
      - Remove the secret and create it again when its data differs from the task (a new ID; services that use it
        make the engine refuse). Without it, such a difference fails the task and changes nothing.
      - Not with O(rolling_versions).
    type: bool
    default: false
  rolling_versions:
    description:
      - Keep the secret as versions named C(<name>_v<N>), the newest compared with the task (C(N) also in the label
        C(dockhand.version)). When its data differs, the rotation is one plan, in check mode and C(--diff) too. A new
        version C(<name>_v<N+1>) is made, every service that uses an older version is pointed at it through the service
        update endpoint (its tasks are replaced as its C(update_config) says, and the module waits up to O(wait_timeout)
        until they run with the new version, as M(dockhand.docker.service) waits for an update), and the versions past
        O(versions_to_keep) are removed.
      - Services refer to the versioned name, which the module returns as RV(secret_name).
    type: bool
    default: false
  versions_to_keep:
    description:
      - With O(rolling_versions), how many versions stay after a new one is made, the new one included; V(0) and V(1)
        keep only the new one, V(-1) keeps every version.
    type: int
    default: 5
  wait_timeout:
    description:
      - With O(rolling_versions), how many seconds to wait for each service pointed at the new version to converge (its
        update completed, every task running); an update the engine rolled back or paused fails the task, and the older
        versions are then kept. V(0) does not wait.
      - Not an option of M(community.docker.docker_secret), which leaves the services alone.
    type: int
    default: 120
    version_added: 0.2.0
extends_documentation_fragment:
  - dockhand.docker.docker
  - dockhand.docker.attributes
seealso:
  - module: dockhand.docker.config
  - module: dockhand.docker.swarm
  - module: community.docker.docker_secret
author:
  - dockhand.docker maintainers (@dockhand)
"""

EXAMPLES = r"""
- name: A secret from a file, versioned by name
  dockhand.docker.secret:
    name: app-secret-v2
    data_src: /etc/app/secret-v2
    labels:
      app: shop

- name: A secret from a variable, replaced when the data changes (no service may use it then)
  dockhand.docker.secret:
    name: app-token
    data: "{{ app_token }}"
    force: true

- name: A secret rotated when the data changes (app-db_v1, app-db_v2...; the services that use it follow)
  dockhand.docker.secret:
    name: app-db
    data: "{{ db_password }}"
    rolling_versions: true
    versions_to_keep: 2
  register: db_secret

- name: Remove a secret
  dockhand.docker.secret:
    name: app-secret-v1
    state: absent
"""

RETURN = r"""
secret:
  description:
    - The secret as the engine reports it after the run (the engine never returns the data);
      empty when it does not exist. In check mode, as it is before the run.
  returned: always
  type: dict
  sample: {"ID": "ktnbjxoalbkvbvedmg1urrz8h", "Version": {"Index": 11}, "Spec": {"Name": "app-token",
           "Labels": {"app": "shop", "dockhand.sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"}}}
secret_id:
  description: The secret's ID, as M(community.docker.docker_secret) returns it.
  returned: when the secret exists after the run (or would be kept in check mode)
  type: str
secret_name:
  description: The secret's name, as M(community.docker.docker_secret) returns it (with O(rolling_versions), the newest
    version's, C(<name>_v<N>)).
  returned: when the secret ID is returned
  type: str
actions:
  description: The plan, one readable line per action (or that would be applied in check mode).
  returned: always
  type: list
  elements: str
  sample: ["update secret app-token: labels: {\"app\": null} -> {\"app\": \"shop\"} (update)"]
changes:
  description: Every field that differs, with its actual (C(before)) and desired (C(after)) value and how it converges;
    the data appears only as its hash, C(data_sha256).
  returned: always
  type: list
  elements: dict
actions_done:
  description: When an action fails, the actions applied before it.
  returned: failure
  type: list
  elements: str
"""

from ansible_collections.dockhand.docker.plugins.module_utils._runner import run_module
from ansible_collections.dockhand.docker.plugins.module_utils._swarm_data import SECRET, SECRET_SPEC as ARGUMENT_SPEC


def main():
    run_module(SECRET, ARGUMENT_SPEC)


if __name__ == "__main__":
    main()
