#!/usr/bin/python
# Copyright: dockhand.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: login
short_description: Store or remove registry credentials in the Docker config file, for later CLI and SDK steps
version_added: 0.1.0
description:
  - Logs in to a registry the way C(docker login) does - the credentials are kept in the Docker config file
    (O(config_path)), or in the credential helper that file names (C(credsStore), C(credHelpers)) - so later
    steps that use the Docker CLI or the SDK (and the image modules without per-task credentials) are authenticated.
    O(state=absent) logs out - the credentials for that registry are removed.
  - C(changed) comes from comparing what is stored with the task. Credentials that would be stored are first checked
    with the registry through the engine, in check mode too, so a wrong password fails before anything is written and
    the failure names O(password).
  - The password never appears in output, results, plan lines, C(--diff) or logs.
  - Prefer the per-task credentials of M(dockhand.docker.image_pull) and M(dockhand.docker.image_push) when only those
    steps need them - they are sent to that registry for that call and never written anywhere. Use this module when
    other tools on the host (the Docker CLI, compose, scripts) need the credentials too.
  - Same option names as M(community.docker.docker_login), so tasks move over by changing the FQCN. Differences, for the
    better. O(reauthorize) checks stored credentials with the registry again but does not rewrite identical ones, so a
    second run reports no change. O(config_path) defaults to the file the Docker CLI reads (honouring E(DOCKER_CONFIG)).
options:
  registry_url:
    description:
      - The registry, as an address (V(registry.example.com), V(127.0.0.1:5000)) or a URL; Docker Hub by default.
      - Stored under the key the Docker CLI uses (V(https://index.docker.io/v1/) for Docker Hub, else C(host[:port])).
        Entries of the same registry under another spelling (with a scheme) are replaced or removed too.
    type: str
    default: https://index.docker.io/v1/
    aliases: [registry, url]
  username:
    description: The user name. Required with O(state=present).
    type: str
  password:
    description: The password or access token. Required with O(state=present).
    type: str
  reauthorize:
    description: Check the credentials with the registry even when identical ones are stored already.
    type: bool
    default: false
    aliases: [reauth]
  config_path:
    description:
      - The Docker config file. Defaults to C(config.json) in E(DOCKER_CONFIG) when that is set, else
        C(~/.docker/config.json) of the user that runs the module. Created (with its directory) when missing; other
        settings in it are kept.
    type: path
    aliases: [docker_config, dockercfg_path]
  state:
    description: V(present) stores the credentials (log in), V(absent) removes them (log out).
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - dockhand.docker.docker
  - dockhand.docker.attributes
seealso:
  - module: dockhand.docker.image_pull
  - module: community.docker.docker_login
author:
  - dockhand.docker maintainers (@dockhand)
"""

EXAMPLES = r"""
- name: Let the deploy user's docker CLI pull from the company registry
  dockhand.docker.login:
    registry_url: registry.example.com
    username: deploy
    password: "{{ vault_registry_token }}"
  become: true
  become_user: deploy

- name: Log out
  dockhand.docker.login:
    registry_url: registry.example.com
    state: absent
"""

RETURN = r"""
login_result:
  description: The registry key and the user name stored after the run (before it, in check mode); empty when none is stored.
  returned: always
  type: dict
  sample: {"serveraddress": "registry.example.com", "username": "deploy"}
actions:
  description: The plan, one readable line per action.
  returned: always
  type: list
  elements: str
  sample: ["login registry reg.example.com: username: null -> \"deploy\" (store); password: null -> \"(hidden)\" (store) (stored in ~/.docker/config.json)"]
changes:
  description: The user name and password before and after; the password is always shown as C((hidden)).
  returned: always
  type: list
  elements: dict
  sample: [{"field": "password", "before": "(hidden)", "after": "(hidden) (new)", "how": "store"}]
actions_done:
  description: When storing fails, the actions applied before it.
  returned: failure
  type: list
  elements: str
"""

from ansible_collections.dockhand.docker.plugins.module_utils._login import LOGIN_SPEC, LoginKind
from ansible_collections.dockhand.docker.plugins.module_utils._runner import run_module


def main():
    run_module(LoginKind, LOGIN_SPEC)


if __name__ == "__main__":
    main()
