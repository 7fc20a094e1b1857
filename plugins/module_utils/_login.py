# Copyright: dockhand.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# PRIVATE: this module_utils file is internal to dockhand.docker and may change at any time.
"""The login kind: registry credentials in a Docker config file (or its credential helper), as `docker login` keeps them.

`changed` comes from comparing what is stored with the task; credentials that would be written are first checked with
the registry through the engine (POST /auth), in check mode too. The password is only ever in the task's params, the
engine call and the file or helper that stores it: never in a plan line, change, diff or result.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import tempfile
from dataclasses import dataclass, field

from ._client import load_sdk
from ._errors import APIError, EngineError, ParamError
from ._image import DOCKER_HUB, normalize_registry
from ._plan import Action, Change, Plan

HUB_KEY = "https://index.docker.io/v1/"
HIDDEN = "(hidden)"


@dataclass(frozen=True)
class LoginWant:
    name: str  # the config key of the registry: https://index.docker.io/v1/ for Docker Hub, else host[:port]
    state: str
    config_path: str
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    reauthorize: bool = False


def registry_key(url):
    registry = normalize_registry(url)
    return HUB_KEY if registry == DOCKER_HUB else registry


def default_config_path():
    """Where the Docker CLI reads its config: $DOCKER_CONFIG/config.json, else ~/.docker/config.json."""
    directory = os.environ.get("DOCKER_CONFIG") or os.path.join(os.path.expanduser("~"), ".docker")
    return os.path.join(directory, "config.json")


def read_config(path):
    """The config file as a dict ({} when it does not exist)."""
    try:
        with open(path, encoding="utf-8") as source:
            text = source.read()
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise ParamError("config_path", f"cannot read {path}: {exc.strerror}") from None
    try:
        config = json.loads(text) if text.strip() else {}
    except ValueError as exc:
        raise ParamError("config_path", f"{path} is not a JSON Docker config: {exc}") from None
    if not isinstance(config, dict):
        raise ParamError("config_path", f"{path} is not a JSON Docker config (not an object)")
    return config


def write_config(path, config):
    """Write the config through a temporary file and a rename, readable by its owner only, as the Docker CLI does."""
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, mode=0o700, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=directory, prefix=".config.json.")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(config, out, indent="\t")
            out.write("\n")
        os.replace(temp, path)
    finally:
        if os.path.exists(temp):
            os.unlink(temp)


def keys_of(config, key):
    """The auths keys that name the same registry as key ('https://127.0.0.1:5000' and '127.0.0.1:5000' do)."""
    return [k for k in (config.get("auths") or {}) if registry_key(k) == key]


def helper_of(config, key):
    """The credential helper the config names for this registry (credHelpers, then credsStore), or None."""
    helpers = config.get("credHelpers") or {}
    return helpers.get(key) or helpers.get(normalize_registry(key)) or config.get("credsStore") or None


def stored_in_file(config, key):
    """(username, password) stored in the file for the registry, or None."""
    for found in keys_of(config, key):
        entry = config["auths"][found] or {}
        if entry.get("auth"):
            try:
                user, _sep, secret = base64.b64decode(entry["auth"]).decode("utf-8").partition(":")
            except (binascii.Error, UnicodeDecodeError):
                continue
            return user, secret
        if entry.get("username"):
            return entry["username"], entry.get("password") or ""
    return None


def _credentials():
    return load_sdk().credentials  # docker.auth imports it with the package


def stored_in_helper(helper, key):
    credentials = _credentials()
    try:
        found = credentials.Store(helper).get(key)
    except credentials.errors.CredentialsNotFound:
        return None
    except credentials.errors.StoreError as exc:
        raise EngineError(f"credential helper docker-credential-{helper}: {exc}") from None
    return found.get("Username"), found.get("Secret")


def check_with_registry(client, want):
    """Ask the registry, through the engine, whether it accepts the credentials; a refusal names the password."""
    try:
        client.api.login(want.username, want.password, registry=want.name, reauth=True, dockercfg_path=os.devnull)
    except APIError as exc:
        text = str(exc.explanation).replace(want.password or "\0", "********")
        low = text.lower()
        if exc.status_code in (401, 403) or "unauthorized" in low or "incorrect username or password" in low:
            raise ParamError("password", f"registry {want.name} refused the credentials of user {want.username!r}: {text}") from None
        raise EngineError(f"logging in to registry {want.name}: the engine answered {exc.status_code}: {text}") from None


class LoginKind:
    kind = "login_result"
    phase = 0

    @staticmethod
    def desired(params):
        state = params.get("state") or "present"
        url = params.get("registry_url") or HUB_KEY
        key = registry_key(url)
        if not key:
            raise ParamError("registry_url", f"{url!r} names no registry")
        if state == "present":
            for option in ("username", "password"):
                if not params.get(option):
                    raise ParamError(option, "is required to log in (state: present)")
            if ":" in params["username"]:
                raise ParamError("username", "must not contain ':'")
        path = params.get("config_path") or default_config_path()
        return LoginWant(key, state, path, params.get("username"), params.get("password"), bool(params.get("reauthorize")))

    @staticmethod
    def read(client, want):
        config = read_config(want.config_path)
        helper = helper_of(config, want.name)
        stored = stored_in_helper(helper, want.name) if helper else stored_in_file(config, want.name)
        actual = {"helper": helper, "stored": stored, "in_file": bool(keys_of(config, want.name))}
        if want.state == "present" and (want.reauthorize or stored != (want.username, want.password)):
            check_with_registry(client, want)  # before anything is written, in check mode too
        actual["inspect"] = {"serveraddress": want.name, "username": stored[0]} if stored else {}
        return actual

    @staticmethod
    def plan(want, actual):
        stored = actual["stored"]
        before = {"username": stored[0], "password": HIDDEN} if stored else None
        where = f"credential helper {actual['helper']}" if actual["helper"] else want.config_path
        if want.state == "absent":
            plan = Plan("login", want.name, before, None)
            if stored or actual["in_file"]:
                plan.add(Action("logout", f"registry {want.name}", note=f"from {where}",
                                data={"key": want.name, "path": want.config_path, "helper": actual["helper"]}))
            return plan
        after = {"username": want.username, "password": HIDDEN}
        plan = Plan("login", want.name, before, after)
        if stored == (want.username, want.password):
            return plan
        changes = []
        if stored is None or stored[0] != want.username:
            changes.append(Change("username", stored[0] if stored else None, want.username, "store"))
        changes.append(Change("password", HIDDEN if stored else None, HIDDEN + " (new)" if stored else HIDDEN, "store"))
        plan.add(Action("login", f"registry {want.name}", tuple(changes), note=f"stored in {where}",
                        data={"key": want.name, "path": want.config_path, "helper": actual["helper"],
                              "username": want.username, "password": want.password}))
        return plan

    @staticmethod
    def apply(client, action):
        data = action.data
        if data["helper"]:
            credentials = _credentials()
            store = credentials.Store(data["helper"])
            try:
                if action.verb == "login":
                    store.store(data["key"], data["username"], data["password"])
                else:
                    store.erase(data["key"])
            except credentials.errors.StoreError as exc:
                raise EngineError(f"credential helper docker-credential-{data['helper']}: {exc}") from None
        config = read_config(data["path"])
        auths = config.setdefault("auths", {})
        for key in keys_of(config, data["key"]):  # also older spellings of the same registry
            del auths[key]
        if action.verb == "login":
            token = base64.b64encode(f"{data['username']}:{data['password']}".encode()).decode("ascii")
            auths[data["key"]] = {} if data["helper"] else {"auth": token}
        write_config(data["path"], config)

    @staticmethod
    def inspect(client, want):
        config = read_config(want.config_path)
        helper = helper_of(config, want.name)
        stored = stored_in_helper(helper, want.name) if helper else stored_in_file(config, want.name)
        return {"serveraddress": want.name, "username": stored[0]} if stored else {}


LOGIN_SPEC = dict(
    registry_url=dict(type="str", default=HUB_KEY, aliases=["registry", "url"]),
    username=dict(type="str"),
    password=dict(type="str", no_log=True),
    reauthorize=dict(type="bool", default=False, aliases=["reauth"]),
    config_path=dict(type="path", aliases=["docker_config", "dockercfg_path"]),
    state=dict(type="str", default="present", choices=["present", "absent"]),
)
