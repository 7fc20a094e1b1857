# Copyright: dockhand.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# PRIVATE: this module_utils file is internal to dockhand.docker and may change at any time.
"""The image_pull, image_push, image_tag and image_remove kinds, on the reference and registry helpers of _image.py.

Registry state is read through the engine's distribution endpoint (the manifest digest a tag points at), so pull and
push decide by digest and check mode predicts them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ._errors import ParamError
from ._image import (Ref, _platform_of, auth_header_config, canonical_repository, check_platform, check_tag, credentials, local_image,
                     parse_ref, pull, remote_digest, repo_digests, same_platform, short_id, stream_errors)
from ._plan import Action, Change, Outcome, Plan

_PUSHED = re.compile(r"^(?P<tag>\S+): digest: (?P<digest>\S+:[a-fA-F0-9]{32,}) size: \d+$")


# --- pull ----------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class PullWant:
    name: str
    ref: Ref
    platform: str | None
    pull: str  # always | missing
    creds: dict | None


class PullKind:
    """Pull an image when it is missing or, with pull=always, when the registry's digest differs from the local one."""

    kind = "image"
    phase = 1

    @staticmethod
    def desired(params):
        ref = parse_ref("name", params["name"], check_tag("tag", params["tag"]) if params.get("tag") else "latest")
        mode = "missing" if params.get("pull") in ("missing", "not_present") else "always"
        return PullWant(str(ref), ref, check_platform("platform", params.get("platform")), mode, credentials(params, ref))

    @staticmethod
    def read(client, want):
        ref = want.ref
        image = local_image(client, ref)
        actual: dict[str, Any] = {"image": image, "remote": None, "asked": False}
        wrong_platform = image is not None and want.platform and not same_platform(want.platform, _platform_of(image))
        if image is None or wrong_platform or (want.pull == "always" and not ref.digest):
            actual["asked"] = True
            actual["remote"] = remote_digest(client, ref, want.creds)
        return actual

    @staticmethod
    def plan(want, actual):
        ref, image, remote = want.ref, actual["image"], actual["remote"]
        before = {"id": image["Id"], "digests": repo_digests(image, ref.repository), "platform": _platform_of(image)} if image else None
        plan = Plan("image", str(ref), before, None)
        if actual["asked"] and remote is None:
            raise ParamError("name", f"registry {ref.registry} has no image {ref}")
        data = {"ref": ref, "platform": want.platform, "creds": want.creds, "id": image["Id"] if image else None}
        if image is None:
            plan.after = {"digests": [remote]}
            plan.add(Action("pull", f"image {ref}", (Change("digest", None, remote, "pull"),), data=data))
            return plan
        have: dict[str, Any] = dict(before or {})
        changes = []
        if want.platform and not same_platform(want.platform, have["platform"]):
            changes.append(Change("platform", have["platform"], want.platform, "pull"))
        if remote and remote not in have["digests"]:
            changes.append(Change("digest", have["digests"], remote, "pull"))
        plan.after = dict(have, **{c.field: c.after for c in changes})
        if changes:
            plan.add(Action("pull", f"image {ref}", tuple(changes), data=data))
        return plan

    @staticmethod
    def apply(client, action):
        pull(client, action.data["ref"], action.data["platform"], action.data["creds"])
        after = local_image(client, action.data["ref"])
        return Outcome(changed=(after or {}).get("Id") != action.data["id"])

    @staticmethod
    def inspect(client, want):
        return local_image(client, want.ref) or {}


# --- push ----------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class PushWant:
    name: str
    refs: list
    creds: dict | None


def pushed_digest(items, tag):
    """The manifest digest a push stream reports for tag: its aux record (classic image store) or, as Docker's
    containerd image store sends no aux record (seen with 28.5), its last status line."""
    for item in items:
        if isinstance(item.get("aux"), dict) and item["aux"].get("Digest"):
            return item["aux"]["Digest"]
    for item in items:
        found = _PUSHED.match(str(item.get("status") or ""))
        if found and found["tag"] == tag:
            return found["digest"]
    return None


