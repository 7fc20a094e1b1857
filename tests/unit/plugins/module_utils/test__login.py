# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The login kind's pure parts: registry keys, what a config stores, and plans that never carry the password."""

import base64
import json

import pytest

from ansible_collections.dockhand.docker.plugins.module_utils._errors import ParamError
from ansible_collections.dockhand.docker.plugins.module_utils._login import (
    LoginKind, helper_of, read_config, registry_key, stored_in_file,
)

SECRET = "s3cret-value"


def test_registry_keys():
    assert registry_key("https://index.docker.io/v1/") == "https://index.docker.io/v1/"
    assert registry_key("docker.io") == "https://index.docker.io/v1/"
    assert registry_key("http://127.0.0.1:5000/") == "127.0.0.1:5000"
    assert registry_key("registry.example.com") == "registry.example.com"


def test_stored_credentials():
    config = {"auths": {"https://reg.example": {"auth": base64.b64encode(b"me:pw:with:colons").decode()},
                        "other": {"username": "u", "password": "p"}}, "credHelpers": {"ecr.example": "ecr"}}
    assert stored_in_file(config, "reg.example") == ("me", "pw:with:colons")
    assert stored_in_file(config, "other") == ("u", "p")
    assert stored_in_file(config, "none.example") is None
    assert helper_of(config, "ecr.example") == "ecr" and helper_of(config, "reg.example") is None
    assert helper_of({"credsStore": "pass"}, "x") == "pass"


def test_bad_config_names_the_option(tmp_path):
    (tmp_path / "c.json").write_text("[1]")
    with pytest.raises(ParamError) as err:
        read_config(str(tmp_path / "c.json"))
    assert err.value.option == "config_path"
    assert read_config(str(tmp_path / "missing.json")) == {}


def test_plans_never_carry_the_password(tmp_path):
    want = LoginKind.desired({"registry_url": "reg.example", "username": "me", "password": SECRET, "state": "present",
                              "config_path": str(tmp_path / "c.json")})
    assert SECRET not in repr(want)
    new = LoginKind.plan(want, {"stored": None, "helper": None, "in_file": False})
    changed = LoginKind.plan(want, {"stored": ("me", "old"), "helper": None, "in_file": True})
    same = LoginKind.plan(want, {"stored": ("me", SECRET), "helper": None, "in_file": True})
    assert same.actions == []
    for plan in (new, changed):
        shown = json.dumps([plan.describe(), [c.as_dict() for c in plan.changes], plan.diff()])
        assert SECRET not in shown and "(hidden)" in shown
    assert [c.as_dict() for c in changed.changes] == [{"field": "password", "before": "(hidden)", "after": "(hidden) (new)", "how": "store"}]


def test_login_needs_username_and_password():
    with pytest.raises(ParamError) as err:
        LoginKind.desired({"registry_url": "reg.example", "username": "me", "state": "present"})
    assert err.value.option == "password"
    assert LoginKind.desired({"registry_url": "reg.example", "state": "absent"}).name == "reg.example"
