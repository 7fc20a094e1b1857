"""The migration promise, checked on community.docker's own documentation: every task of the EXAMPLES of
community.docker's modules that have a dockhand.docker counterpart, with only the FQCN swapped, passes our module's
argument spec validation (names, aliases, types, choices, required and exclusive options) and, for resource modules,
the module's own parsing of the task (desired(): value forms, rules between options). Options as data: no engine.

Jinja expressions of the examples ("{{ ... }}") are replaced by a value of the option's declared type first.
Examples that fail on purpose are listed in REFUSED with the reason, which the task's failure message must name.
"""

import importlib
import os
import sys
from pathlib import Path

import pytest
from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.dockhand.docker.plugins.module_utils import _runner
from ansible_collections.dockhand.docker.plugins.module_utils._errors import ParamError

sys.path.insert(0, str(Path(__file__).resolve().parents[4] / "ci"))
import community_docker  # noqa: E402  pylint: disable=wrong-import-position  # ci/community_docker.py fetches it once

# community.docker example (as example_tasks() names it, up to the task name) -> words our failure message must contain.
REFUSED = {
    # community.docker's example names its container "tmpfs test": the engine refuses that name too
    "docker_container example 22": ["name:", "is not a valid name"],
    # two platforms at once need BuildKit's multi-platform build; the engine's build endpoint builds one
    "docker_image_build example 2": ["platform:", "several platforms need BuildKit"],
}


# community.docker examples that still fail because an option is not taken yet -> words the failure must contain.
# (None today: the Swarm modules take every option of docker_swarm and docker_swarm_service.)
NOT_YET: dict = {}


class _Captured(Exception):
    pass


def _record(self, **kwargs):  # pylint: disable=unused-argument
    """Stands in for AnsibleModule.__init__: records what the module would validate with, and stops the module there."""
    raise _Captured(kwargs)


def module_spec(module):
    """(AnsibleModule keyword arguments, kind or None) of one of our modules, from its real main()."""
    mod = importlib.import_module(f"ansible_collections.dockhand.docker.plugins.modules.{module}")
    seen = {}

    def recorder(*args, **kwargs):  # run_module(kind, spec), run_info_module(spec, gather), run_batch_module(spec, run)
        seen["kind"] = args[0] if hasattr(args[0], "desired") else None
        return _runner.module_for(args[1] if seen["kind"] else args[0], **kwargs)

    saved = {name: getattr(mod, name) for name in ("run_module", "run_info_module", "run_batch_module") if hasattr(mod, name)}
    original = AnsibleModule.__init__
    try:
        for name in saved:
            setattr(mod, name, recorder)
        AnsibleModule.__init__ = _record  # the runner's module class, whatever it is, starts here
        with pytest.raises(_Captured) as captured:
            mod.main()
    finally:
        AnsibleModule.__init__ = original
        for name, function in saved.items():
            setattr(mod, name, function)
    return captured.value.args[0], seen.get("kind")


def _template(value):
    return isinstance(value, str) and ("{{" in value or "{%" in value)


def _placeholder(entry, template=""):
    if "b64encode" in template:
        return "ZXhhbXBsZQ=="
    if entry.get("choices"):
        return entry["choices"][0]
    return {"int": 1, "float": 1.0, "bool": True, "list": [], "dict": {}, "path": "/tmp/example"}.get(entry.get("type") or "str", "example")


def _entry(spec, key):
    for name, entry in spec.items():
        if key == name or key in (entry.get("aliases") or []):
            return entry
    return None


def fill(args, spec):
    """The task's arguments with each Jinja expression replaced by a value of the option's type."""
    out = {}
    for key, value in args.items():
        entry = _entry(spec, key)
        out[key] = value if entry is None else _fill_value(value, entry)
    return out


def _fill_value(value, entry):
    if _template(value):
        return _placeholder(entry, value)
    if entry.get("options") and isinstance(value, dict):
        return fill(value, entry["options"])
    if isinstance(value, list):
        element = dict(entry.get("options") and {"type": "dict"} or {}, type=entry.get("elements") or "str", options=entry.get("options"))
        return [_fill_value(item, element) for item in value]
    return value


