# Copyright: dockhand.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# PRIVATE: this module_utils file is internal to dockhand.docker and may change at any time.
"""The Compose model as the files give it: file lookup, .env files, interpolation, and the merge of several files.
Pure but for reading the files; _compose.py maps the result to the kinds' options.
"""

from __future__ import annotations

import dataclasses
import os
import re
import shlex

from ._errors import ParamError

try:
    import yaml
    # libyaml's parser when PyYAML was built with it (as ansible-core's own YAML loading prefers): the same safe
    # constructor and resolver, so the same model, about 20 times faster than the pure-Python parser
    _LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
except ImportError:  # pragma: no cover - ansible-core depends on PyYAML
    yaml = None

COMPOSE_FILES = ("compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml")
# lists that an override file adds to rather than replaces (the specification's merge rules)
APPENDED = {"ports", "expose", "dns", "dns_search", "cap_add", "cap_drop", "devices", "security_opt", "tmpfs", "env_file",
            "profiles", "group_add", "extra_hosts"}
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_BODY = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])(.*))?\Z", re.S)


# ---- interpolation and .env files ----

def interpolate(text, env, where):
    """${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?error}, ${VAR?error}, ${VAR:+alt}, ${VAR+alt}, $VAR and $$."""
    out: list = []
    i = 0
    while True:
        j = text.find("$", i)
        if j < 0:
            return "".join(out) + text[i:]
        out.append(text[i:j])
        nxt = text[j + 1:j + 2]
        if nxt == "$":
            out.append("$")
            i = j + 2
        elif nxt == "{":
            end = _closing(text, j + 2)
            if end < 0:
                raise ParamError(where, f"{text!r}: '${{' is never closed (write $$ for a literal $)")
            out.append(_expand(text[j + 2:end], env, where, text))
            i = end + 1
        else:
            match = _NAME.match(text, j + 1)
            if not match:
                raise ParamError(where, f"{text!r}: invalid interpolation at position {j} (write $$ for a literal $)")
            out.append(env.get(match.group(0), ""))
            i = match.end()


def _closing(text, start):
    depth = 1
    for k in range(start, len(text)):
        if text[k] == "{" and text[k - 1] == "$":
            depth += 1
        elif text[k] == "}":
            depth -= 1
            if depth == 0:
                return k
    return -1


def _expand(body, env, where, text):
    match = _BODY.match(body)
    if not match:
        raise ParamError(where, f"{text!r}: invalid interpolation ${{{body}}}")
    name, op, arg = match.group(1), match.group(2), match.group(3) or ""
    value = env.get(name)
    set_ = value is not None
    full = set_ and value != ""
    if op is None:
        return value or ""
    if op in (":-", "-"):
        return value if (full if op == ":-" else set_) else interpolate(arg, env, where)
    if op in (":+", "+"):
        return interpolate(arg, env, where) if (full if op == ":+" else set_) else ""
    if (full if op == ":?" else set_):
        return value
    raise ParamError(where, f"required variable {name} is missing a value" + (f": {interpolate(arg, env, where)}" if arg else ""))


