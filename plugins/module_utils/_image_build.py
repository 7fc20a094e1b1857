# Copyright: dockhand.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# PRIVATE: this module_utils file is internal to dockhand.docker and may change at any time.
"""Content-addressed image builds.

The build inputs (the files of the build context that .dockerignore lets through, chosen by the Docker SDK's own
exclude_paths, the Dockerfile, build args, target, platform and labels) are hashed into the image label
dockhand.build-hash. The image is built only when that label differs from the hash of the task (or rebuild=always),
so check mode predicts the build exactly; after a build, `changed` is true only when an image ID moved.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from dataclasses import dataclass

from ._client import load_sdk
from ._errors import EngineError, ParamError
from ._image import Ref, check_platform, local_image, parse_ref
from ._parse import size_bytes, string_map
from ._plan import Action, Change, Outcome, Plan


HASH_LABEL = "dockhand.build-hash"
HASH_VERSION = 1
LOG_TAIL = 20


def dockerignore_patterns(path):
    """The .dockerignore patterns of a context, read exactly as the Docker SDK's build() reads them."""
    name = os.path.join(path, ".dockerignore")
    if not os.path.exists(name):
        return []
    with open(name, encoding="utf-8") as handle:
        return [line.strip() for line in handle.read().splitlines() if line.strip() and not line.strip().startswith("#")]


def context_entries(path, dockerfile_in_context):
    """[(relative path, type, mode, content sha256 or link target)] for every path the build would send, sorted.

    Modification times and owners are left out: touching a file does not make a new image."""
    # the SDK (docker, requests, urllib3: 0.1-0.4 s) loads only when a context is hashed, not with every compose task
    exclude_paths = load_sdk().utils.exclude_paths
    entries = []
    for rel in sorted(exclude_paths(os.path.abspath(path), dockerignore_patterns(path), dockerfile=dockerfile_in_context)):
        full = os.path.join(path, rel)
        info = os.lstat(full)
        mode = stat.S_IMODE(info.st_mode)
        if stat.S_ISLNK(info.st_mode):
            entries.append((rel, "link", mode, os.readlink(full)))
        elif stat.S_ISDIR(info.st_mode):
            entries.append((rel, "dir", mode, ""))
        elif stat.S_ISREG(info.st_mode):
            digest = hashlib.sha256()
            with open(full, "rb") as handle:
                for block in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(block)
            entries.append((rel, "file", mode, digest.hexdigest()))
    return entries


def build_hash(entries, dockerfile_text, args, target, platform, labels):
    """sha256 of every build input that changes the image (pure)."""
    inputs = {"version": HASH_VERSION, "context": [list(e) for e in entries], "dockerfile": dockerfile_text,
              "args": dict(sorted((args or {}).items())), "target": target or None, "platform": platform or None,
              "labels": dict(sorted((labels or {}).items()))}
    return "sha256:" + hashlib.sha256(json.dumps(inputs, sort_keys=True, separators=(",", ":")).encode("utf-8")).hexdigest()


def resolve_dockerfile(path, dockerfile):
    """(absolute Dockerfile path, its path relative to the context or None when it is outside)."""
    full = dockerfile if dockerfile and os.path.isabs(dockerfile) else os.path.join(path, dockerfile or "Dockerfile")
    full = os.path.abspath(full)
    rel = os.path.relpath(full, os.path.abspath(path))
    return full, (None if rel.startswith("..") else rel)


def failing_step(lines):
    """The last 'Step n/m : ...' line of a classic-builder log, or None."""
    return next((line for line in reversed(lines) if line.startswith("Step ")), None)


@dataclass(frozen=True)
class BuildWant:
    name: str
    ref: Ref
    path: str
    hash: str              # of every build input: computed once per run (it reads the whole context)
    rebuild: str
    extra_tags: tuple
    build: dict            # the build call's arguments, all but tag and labels
    labels: dict


def _buildkit_only(params):
    """community.docker's BuildKit options: accepted where they change nothing, refused where they would."""
    if params.get("secrets"):
        raise ParamError("secrets", "build secrets need BuildKit; this module builds with the engine's classic builder")
    for i, output in enumerate(params.get("outputs") or []):
        if (output or {}).get("type", "docker") != "docker":
            raise ParamError(f"outputs[{i}].type", f"{output.get('type')!r} needs BuildKit; the image always goes into the engine "
                                                   "(the docker output)")


