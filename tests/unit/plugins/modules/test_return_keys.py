"""Return keys of a migrated play: for every dockhand.docker module with a community.docker counterpart, each key
community.docker's RETURN documents is documented in ours under the same name, with the same type (and element type),
so `assert` and `when:` lines on a registered result keep working; the keys and subkeys our RETURN says it contains
include the ones community.docker's does. DIFFERENT lists the deliberate exceptions, each with the reason (README too).
The integration tests (test_migration.py) check the main ones on real results."""

import ast
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[4]
sys.path.insert(0, str(ROOT / "ci"))
import community_docker  # noqa: E402  pylint: disable=wrong-import-position  # ci/community_docker.py fetches it once

DIFFERENT = {
    ("docker_compose_v2", "actions"): "every dockhand module's actions are the plan's lines (strings); docker_compose_v2's are "
                                      "dicts of what, id and status parsed from the Compose CLI's output",
    ("docker_compose_v2", "images"): "compose returns the project's containers, networks and volumes; the images are each "
                                     "container's Image",
    ("docker_image_build", "command"): "no CLI runs: the engine's build endpoint builds, so there is no command line to return",
    ("docker_swarm_service", "swarm_service"): "community.docker's option-shaped copy of the service; service returns the engine's "
                                               "inspect data as service (and service_id)",
    ("docker_swarm_service", "changes"): "every dockhand module's changes are dicts (field, before, after, how); "
                                         "changes | map(attribute='field') is docker_swarm_service's list of option names",
}


def our_return(module):
    source = (ROOT / "plugins" / "modules" / f"{module}.py").read_text(encoding="utf-8")
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "RETURN" for t in node.targets):
            return yaml.safe_load(node.value.value) or {}
    raise AssertionError(f"{module} has no RETURN")


def differences(path, theirs, ours):
    """Where our documentation of one key departs from community.docker's: type, element type, contained keys."""
    out = []
    if (theirs.get("type"), theirs.get("elements")) != (ours.get("type"), ours.get("elements")):
        out.append(f"{path}: {theirs.get('type')}/{theirs.get('elements')} there, {ours.get('type')}/{ours.get('elements')} here")
    if ours.get("contains"):  # ours says what it holds: it must hold theirs
        for key, sub in (theirs.get("contains") or {}).items():
            if key not in ours["contains"]:
                out.append(f"{path}.{key}: not in ours")
            else:
                out.extend(differences(f"{path}.{key}", sub, ours["contains"][key]))
    return out


PAIRS = sorted(community_docker.DOCKHAND_MODULES.items())


@pytest.mark.parametrize("theirs,ours", PAIRS, ids=[p[0] for p in PAIRS])
def test_community_return_keys_are_ours(theirs, ours):
    their_keys = community_docker.module_doc(theirs, "RETURN") or {}
    our_keys = our_return(ours)
    problems = []
    for key, doc in their_keys.items():
        if (theirs, key) in DIFFERENT:
            continue
        if key not in our_keys:
            problems.append(f"{key}: not returned by dockhand.docker.{ours}")
        else:
            problems.extend(differences(key, doc, our_keys[key]))
    assert not problems, f"{theirs} -> {ours}: " + "; ".join(problems)


def test_deliberate_differences_are_still_different():
    for (theirs, key) in DIFFERENT:
        assert key in (community_docker.module_doc(theirs, "RETURN") or {}), (theirs, key)
        ours = our_return(community_docker.DOCKHAND_MODULES[theirs]).get(key)
        assert ours is None or differences(key, community_docker.module_doc(theirs, "RETURN")[key], ours), \
            f"{theirs}.{key} is now returned the same way: remove it from DIFFERENT"


def test_most_keys_match():
    total = sum(len(community_docker.module_doc(pair[0], "RETURN") or {}) for pair in PAIRS)
    assert total - len(DIFFERENT) >= 50 and len(DIFFERENT) <= 5, (total, len(DIFFERENT))
