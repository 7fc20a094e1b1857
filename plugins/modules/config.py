#!/usr/bin/python
# Copyright: dockhand.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: config
short_description: Create, check and remove Docker Swarm configs
version_added: 0.2.0
description:
  - Makes a Swarm config match the task, through one plan that check mode, C(--diff) and C(changed) all share. The
    engine must be a swarm manager.
  - A config cannot change after it is made, except its labels, which change in place. The data is compared through
    its SHA-256, kept in the label C(dockhand.sha256) of the configs this module makes.
    The engine returns a config's data; this module leaves C(Spec.Data) out of its result, as O(data) is no_log.
  - When the data differs (or cannot be compared, for a config made without that label) the task fails naming O(data)
    or O(data_src), unless O(force=true) allows removing the config and creating it again; the engine refuses that
    while services use the config. The usual way is a new name per version of the data, with the services pointed at it.
  - Same option names as M(community.docker.docker_config), except O(force). There it removes and recreates the config
    on every run; here only when the data differs, so a task with O(force=true) is still idempotent. The label holding
    the hash is C(dockhand.sha256) (community.docker uses C(ansible_key) with a SHA-224), and C(rolling_versions)
    and C(versions_to_keep) are not here (yet).
options:
  name:
    description: Name of the config.
    type: str
    required: true
  state:
    description: Whether the config should exist.
    type: str
    choices: [present, absent]
    default: present
  data:
    description:
      - The config's data, as text (or base64 with O(data_is_b64=true)). Never shown in the output, C(-vvv) included.
      - One of O(data) and O(data_src) is required with O(state=present).
    type: str
  data_is_b64:
    description: O(data) is base64-encoded (for binary data); the config holds the decoded bytes.
    type: bool
    default: false
  data_src:
    description: A file on the host the module runs on whose content is the config's data, instead of O(data).
    type: path
  labels:
    description:
      - Labels of the config. Only the keys listed are compared; a difference changes them in place.
      - Values must be strings. C(dockhand.sha256) is reserved for the data's hash.
    type: dict
  force:
    description:
      - Remove the config and create it again when its data differs from the task (a new ID; services that use it
        make the engine refuse). Without it, such a difference fails the task and changes nothing.
    type: bool
    default: false
  template_driver:
    description:
      - The templating driver the engine expands the config's data with when a service mounts it (V(golang)).
      - Fixed for the life of a config; a different one needs O(force=true), as different data does.
    type: str
    choices: [golang]
extends_documentation_fragment:
  - dockhand.docker.docker
  - dockhand.docker.attributes
seealso:
  - module: dockhand.docker.secret
  - module: dockhand.docker.swarm
  - module: community.docker.docker_config
author:
  - dockhand.docker maintainers (@dockhand)
"""

EXAMPLES = r"""
- name: A config from a file, versioned by name
  dockhand.docker.config:
    name: app-config-v2
    data_src: /etc/app/config-v2
    labels:
      app: shop

- name: A config from a variable, replaced when the data changes (no service may use it then)
  dockhand.docker.config:
    name: app-token
    data: "{{ app_token }}"
    force: true

- name: Remove a config
  dockhand.docker.config:
    name: app-config-v1
    state: absent
"""

RETURN = r"""
config:
  description:
    - The config as the engine reports it after the run (without C(Spec.Data));
      empty when it does not exist. In check mode, as it is before the run.
  returned: always
  type: dict
  sample: {"ID": "ktnbjxoalbkvbvedmg1urrz8h", "Version": {"Index": 11}, "Spec": {"Name": "app-token",
           "Labels": {"app": "shop", "dockhand.sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"}}}
config_id:
  description: The config's ID, as M(community.docker.docker_config) returns it.
  returned: when the config exists after the run (or would be kept in check mode)
  type: str
config_name:
  description: The config's name, as M(community.docker.docker_config) returns it.
  returned: when the config ID is returned
  type: str
actions:
  description: The plan, one readable line per action (or that would be applied in check mode).
  returned: always
  type: list
  elements: str
  sample: ["update config app-token: labels: {\"app\": null} -> {\"app\": \"shop\"} (update)"]
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
from ansible_collections.dockhand.docker.plugins.module_utils._swarm_data import CONFIG, CONFIG_SPEC as ARGUMENT_SPEC


def main():
    run_module(CONFIG, ARGUMENT_SPEC)


if __name__ == "__main__":
    main()