class PushKind:
    """Push the tags whose registry digest is not one the local image already has."""

    kind = "image"
    phase = 1

    @staticmethod
    def desired(params):
        ref = parse_ref("name", params["name"], None, digest=False)
        tags = [ref.tag] if ref.tag else [check_tag("tags", t) for t in (params.get("tags") or ["latest"])]
        refs = [Ref(ref.repository, tag) for tag in dict.fromkeys(tags)]
        return PushWant(ref.repository, refs, credentials(params, refs[0]))

    @staticmethod
    def read(client, want):
        local = {str(r): local_image(client, r) for r in want.refs}
        missing = [name for name, image in local.items() if image is None]
        if missing:
            raise ParamError("name", f"no local image {', '.join(missing)} to push; build, pull or tag it first")
        return {"local": local, "remote": {str(r): remote_digest(client, r, want.creds) for r in want.refs}}

    @staticmethod
    def plan(want, actual):
        before = {r.tag: actual["remote"][str(r)] for r in want.refs}
        after = dict(before)
        plan = Plan("image", want.refs[0].repository, before, after, facts={"pushed": [], "registry_digests": dict(before)})
        for ref in want.refs:
            image, remote = actual["local"][str(ref)], actual["remote"][str(ref)]
            if remote and remote in repo_digests(image, ref.repository):
                continue
            after[ref.tag] = f"image {short_id(image['Id'])}"
            note = "new tag" if remote is None else "the tag moves"
            plan.add(Action("push", f"image {ref}", (Change(f"tags.{ref.tag}", remote, after[ref.tag], "push"),),
                            data={"ref": ref, "creds": want.creds}, note=note))
        return plan

    @staticmethod
    def apply(client, action):
        ref, creds = action.data["ref"], action.data["creds"]
        auth = auth_header_config(client, creds, ref.registry)
        items = stream_errors(client.api.push(ref.repository, tag=ref.tag, auth_config=auth, stream=True, decode=True),
                              f"pushing {ref}", ref, creds)
        digest = pushed_digest(items, ref.tag)
        return Outcome(facts={"pushed": [{"tag": ref.tag, "digest": digest}], "registry_digests": {ref.tag: digest}})

    @staticmethod
    def inspect(client, want):
        return local_image(client, want.refs[0]) or {}


# --- tag -----------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class TagWant:
    name: str
    source: Ref
    targets: list
    keep: bool


class TagKind:
    """Point new names at an image."""

    kind = "image"
    phase = 1

    @staticmethod
    def desired(params):
        source = parse_ref("name", params["name"], params.get("tag") or "latest", image_id=True)
        default_tag = check_tag("tag", params.get("tag") or "latest")
        targets = []
        for index, value in enumerate(params.get("repository") or []):
            target = parse_ref(f"repository[{index + 1}]", value, default_tag, digest=False)
            targets.append(target)
        if not targets:
            raise ParamError("repository", "list at least one new name")
        return TagWant(str(source), source, list(dict.fromkeys(targets)), params.get("existing_images") == "keep")

    @staticmethod
    def read(client, want):
        return {"source": local_image(client, want.source), "targets": {str(t): (local_image(client, t) or {}).get("Id") for t in want.targets}}

    @staticmethod
    def plan(want, actual):
        source = actual["source"]
        if source is None:
            raise ParamError("name", f"no local image {want.source} to tag")
        before = dict(actual["targets"])
        after = dict(before)
        plan = Plan("image", str(want.source), before, after)
        plan.facts["tagged_images"] = []  # community.docker's key: the names this run points at the image
        for target in want.targets:
            old = before[str(target)]
            if old == source["Id"] or (old and want.keep):
                continue
            after[str(target)] = source["Id"]
            plan.facts["tagged_images"].append(str(target))
            plan.add(Action("tag", f"image {target}", (Change(str(target), old, source["Id"], "tag"),), data={"id": source["Id"], "target": target},
                            note=f"from {want.source}" + (f", was {short_id(old)}" if old else "")))
        return plan

    @staticmethod
    def apply(client, action):
        target = action.data["target"]
        client.api.tag(action.data["id"], target.repository, target.tag, force=True)

    @staticmethod
    def inspect(client, want):
        return local_image(client, want.source) or {}