def check(module, args, files):
    """None when our module takes the task, else the reason it does not. A file or directory the example names that is
    not on this machine is made under `files` (a directory with the Dockerfile the task names), so the rest is checked."""
    kwargs, kind = module_spec(module)
    spec = kwargs.pop("argument_spec")
    kwargs.pop("supports_check_mode", None)
    result = ArgumentSpecValidator(spec, **kwargs).validate(fill(args, spec))
    if result.error_messages:
        return "; ".join(result.error_messages)
    params = dict(result.validated_parameters)
    for _attempt in range(3):
        try:
            if kind is not None:
                kind.desired(params)
            return None
        except ParamError as exc:
            entry = spec.get(exc.option) or {}
            if entry.get("type") == "list" and entry.get("elements") == "path":  # env_files: each missing file stood in for
                params[exc.option] = [path if os.path.exists(path) else _stand_in(files / f"{exc.option}-{i}", False, None)
                                      for i, path in enumerate(params[exc.option])]
                continue
            if entry.get("type") != "path" or os.path.exists(params[exc.option]):
                return str(exc)
            params[exc.option] = _stand_in(files / exc.option, "not a directory" in exc.why, params.get("dockerfile"))
    return "the files the example names could not be stood in for"


def _stand_in(path, directory, dockerfile):
    if directory:
        path.mkdir(parents=True, exist_ok=True)
        (path / (dockerfile or "Dockerfile")).write_text("FROM scratch\n")
    else:
        path.write_text("EXAMPLE=1\n")
    return str(path)


EXAMPLES = community_docker.example_tasks()


def test_every_mapped_module_has_examples():
    assert {example[1] for example in EXAMPLES} == set(community_docker.DOCKHAND_MODULES)
    assert len(EXAMPLES) > 100


@pytest.mark.parametrize("where,called,task", EXAMPLES, ids=[example[0] for example in EXAMPLES])
def test_community_example_is_accepted(where, called, task, tmp_path):
    args = task[f"community.docker.{called}"] or {}
    reason = check(community_docker.DOCKHAND_MODULES[called], args, tmp_path)
    refused = next((words for prefix, words in REFUSED.items() if where.startswith(prefix + ":")), None)
    not_yet = next((words for prefix, words in NOT_YET.items() if where.startswith(prefix + ":")), None)
    if refused is not None:
        assert reason is not None and all(word in reason for word in refused), (where, reason)
    elif not_yet is not None:
        assert reason is None or all(word in reason for word in not_yet), (where, reason)
    else:
        assert reason is None, f"{where}: dockhand.docker.{community_docker.DOCKHAND_MODULES[called]} refuses it: {reason}"


# --- every option of community.docker's DOCUMENTATION, not only those its examples use ---------------------------------

# Options our module does not have yet; a task with one fails with "Unsupported parameters" naming it (README lists them).
OPTIONS_NOT_YET = {
    # deliberately absent, not "yet": the stack module deploys through the engine's API, with no Docker CLI (issue 17)
    "docker_stack": {"docker_cli", "cli_context"},
}


def option_gaps(theirs, ours_spec):
    """community.docker's options, aliases, suboptions and choices our argument spec does not take, as 'a.b', 'a=value'."""
    gaps = set()
    for name, doc in theirs.items():
        entry = _entry(ours_spec, name)
        if entry is None:
            gaps.add(name)
            continue
        gaps.update(f"alias {alias} of {name}" for alias in doc.get("aliases") or [] if _entry(ours_spec, alias) is None)
        choices = doc.get("choices")
        choices = list(choices) if isinstance(choices, (list, dict)) else []
        if entry.get("choices"):
            gaps.update(f"{name}={choice}" for choice in choices if choice not in entry["choices"])
        if doc.get("suboptions") and entry.get("options"):
            gaps.update(f"{name}.{gap}" for gap in option_gaps(doc["suboptions"], entry["options"]))
    return gaps


@pytest.mark.parametrize("theirs", sorted(community_docker.DOCKHAND_MODULES))
def test_every_community_option_is_taken(theirs):
    options = (community_docker.module_doc(theirs, "DOCUMENTATION") or {}).get("options") or {}
    spec = module_spec(community_docker.DOCKHAND_MODULES[theirs])[0]["argument_spec"]
    gaps = option_gaps(options, spec)
    not_yet = OPTIONS_NOT_YET.get(theirs, set())
    # an entry of OPTIONS_NOT_YET that the module now takes is fine (the Swarm and Compose modules are being extended): drop it
    assert gaps <= not_yet, f"{theirs}: not taken: {sorted(gaps - not_yet)}"
