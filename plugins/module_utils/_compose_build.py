# Copyright: dockhand.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# PRIVATE: this module_utils file is internal to dockhand.docker and may change at any time.
"""A Compose service's `build` section as an image_build unit (_image_build.py's content-addressed builds), and the
container kind of a service whose image the same run builds.

The built image carries the label dockhand.build-hash (the hash of every build input); the service's containers carry
it as io.dockhand.build-hash, so a rebuild that changes the inputs recreates them, and check mode (where nothing is built)
predicts exactly the actions of the real run: the image's ID is not compared, the build hash is.
"""

from __future__ import annotations

import dataclasses
import os

from ._compose_model import as_map
from ._errors import ParamError
from ._image_build import BuildKind
from ._plan import Outcome

# compose build key -> image_build option
BUILD_KEYS = {"context": "path", "dockerfile": "dockerfile", "args": "args", "target": "target", "labels": "labels",
              "network": "network", "shm_size": "shm_size", "extra_hosts": "etc_hosts", "no_cache": "nocache", "pull": "pull",
              "cache_from": "cache_from", "tags": "tags"}
_OPTION_KEYS = {v: k for k, v in BUILD_KEYS.items()}
# the container's record of the build hash of its image (a label of its own: the container kind leaves dockhand.*
# labels, such as the image's dockhand.build-hash the container inherits, out of its comparisons)
CONTAINER_HASH_LABEL = "io.dockhand.build-hash"


def image_name(project, name, svc):
    """The image a service builds: its `image`, or <project>-<service> as Compose names it."""
    return str(svc.get("image") or f"{project}-{name}")


def rebuild_policy(svc, params):
    """image_build's rebuild from the task's build option and the service's pull_policy: always rebuilds; with
    policy, pull_policy: build rebuilds whenever the build inputs changed, any other builds only a missing image
    (as Compose does)."""
    if params.get("build") == "always":
        return "always"
    return "inputs-changed" if svc.get("pull_policy") == "build" else "never"


def build_unit_params(ctx, name, svc, params):
    """The image_build options of one service's build section (relative paths from the project directory)."""
    where = f"services.{name}.build"
    build = svc["build"]
    build = {"context": build} if isinstance(build, str) else build
    if not isinstance(build, dict):
        raise ParamError(where, "must be a context path or a mapping")
    for key in build:
        if key not in BUILD_KEYS and not str(key).startswith("x-"):
            raise ParamError(f"{where}.{key}", "not supported (the engine's classic builder builds the image)")
    out = {BUILD_KEYS[k]: v for k, v in build.items() if k in BUILD_KEYS}
    context = str(build.get("context") or ".")
    out["path"] = os.path.normpath(os.path.join(ctx.working_dir, os.path.expanduser(context)))
    for key in ("args", "labels", "etc_hosts"):
        if key in out:
            out[key] = {k: "" if v is None else str(v) for k, v in as_map(out[key], f"{where}.{_OPTION_KEYS[key]}").items()}
    out.update(name=image_name(ctx.project, name, svc), rebuild=rebuild_policy(svc, params))
    return out


def build_want(ctx, name, svc, params):
    """The BuildKind desired state of a service's build section; a refusal names the compose key."""
    where = f"services.{name}.build"
    p = build_unit_params(ctx, name, svc, params)
    try:
        return BuildKind.desired(p)
    except ParamError as exc:
        head, _dot, rest = exc.option.partition(".")
        if head in ("name", "tag"):
            raise ParamError(f"services.{name}.image", exc.why) from None
        raise ParamError(f"{where}.{_OPTION_KEYS.get(head, head)}" + (f".{rest}" if rest else ""), exc.why) from None


def with_build_hash(want, build):
    """The container want of a built service: labelled with the image's build hash, its image ID not compared."""
    labels = dict(want.fields["labels"] or {}, **{CONTAINER_HASH_LABEL: build.hash})
    return dataclasses.replace(want, fields=dict(want.fields, labels=labels), comparisons=dict(want.comparisons, image="ignore"),
                               pull="never")


_BUILT: dict = {}


def built(kind):
    """`kind` (the container kind, or one of compose's variants of it) for a service with a build section. In check
    mode the image may not exist yet (a real run builds it before the container's turn): the plan reads as if it did.
    With build: never, a container keeps the build hash it has."""
    if kind not in _BUILT:
        def plan(want, actual):
            if actual.get("image") is None:
                actual = dict(actual, image={"Id": "", "Config": {}})
            labels = want.fields["labels"] or {}
            have = (((actual.get("container") or {}).get("Config") or {}).get("Labels") or {}).get(CONTAINER_HASH_LABEL)
            if CONTAINER_HASH_LABEL not in labels and have:  # build: never: the container keeps the hash it has
                want = dataclasses.replace(want, fields=dict(want.fields, labels=dict(labels, **{CONTAINER_HASH_LABEL: have})))
            return kind.plan(want, actual)
        _BUILT[kind] = type(f"Built{kind.__name__}", (kind,), {"plan": staticmethod(plan)})
    return _BUILT[kind]


class CountedBuild(BuildKind):
    """The build kind with ignore_build_events: false: every build the task runs counts as a change, as Compose reports
    its build events, not only a build that moved the image ID (BuildKind's own rule, which is ignore_build_events: true)."""

    @staticmethod
    def apply(client, action):
        outcome = BuildKind.apply(client, action)
        return Outcome(changed=True, facts=outcome.facts) if action.verb == "build" else outcome