class BuildKind:
    kind = "image"
    phase = 1

    @staticmethod
    def desired(params):
        ref = parse_ref("name", params["name"], params.get("tag") or "latest", digest=False)
        _buildkit_only(params)
        path = params["path"]
        if not os.path.isdir(path):
            raise ParamError("path", f"{path!r} is not a directory")
        dockerfile, in_context = resolve_dockerfile(path, params.get("dockerfile"))
        if not os.path.isfile(dockerfile):
            raise ParamError("dockerfile", f"{dockerfile!r} is not a file")
        with open(dockerfile, encoding="utf-8") as handle:
            text = handle.read()
        args = string_map("args", params.get("args"))
        labels = string_map("labels", params.get("labels"))
        if labels and HASH_LABEL in labels:
            raise ParamError("labels", f"{HASH_LABEL} is set by the module")
        platforms = params.get("platform") or []
        platforms = [platforms] if isinstance(platforms, str) else platforms
        if len(platforms) > 1:
            raise ParamError("platform", f"{', '.join(platforms)}: several platforms need BuildKit's multi-platform build (docker buildx); "
                                         "the engine's build endpoint builds one: use one task per platform, each with its own name or tag")
        platform = check_platform("platform", platforms[0]) if platforms else None
        extra_tags = [parse_ref(f"tags[{i + 1}]", t, ref.tag, digest=False) for i, t in enumerate(params.get("tags") or [])]
        build = dict(path=path, dockerfile=dockerfile if in_context is None else in_context, buildargs=args, target=params.get("target"),
                     nocache=bool(params.get("nocache")), pull=bool(params.get("pull")), network_mode=params.get("network"),
                     platform=platform, shmsize=size_bytes("shm_size", params.get("shm_size")), cache_from=params.get("cache_from"),
                     extra_hosts=string_map("etc_hosts", params.get("etc_hosts")))
        return BuildWant(str(ref), ref, path, build_hash(context_entries(path, in_context), text, args, params.get("target"), platform, labels),
                         params.get("rebuild") or "inputs-changed", tuple(t for t in dict.fromkeys(extra_tags) if t != ref), build, labels or {})

    @staticmethod
    def read(client, want):
        image = local_image(client, want.ref)
        return {
            "image": None if image is None else {"id": image["Id"], "hash": ((image.get("Config") or {}).get("Labels") or {}).get(HASH_LABEL)},
            "tags": {str(t): (local_image(client, t) or {}).get("Id") for t in want.extra_tags},
        }

    @staticmethod
    def plan(want, actual):
        ref, have, rebuild = want.ref, actual["image"], want.rebuild
        plan = Plan("image", str(ref), have, {"hash": want.hash}, facts={"build_log": []})
        target = f"image {ref}"
        data = {"want": want, "before": have["id"] if have else None}
        build = None
        if have is None:
            build = Action("build", target, (Change("build_hash", None, want.hash, "build"),), data=data, note="no such image yet")
        elif rebuild == "always":
            build = Action("build", target, data=data, note="rebuild: always; changed only if the image ID moves")
        elif rebuild == "inputs-changed" and have["hash"] != want.hash:
            why = "the build inputs changed" if have["hash"] else f"the image has no {HASH_LABEL} label"
            build = Action("build", target, (Change("build_hash", have["hash"], want.hash, "rebuild"),), data=data, note=why)
        if build is not None:
            plan.add(build)
        else:
            plan.after = dict(have or {})
        for tag in want.extra_tags:
            old = actual["tags"][str(tag)]
            if build is None and old == have["id"]:
                continue
            new = f"the new build of {ref}" if build is not None else have["id"]
            plan.add(Action("tag", f"image {tag}", (Change(f"tags.{tag}", old, new, "tag"),), data={"source": ref, "tag": tag, "before": old}))
        return plan

    @staticmethod
    def apply(client, action):
        """changed only when the image or the extra tag now points at another image than before."""
        if action.verb == "tag":
            tag = action.data["tag"]
            source = local_image(client, action.data["source"])["Id"]
            client.api.tag(source, tag.repository, tag.tag, force=True)
            return Outcome(changed=source != action.data["before"])
        want = action.data["want"]
        log = _build(client, want, action.data["before"])
        built = local_image(client, want.ref)
        return Outcome(changed=(built or {}).get("Id") != action.data["before"], facts={"build_log": log})

    @staticmethod
    def inspect(client, want):
        return local_image(client, want.ref) or {}


def _build(client, want, before):
    """Build want.ref; returns the build log, or raises with the failing step and the log's last lines."""
    ref = want.ref
    labels = dict(want.labels, **{HASH_LABEL: want.hash})
    stream = client.api.build(tag=str(ref), labels=labels, rm=True, forcerm=True, decode=True, **want.build)
    log: list[str] = []
    for item in stream:
        text = item.get("stream")
        if text:
            log.extend(line for line in text.rstrip("\n").split("\n") if line.strip())
        error = item.get("error") or (item.get("errorDetail") or {}).get("message")
        if error:
            step = failing_step(log) or "an unknown step"
            tail = "\n".join(log[-LOG_TAIL:])
            kept = f"{ref} still points at image {before[:19]}" if before else f"{ref} was not created"
            raise EngineError(f"building {ref} failed at {step}: {error.strip()}; {kept}"
                              f"\n--- last {LOG_TAIL} lines of the build log ---\n{tail}")
    return log