# --- remove --------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class RemoveWant:
    name: str
    ref: Ref
    force: bool
    prune: bool


class RemoveKind:
    """Remove an image name (the image goes with its last name) or an image by ID."""

    kind = "image"
    phase = 1

    @staticmethod
    def desired(params):
        ref = parse_ref("name", params["name"], params.get("tag") or "latest", image_id=True)
        return RemoveWant(str(ref), ref, bool(params.get("force")), params.get("prune", True) is not False)

    @staticmethod
    def read(client, want):
        image = local_image(client, want.ref)
        users = []
        if image is not None:
            users = sorted(c["Names"][0].lstrip("/") for c in client.api.containers(all=True) if c.get("ImageID") == image["Id"])
        return {"image": image, "users": users}

    @staticmethod
    def plan(want, actual):
        ref, image, users = want.ref, actual["image"], actual["users"]
        if image is None:
            return Plan("image", str(ref), None, None, facts={"deleted": [], "untagged": []})
        names = sorted(image.get("RepoTags") or [])
        also = []  # names the engine removes with ref
        if ref.digest:  # a digest reference is one of the image's names too
            names = sorted(names + [d for d in image.get("RepoDigests") or [] if d.endswith(ref.digest)][:1])
            if image["Id"] == ref.digest:
                # Docker's containerd image store: the digest is the image's ID, not a name of its own, and the engine
                # removes the repository's tags with it (seen with 28.5)
                repository = canonical_repository(ref.repository)
                also = [n for n in names if "@" not in n and canonical_repository(n.rpartition(":")[0]) == repository]
        before = {"id": image["Id"], "tags": names}
        data = {"ref": ref, "force": want.force, "prune": want.prune}
        gone = f"; the engine removes {', '.join(also)} with it (containerd image store)" if also else ""
        if not ref.id and len(names) > len(also) + 1:
            after = {"id": image["Id"], "tags": [n for n in names if n != str(ref) and n not in also]}
            plan = Plan("image", str(ref), before, after, facts={"deleted": [], "untagged": [str(ref)] + also})
            plan.add(Action("untag", f"image {ref}", (Change("tags", names, after["tags"], "untag"),),
                            data=dict(data, force=False, predicted=plan.facts), note=f"image {short_id(image['Id'])} keeps its other names{gone}"))
            return plan
        if users and not want.force:
            raise ParamError("force", f"image {ref} ({short_id(image['Id'])}) is used by containers {', '.join(users)}; "
                             "set force: true to remove it anyway (a running container's image cannot be removed)")
        if ref.id and len(names) > 1 and not want.force:
            raise ParamError("force", f"image {ref} has several names ({', '.join(names)}); set force: true to remove them all")
        plan = Plan("image", str(ref), before, None, facts={"deleted": [image["Id"]], "untagged": names if ref.id else [str(ref)]})
        note = (f"used by {', '.join(users)}" if users else "") + gone
        plan.add(Action("remove", f"image {ref}", data=dict(data, predicted=plan.facts), note=note.lstrip("; ")))
        return plan

    @staticmethod
    def apply(client, action):
        """The engine's own list of what it untagged and deleted (community.docker's untagged and deleted keys): what the
        plan predicted, plus what it could not (untagged parent images the engine deletes with this one)."""
        answer = client.api.remove_image(str(action.data["ref"]), force=action.data["force"], noprune=not action.data["prune"])
        predicted = action.data["predicted"]
        extra: dict[str, list] = {"deleted": [], "untagged": []}
        for item in answer or []:
            for key, fact in (("Deleted", "deleted"), ("Untagged", "untagged")):
                if item.get(key) and item[key] not in predicted[fact] + extra[fact]:
                    extra[fact].append(item[key])
        return Outcome(facts=extra)

    @staticmethod
    def inspect(client, want):
        return local_image(client, want.ref) or {}
