"""Parsers shared by every kind (pure)."""

import pytest

from ansible_collections.dockhand.docker.plugins.module_utils import _parse
from ansible_collections.dockhand.docker.plugins.module_utils._errors import ParamError


@pytest.mark.parametrize("text, expected", [
    ("512m", 512 * 1024 ** 2), ("1g", 1024 ** 3), ("1.5GiB", int(1.5 * 1024 ** 3)), ("100000", 100000),
    ("64k", 65536), ("2 MB", 2 * 1024 ** 2), (4096, 4096), ("1b", 1),
])
def test_size_bytes(text, expected):
    assert _parse.size_bytes("memory", text) == expected


@pytest.mark.parametrize("text", ["12XB", "", "m", "-1g", True, "1.g"])
def test_size_bytes_refuses(text):
    with pytest.raises(ParamError) as err:
        _parse.size_bytes("memory", text)
    assert err.value.option == "memory" and "not a size" in str(err.value)


@pytest.mark.parametrize("text, expected", [
    ("30s", 30 * 10 ** 9), ("1m30s", 90 * 10 ** 9), ("500ms", 5 * 10 ** 8), ("1h", 3600 * 10 ** 9),
    ("2us", 2000), (5, 5 * 10 ** 9), ("1.5", int(1.5 * 10 ** 9)), ("1.5s", int(1.5 * 10 ** 9)),
])
def test_duration_ns(text, expected):
    assert _parse.duration_ns("interval", text) == expected


@pytest.mark.parametrize("text", ["30x", "s", "1m 30s", "", "10sm", False])
def test_duration_ns_refuses(text):
    with pytest.raises(ParamError) as err:
        _parse.duration_ns("interval", text)
    assert err.value.option == "interval"


@pytest.mark.parametrize("name, ok", [("app-net", True), ("a.b_c-1", True), ("-x", False), ("bad name", False), ("", False), ("é", False)])
def test_docker_name(name, ok):
    if ok:
        assert _parse.docker_name("name", name) == name
    else:
        with pytest.raises(ParamError):
            _parse.docker_name("name", name)


def test_string_map_refuses_non_strings_and_names_the_key():
    assert _parse.string_map("labels", {"a": "1"}) == {"a": "1"}
    assert _parse.string_map("labels", None) is None
    with pytest.raises(ParamError) as err:
        _parse.string_map("labels", {"a": "1", "debug": True})
    assert str(err.value) == "labels: value of 'debug' must be a string (quote it in YAML), got bool True"
    with pytest.raises(ParamError):
        _parse.string_map("labels", ["a"])


def test_addresses_are_canonical():
    assert _parse.ip_network("subnet", "fd00:0:0::/64") == "fd00::/64"
    assert _parse.ip_address("gateway", "10.0.0.001".replace("001", "1")) == "10.0.0.1"
    with pytest.raises(ParamError):
        _parse.ip_network("subnet", "10.0.0.1/24")
    with pytest.raises(ParamError):
        _parse.ip_address("gateway", "10.0.0")
