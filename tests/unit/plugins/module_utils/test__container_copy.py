# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The copy kinds' pure parts: modes, and what differs between two files."""

import pytest

from ansible_collections.dockhand.docker.plugins.module_utils._container_copy import CopyIntoKind, file_changes, parse_mode
from ansible_collections.dockhand.docker.plugins.module_utils._errors import ParamError


@pytest.mark.parametrize("value, expected", [(420, 0o644), ("0644", 0o644), ("644", 0o644), ("0o755", 0o755), (None, None)])
def test_parse_mode(value, expected):
    assert parse_mode("mode", value) == expected


@pytest.mark.parametrize("value", ["rwx", True, 0o10000, "-1"])
def test_parse_mode_refuses(value):
    with pytest.raises(ParamError):
        parse_mode("mode", value)


def test_mode_parse_as_community_docker():
    """mode_parse: legacy reads a string as a decimal number; octal_string_only takes strings only."""
    assert parse_mode("mode", "0644", "legacy") == 644
    assert parse_mode("mode", 0o644, "legacy") == 0o644
    assert parse_mode("mode", "0644", "octal_string_only") == 0o644
    with pytest.raises(ParamError, match="octal_string_only takes strings only"):
        parse_mode("mode", 420, "octal_string_only")


def state(sha="a", mode="0644", owner="0:0"):
    return {"path": "/x", "type": "file", "size": 1, "mode": mode, "owner": owner, "sha256": sha}


def test_file_changes():
    assert file_changes(state(), state(), None, None) == []
    assert [c.field for c in file_changes(None, state(), None, "new\n")] == ["content"]
    assert [c.field for c in file_changes(state("a"), state("b"), None, None)] == ["sha256"]
    assert [(c.field, c.before, c.after) for c in file_changes(state("a"), state("b"), "x\n", "y\n")] == [("content", "x\n", "y\n")]
    assert [c.field for c in file_changes(state(), state(mode="0600", owner="1:1"), None, None)] == ["mode", "owner"]


def test_copy_into_refuses_bad_paths():
    for params, option in (({"container": "c", "container_path": "x", "content": "y"}, "container_path"),
                           ({"container": "c", "container_path": "/x"}, "path"),
                           ({"container": "c", "container_path": "/x", "content": "%%", "content_is_b64": True}, "content")):
        with pytest.raises(ParamError) as err:
            CopyIntoKind.desired(params)
        assert err.value.option == option
