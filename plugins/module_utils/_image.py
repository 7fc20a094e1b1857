# Copyright: dockhand.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# PRIVATE: this module_utils file is internal to dockhand.docker and may change at any time.
"""Images: references, registry credentials and digests, and the pull every kind that needs an image uses.

The image_pull, image_push, image_tag and image_remove kinds are in _image_kinds.py, image builds in _image_build.py,
both on the helpers here; a container task loads only this file.

Registry state is read through the engine's distribution endpoint (the manifest digest a tag points at), so pull and
push decide by digest and check mode predicts them. Credentials given to a task are sent only to the registry of the
image the task names, and only in the X-Registry-Auth header of that call: nothing is written to a Docker config.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ._errors import APIError, EngineError, NotFound, ParamError

DOCKER_HUB = "docker.io"
_HUB_ALIASES = {"docker.io", "index.docker.io", "registry-1.docker.io", "registry.hub.docker.com"}
_HUB_SERVER = "https://index.docker.io/v1/"
_COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
_HOST = r"(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\[[0-9a-fA-F:.]+\])(?::[0-9]+)?"
_HOST_RE = re.compile(rf"^{_HOST}$")
_PATH = re.compile(rf"^{_COMPONENT}(?:/{_COMPONENT})*$")
_TAG = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$")
_DIGEST = re.compile(r"^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-fA-F0-9]{32,}$")
# the last status line of a push: "TAG: digest: sha256:... size: N"
_IMAGE_ID = re.compile(r"^(?:sha256:[a-f0-9]{12,64}|[a-f0-9]{64})$")


@dataclass(frozen=True)
class Ref:
    """An image reference: repository with a tag, a digest, or neither (an image ID is a Ref with id set)."""

    repository: str = ""
    tag: str | None = None
    digest: str | None = None
    id: str | None = None

    def __str__(self):
        if self.id:
            return self.id
        return self.repository + (f":{self.tag}" if self.tag else "") + (f"@{self.digest}" if self.digest else "")

    @property
    def registry(self):
        """The registry host of the repository ('docker.io' for Docker Hub names)."""
        return registry_of(self.repository)


def _is_host(first):
    return "." in first or ":" in first or first == "localhost" or first.startswith("[")


def valid_repository(repository):
    """Docker's reference grammar: an optional registry host (with a '.' or ':', or localhost), then lowercase path components."""
    first, sep, rest = repository.partition("/")
    if sep and _is_host(first):
        return bool(_HOST_RE.match(first) and _PATH.match(rest))
    return bool(_PATH.match(repository))


def registry_of(repository):
    first, sep, _rest = repository.partition("/")
    if sep and _is_host(first):
        return DOCKER_HUB if first in _HUB_ALIASES else first
    return DOCKER_HUB


def normalize_registry(value):
    """'https://index.docker.io/v1/' -> 'docker.io'; 'http://127.0.0.1:5000/' -> '127.0.0.1:5000'."""
    text = re.sub(r"^[a-z]+://", "", value.strip()).split("/", 1)[0]
    return DOCKER_HUB if text in _HUB_ALIASES else text


def check_tag(option, value):
    if not isinstance(value, str) or not _TAG.match(value):
        raise ParamError(option, f"{value!r} is not a valid tag: up to 128 letters, digits, '_', '.' or '-', not starting with '.' or '-'")
    return value


def parse_ref(option, value, default_tag="latest", digest=True, image_id=False):
    """Parse 'repo[:tag][@digest]' (or an image ID when image_id) into a Ref; the tag defaults to default_tag.

    A tag or digest in the value takes precedence over default_tag (which may itself be a digest such as sha256:...)."""
    if not isinstance(value, str) or not value:
        raise ParamError(option, f"{value!r} is not an image name")
    if image_id and _IMAGE_ID.match(value):
        return Ref(id=value if value.startswith("sha256:") else f"sha256:{value}")
    name, _at, found_digest = value.partition("@")
    repository, tag = name, None
    head, sep, tail = name.rpartition(":")
    if sep and "/" not in tail:
        repository, tag = head, tail
    if not valid_repository(repository):
        raise ParamError(option, f"{value!r} is not a valid image name: use lowercase [registry[:port]/]path components")
    if tag is not None:
        check_tag(option, tag)
    if found_digest:
        if not digest:
            raise ParamError(option, f"{value!r} names a digest; this module needs a name with a tag")
        if not _DIGEST.match(found_digest):
            raise ParamError(option, f"{found_digest!r} is not a digest such as sha256:<64 hex digits>")
        return Ref(repository, tag, found_digest)
    if tag is None and default_tag:
        if _DIGEST.match(default_tag):
            if not digest:
                raise ParamError("tag", f"{default_tag!r} is a digest; this module needs a tag")
            return Ref(repository, None, default_tag)
        tag = check_tag("tag", default_tag)
    return Ref(repository, tag)


# --- registry credentials -------------------------------------------------------------------------------------------

# Per-task registry credentials of image_pull and image_push (documented in doc_fragments/registry_auth.py).
REGISTRY_AUTH_ARGS = dict(
    username=dict(type="str"),
    password=dict(type="str", no_log=True),
    registry_url=dict(type="str"),
)


