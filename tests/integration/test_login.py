"""dockhand.docker.login against the throwaway htpasswd registry of _image_support (a real registry, through the engine)."""

import base64
import json
import os
import stat

import pytest
from _image_support import auth_registry_fixture, docker_config_fixture  # noqa: F401  # pylint: disable=unused-import

HELPER = """#!/bin/sh
# A docker-credential helper keeping each secret in a file of $DHTEST_HELPER_DIR (the protocol of docker-credential-*).
dir="$DHTEST_HELPER_DIR"
read -r input
case "$1" in
  store) key=$(printf %s "$input" | python3 -c 'import json,sys;print(json.load(sys.stdin)["ServerURL"])')
         printf %s "$input" > "$dir/$(printf %s "$key" | tr '/:' '__')" ;;
  get) f="$dir/$(printf %s "$input" | tr '/:' '__')"
       if [ -f "$f" ]; then cat "$f"
       else echo "credentials not found in native keychain"; exit 1; fi ;;
  erase) rm -f "$dir/$(printf %s "$input" | tr '/:' '__')" ;;
esac
"""


def file_text(path):
    return path.read_text() if path.exists() else None


def auth_of(path, key):
    return base64.b64decode(json.loads(path.read_text())["auths"][key]["auth"]).decode()


def test_login_and_logout(ansible, auth_registry, tmp_path):
    address, user, password = auth_registry
    config = tmp_path / "docker" / "config.json"
    args = {"registry_url": f"http://{address}/", "username": user, "password": password, "config_path": str(config)}
    check = ansible.converge("login", args, lambda: file_text(config))
    assert check["changes"] == [{"field": "username", "before": None, "after": user, "how": "store"},
                                {"field": "password", "before": None, "after": "(hidden)", "how": "store"}]
    assert check["login_result"] == {} and check.applied["login_result"] == {"serveraddress": address, "username": user}
    assert auth_of(config, address) == f"{user}:{password}"
    assert stat.S_IMODE(os.stat(config).st_mode) == 0o600
    assert password not in check.output and password not in check.applied.output
    again = ansible.ok("login", dict(args, reauthorize=True))  # asks the registry again; nothing to rewrite
    assert again["changed"] is False and password not in again.output

    # other settings and registries in the file are kept; an older spelling of the same registry is replaced
    data = json.loads(config.read_text())
    data["auths"]["other.example:5000"] = {"auth": base64.b64encode(b"x:y").decode()}
    data["auths"][f"https://{address}"] = data["auths"].pop(address)
    data["auths"][f"https://{address}"]["auth"] = base64.b64encode(f"{user}:old".encode()).decode()
    data["HttpHeaders"] = {"User-Agent": "dhtest"}
    config.write_text(json.dumps(data))
    check = ansible.converge("login", args, lambda: file_text(config))
    assert check["changes"] == [{"field": "password", "before": "(hidden)", "after": "(hidden) (new)", "how": "store"}]
    data = json.loads(config.read_text())
    assert sorted(data["auths"]) == [address, "other.example:5000"] and data["HttpHeaders"] == {"User-Agent": "dhtest"}

    # logout removes only this registry
    logout = {"registry_url": address, "state": "absent", "config_path": str(config)}
    check = ansible.converge("login", logout, lambda: file_text(config))
    assert check["actions"] == [f"logout registry {address} (from {config})"]
    assert sorted(json.loads(config.read_text())["auths"]) == ["other.example:5000"]


def test_default_config_path_follows_docker_config(ansible, auth_registry, docker_config):
    address, user, password = auth_registry
    config = docker_config / "config.json"
    check = ansible.converge("login", {"registry_url": address, "username": user, "password": password}, lambda: file_text(config))
    assert check.applied["actions"][0].endswith(f"(stored in {config})")
    assert auth_of(config, address) == f"{user}:{password}"
    ansible.converge("login", {"registry_url": address, "state": "absent"}, lambda: file_text(config))
    assert json.loads(config.read_text())["auths"] == {}


def test_credential_helper(ansible, auth_registry, tmp_path):
    address, user, password = auth_registry
    bindir, store = tmp_path / "bin", tmp_path / "store"
    bindir.mkdir()
    store.mkdir()
    helper = bindir / "docker-credential-dhtest"
    helper.write_text(HELPER)
    helper.chmod(0o755)
    config = tmp_path / "config.json"
    config.write_text(json.dumps({"credsStore": "dhtest"}))
    old_path = ansible.env["PATH"]
    ansible.env.update(PATH=f"{bindir}:{old_path}", DHTEST_HELPER_DIR=str(store))
    try:
        args = {"registry_url": address, "username": user, "password": password, "config_path": str(config)}
        check = ansible.converge("login", args, lambda: sorted(p.name for p in store.iterdir()))
        assert check.applied["actions"][0].endswith("(stored in credential helper dhtest)")
        kept = json.loads((store / address.replace(":", "_")).read_text())
        assert kept == {"ServerURL": address, "Username": user, "Secret": password}
        assert json.loads(config.read_text()) == {"credsStore": "dhtest", "auths": {address: {}}}
        ansible.converge("login", {"registry_url": address, "state": "absent", "config_path": str(config)},
                         lambda: sorted(p.name for p in store.iterdir()))
        assert list(store.iterdir()) == []
    finally:
        ansible.env["PATH"] = old_path
        ansible.env.pop("DHTEST_HELPER_DIR", None)


@pytest.mark.parametrize("args, option, words", [
    ({"password": "wrong-{pw}"}, "password", "refused the credentials of user 'dhuser'"),
    ({"username": None}, "username", "is required to log in"),
    ({"username": "a:b"}, "username", "must not contain ':'"),
    ({"config_path": "{tmp}/bad.json"}, "config_path", "is not a JSON Docker config"),
])
def test_bad_input_names_the_option_and_writes_nothing(ansible, auth_registry, tmp_path, args, option, words):
    address, user, password = auth_registry
    (tmp_path / "bad.json").write_text("{not json")
    full = {"registry_url": address, "username": user, "password": password, "config_path": str(tmp_path / "config.json")}
    full.update({k: v.format(pw=password, tmp=tmp_path) if isinstance(v, str) else v for k, v in args.items()})
    full = {k: v for k, v in full.items() if v is not None}
    for check in (True, False):
        result = ansible.fails("login", full, check=check)
        assert result["msg"].startswith(f"{option}: ") and words in result["msg"], result["msg"]
        assert password not in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.json"]
