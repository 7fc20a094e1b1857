#!/usr/bin/env bash
# The main job: sets the machine up (engine, registry, venv, base image), then deploys the demo web site on the local
# engine with playbooks/deploy.yml (build -> push -> network/volume -> 2 replicas -> probe -> metrics -> report).
# Run it again: it changes nothing and says so (changed=0).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=ci/setup.sh
source ci/setup.sh
# ansible finds this checkout as dockhand.docker through a link in a private collections directory
base="${DOCKHAND_COLLECTIONS:-$HOME/.cache/dockhand/collections}"
mkdir -p "$base/ansible_collections/dockhand"
ln -sfn "$PWD" "$base/ansible_collections/dockhand/docker"
export ANSIBLE_COLLECTIONS_PATH="$base" ANSIBLE_PYTHON_INTERPRETER="$DOCKHAND_VENV/bin/python"
export ANSIBLE_LOCALHOST_WARNING=false ANSIBLE_INVENTORY_UNPARSED_WARNING=false
exec ansible-playbook -i playbooks/inventory/hosts.yml playbooks/deploy.yml "$@"