def credentials(params, ref):
    """The per-task credentials for ref's registry as an auth_config dict, or None when the task gives none.

    Refuses (before any engine call) credentials meant for another registry than the image's."""
    username, password, url = params.get("username"), params.get("password"), params.get("registry_url")
    if url and not username:
        raise ParamError("registry_url", "only used with username and password")
    if not username:
        return None
    registry = ref.registry
    if url and normalize_registry(url) != registry:
        raise ParamError("registry_url", f"{url!r} is not the registry of {ref} ({registry}); credentials are only sent to the image's own registry")
    return {"username": username, "password": password, "serveraddress": _HUB_SERVER if registry == DOCKER_HUB else registry}


def auth_header_config(client, creds, registry):
    """The auth_config to send: the task's credentials, else those of the Docker config for that registry, else {}.

    {} is sent rather than nothing because Docker 28.3.3+ rejects a push without an X-Registry-Auth header."""
    return creds or client.api.registry_auth(registry)


def registry_error(exc, ref, creds):
    """A readable EngineError for a registry failure seen through the engine, never carrying the password."""
    text = getattr(exc, "explanation", None) or str(exc)
    text = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    if creds and creds.get("password"):
        text = text.replace(creds["password"], "********")
    registry = ref.registry
    low = text.lower()
    if "no basic auth credentials" in low or ("unauthorized" in low and not creds):
        why = "it needs credentials: set username and password"
    elif "unauthorized" in low or "denied" in low or "incorrect username or password" in low:
        why = f"it refused the credentials of user {creds['username']!r}" if creds else "it refused access"
    elif "connection refused" in low or "no such host" in low or "dial tcp" in low or "i/o timeout" in low or "no route" in low:
        why = "it cannot be reached"
    else:
        why = "it answered an error"
    return EngineError(f"registry {registry} ({ref}): {why}: {text}")


def remote_digest(client, ref, creds):
    """The manifest digest the registry has for ref (through the engine), or None when the registry has no such tag."""
    try:
        data = client.api.inspect_distribution(str(ref), auth_config=creds)
    except APIError as exc:  # NotFound is an APIError
        if isinstance(exc, NotFound) or getattr(exc, "status_code", None) == 404:
            return None
        raise registry_error(exc, ref, creds) from exc
    return (data.get("Descriptor") or {}).get("digest")


def local_image(client, ref):
    """The image inspect data for ref, or None when the engine has no such image."""
    try:
        return client.api.inspect_image(str(ref))
    except NotFound:
        return None


def repo_digests(image, repository):
    """The digests the engine records for image in repository (from RepoDigests)."""
    out = []
    for entry in (image or {}).get("RepoDigests") or []:
        repo, _at, digest = entry.partition("@")
        if canonical_repository(repo) == canonical_repository(repository):
            out.append(digest)
    return sorted(out)


def canonical_repository(repository):
    """'busybox', 'library/busybox' and 'docker.io/library/busybox' are one repository."""
    registry = registry_of(repository)
    path = repository.split("/", 1)[1] if registry != DOCKER_HUB or repository.partition("/")[0] in _HUB_ALIASES else repository
    if registry == DOCKER_HUB and "/" not in path:
        path = f"library/{path}"
    return f"{registry}/{path}"


def short_id(image_id):
    return (image_id or "")[:19]


def stream_errors(stream, doing, ref=None, creds=None):
    """Consume a pull/push progress stream; raise a readable EngineError on the first error, return the items."""
    items = []
    for item in stream:
        items.append(item)
        if isinstance(item, dict) and (item.get("error") or item.get("errorDetail")):
            message = item.get("error") or (item.get("errorDetail") or {}).get("message") or str(item)
            if ref is not None:
                raise registry_error(EngineError(message), ref, creds)
            raise EngineError(f"{doing}: {message}")
    return items


def _platform_of(image):
    parts = [image.get("Os") or "", image.get("Architecture") or ""]
    if image.get("Variant"):
        parts.append(image["Variant"])
    return "/".join(parts)


def check_platform(option, value):
    """A platform as community.docker and the CLI take it: 'linux/amd64', or just 'amd64' (on linux) or 'linux' (the
    engine's own architecture)."""
    if value is None:
        return None
    text = str(value).strip().lower()
    if "/" not in text and text not in ("linux", "windows"):
        text = f"linux/{text}"
    if text not in ("linux", "windows") and not re.fullmatch(r"[a-z0-9]+/[a-z0-9_]+(?:/[a-z0-9]+)?", text):
        raise ParamError(option, f"{value!r} is not a platform such as linux/amd64, linux/arm64/v8, amd64 or linux")
    return text


def same_platform(wanted, have):
    """Whether an image of platform `have` (os/arch[/variant]) is what `wanted` asks: the parts both name must match
    ('linux' takes any linux image; an image that reports no variant is taken for any variant of its architecture)."""
    want_parts, have_parts = wanted.split("/"), have.split("/")
    common = min(len(want_parts), len(have_parts))
    return want_parts[:common] == have_parts[:common]


def pull(client, ref, platform=None, creds=None):
    """Pull ref through the engine (with the task's credentials, else the Docker config's); raise a readable error."""
    auth = auth_header_config(client, creds, ref.registry)
    stream = client.api.pull(ref.repository, tag=ref.digest or ref.tag, platform=platform, auth_config=auth, stream=True, decode=True)
    stream_errors(stream, f"pulling {ref}", ref, creds)