def read_env_file(path, option, env=None):
    """A .env file as Compose reads it: NAME=value lines, comments, `export`, quotes; unquoted and double-quoted
    values are interpolated with `env` and the earlier lines."""
    out: dict = {}
    try:
        with open(path, encoding="utf-8") as handle:
            lines = handle.read().splitlines()
    except OSError as exc:
        raise ParamError(option, f"cannot read {path}: {exc.strerror}") from None
    for number, line in enumerate(lines, 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        line = line[len("export "):].lstrip() if line.startswith("export ") else line
        name, sep, value = line.partition("=")
        name = name.strip()
        if not sep or not _NAME.fullmatch(name):
            raise ParamError(option, f"{path} line {number}: {line!r} is not NAME=value")
        value = value.strip()
        where = f"{option} ({path} line {number})"
        if len(value) > 1 and value[0] == value[-1] == "'":
            value = value[1:-1]
        elif len(value) > 1 and value[0] == value[-1] == '"':
            value = interpolate(value[1:-1].replace("\\n", "\n").replace('\\"', '"'), dict(env or {}, **out), where)
        else:
            value = interpolate(re.sub(r"\s+#.*$", "", value), dict(env or {}, **out), where)
        out[name] = value
    return out


def _interpolated(value, env, path):
    if isinstance(value, str):
        return interpolate(value, env, path)
    if isinstance(value, dict):
        return {k: _interpolated(v, env, f"{path}.{k}") for k, v in value.items()}
    if isinstance(value, list):
        return [_interpolated(v, env, f"{path}[{i}]") for i, v in enumerate(value)]
    return value


# ---- loading and merging ----

@dataclasses.dataclass(frozen=True)
class Model:
    data: dict           # the merged, interpolated model
    working_dir: str     # where relative paths start
    config_files: tuple  # the files read, absolute
    env: dict            # what interpolation used


def _yaml(text, where):
    if yaml is None:
        raise ParamError(where, "reading a compose file needs PyYAML")
    try:
        data = yaml.load(text, Loader=_LOADER)  # a safe loader: CSafeLoader or SafeLoader
    except yaml.YAMLError as exc:
        raise ParamError(where, f"not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise ParamError(where, f"the Compose model must be a mapping, got {type(data).__name__}")
    return data


def _files(params):
    src, files = params.get("project_src"), params.get("files") or []
    if files:
        paths = [f if os.path.isabs(f) else os.path.join(src or os.getcwd(), f) for f in files]
        for path in paths:
            if not os.path.isfile(path):
                raise ParamError("files", f"{path}: no such file")
        return paths
    if not src:
        raise ParamError("project_src", "is needed unless definition or files are given")
    if not os.path.isdir(src):
        raise ParamError("project_src", f"{src}: no such directory")
    for name in COMPOSE_FILES:
        if os.path.isfile(os.path.join(src, name)):
            stem, _ext = name.rsplit(".", 1)
            overrides = [os.path.join(src, f"{stem}.override.{ext}") for ext in ("yaml", "yml")]
            return [os.path.join(src, name)] + [o for o in overrides if os.path.isfile(o)][:1]
    raise ParamError("project_src", f"{src} has none of {', '.join(COMPOSE_FILES)}")


def environment(params, environ):
    """What interpolation reads: the env_files (or .env of project_src), then the environment over them."""
    env: dict = {}
    src = params.get("project_src")
    files = params.get("env_files")
    if files is None and src and os.path.isfile(os.path.join(src, ".env")):
        files = [os.path.join(src, ".env")]
    for path in files or []:
        path = path if os.path.isabs(path) or not src else os.path.join(src, path)
        env.update(read_env_file(path, "env_files", dict(env, **environ)))
    env.update(environ)
    return env


def load(params, environ):
    """The merged, interpolated Compose model of the task (files or definition) and where it came from."""
    if params.get("definition") is not None and params.get("files"):
        raise ParamError("definition", "cannot be combined with files")
    env = environment(params, environ)
    if params.get("definition") is not None:
        definition = params["definition"]
        raw = [("definition", _yaml(definition, "definition") if isinstance(definition, str) else definition)]
        if not isinstance(raw[0][1], dict):
            raise ParamError("definition", "must be a mapping (the Compose model)")
        paths: list = []
    else:
        paths = _files(params)
        raw = []
        for path in paths:
            with open(path, encoding="utf-8") as handle:
                raw.append((path, _yaml(handle.read(), f"files ({path})")))
    working_dir = os.path.abspath(params.get("project_src") or (os.path.dirname(paths[0]) if paths else os.getcwd()))
    data: dict = {}
    for source, model in raw:
        model = _prepared(model, env, source)
        base_dir = os.path.dirname(os.path.abspath(source)) if paths else working_dir
        services = model.get("services") or {}
        model["services"] = {name: _extended(services, name, source, base_dir, env, ()) for name in services}
        data = merge(data, model)
    return Model(data, working_dir, tuple(os.path.abspath(p) for p in paths), env)


def _prepared(model, env, source):
    """One file's model, interpolated and normalised; an interpolation error names the key and the file."""
    try:
        model = _interpolated(model, env, "")
    except ParamError as exc:
        raise ParamError(exc.option.lstrip("."), f"{exc.why} (in {source})") from None
    return normalize(model)


def _extended(services, name, source, base_dir, env, chain):
    """A service with `extends` resolved: the base service (of the same file, or of `file`) with the service merged over it."""
    svc = services[name]
    ext = svc.get("extends")
    if ext is None:
        return svc
    where = f"services.{name}.extends"
    ext = {"service": ext} if isinstance(ext, str) else ext
    if not isinstance(ext, dict) or not ext.get("service") or set(ext) - {"service", "file"}:
        raise ParamError(where, "must be a service name or a mapping with service and file")
    if ext.get("file"):
        path = os.path.normpath(os.path.join(base_dir, os.path.expanduser(str(ext["file"]))))
        if not os.path.isfile(path):
            raise ParamError(f"{where}.file", f"{path}: no such file")
        with open(path, encoding="utf-8") as handle:
            other = _prepared(_yaml(handle.read(), f"{where}.file ({path})"), env, path)
        base_services, base_source, base_dir = other.get("services") or {}, path, os.path.dirname(path)
    else:
        base_services, base_source = services, source
    key = (base_source, ext["service"])
    if key in chain or (base_source, ext["service"]) == (source, name):
        raise ParamError(where, f"forms a cycle through service {ext['service']!r} of {base_source}")
    if ext["service"] not in base_services:
        raise ParamError(f"{where}.service", f"{ext['service']!r} is not a service of {base_source}")
    base = _extended(base_services, ext["service"], base_source, base_dir, env, chain + ((source, name),))
    mine = {k: v for k, v in svc.items() if k != "extends"}
    return merge({"services": {name: base}}, {"services": {name: mine}})["services"][name]


def as_map(value, where, sep="="):
    """A list of NAME=value (or NAME) or a mapping -> a mapping (NAME alone maps to None)."""
    if value is None:
        return {}
    if isinstance(value, dict):
        return dict(value)
    if isinstance(value, list):
        out = {}
        for item in value:
            name, found, rest = str(item).partition(sep)
            out[name] = rest if found else None
        return out
    raise ParamError(where, f"must be a list or a mapping, got {type(value).__name__}")


def normalize(model):
    """The forms that merge key by key (environment, labels, depends_on, networks of a service) as mappings."""
    for name, svc in (model.get("services") or {}).items():
        if not isinstance(svc, dict):
            raise ParamError(f"services.{name}", "must be a mapping")
        where = f"services.{name}"
        for key in ("environment", "labels", "sysctls"):
            if key in svc:
                svc[key] = as_map(svc[key], f"{where}.{key}")
        if isinstance(svc.get("depends_on"), list):
            svc["depends_on"] = {d: {"condition": "service_started"} for d in svc["depends_on"]}
        if isinstance(svc.get("networks"), list):
            svc["networks"] = {n: None for n in svc["networks"]}
        if isinstance(svc.get("env_file"), str):
            svc["env_file"] = [svc["env_file"]]
        for key in ("command", "entrypoint"):
            if isinstance(svc.get(key), str):
                svc[key] = shlex.split(svc[key])
    return model


def _volume_target(spec):
    if isinstance(spec, dict):
        return spec.get("target")
    parts = str(spec).split(":")
    return parts[1] if len(parts) > 1 else parts[0]


def merge(base, over, depth=0, key=""):
    """The specification's merge of an override over a base: mappings key by key, the APPENDED lists added to
    (without duplicates), service volumes by target, anything else replaced."""
    if isinstance(base, dict) and isinstance(over, dict):
        out = dict(base)
        for k, v in over.items():
            out[k] = merge(base[k], v, depth + 1, k) if k in base else v
        return out
    if isinstance(base, list) and isinstance(over, list) and depth == 3:  # services.<name>.<key>
        if key == "volumes":
            targets = {_volume_target(v) for v in over}
            return [v for v in base if _volume_target(v) not in targets] + list(over)
        if key in APPENDED:
            return list(base) + [v for v in over if v not in base]
    return over
