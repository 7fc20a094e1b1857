# Copyright: dockhand.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# PRIVATE: this module_utils file is internal to dockhand.docker and may change at any time.
"""Parsers for task values shared by every kind: names, string maps, sizes, durations, addresses.

Each takes the option name for its error message and raises ParamError naming the option and the reason.
"""

from __future__ import annotations

import ipaddress
import re

from ._errors import ParamError

_NAME = re.compile(r"^[a-zA-Z0-9][a-zA-Z0-9_.-]*$")
_SIZE = re.compile(r"^(\d+(?:\.\d+)?) ?([kmgtp]?)(?:i?b)?$", re.IGNORECASE)
_SIZE_UNITS = {"": 1, "k": 1024, "m": 1024 ** 2, "g": 1024 ** 3, "t": 1024 ** 4, "p": 1024 ** 5}
_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)")
_DURATION_UNITS = {"ns": 1, "us": 1000, "µs": 1000, "ms": 10 ** 6, "s": 10 ** 9, "m": 60 * 10 ** 9, "h": 3600 * 10 ** 9}


NAME_MAX = 255  # a volume's name is a directory name on the engine's host; longer names fail there, or half-way


def docker_name(option, value):
    """A name the engine accepts for a network, volume or container."""
    if not isinstance(value, str) or not _NAME.match(value):
        raise ParamError(option, f"{value!r} is not a valid name: use letters, digits, '_', '.' or '-', starting with a letter or digit")
    if len(value) > NAME_MAX:
        raise ParamError(option, f"is {len(value)} characters long; a name has at most {NAME_MAX}")
    return value


def string_map(option, value):
    """A dict whose values are all strings (None when not given). Non-strings are refused, not silently converted."""
    if value is None:
        return None
    if not isinstance(value, dict):
        raise ParamError(option, f"must be a mapping of names to strings, got {type(value).__name__}")
    for key, item in value.items():
        if not isinstance(item, str):
            raise ParamError(option, f"value of {key!r} must be a string (quote it in YAML), got {type(item).__name__} {item!r}")
    return dict(value)


def size_bytes(option, value):
    """'512m', '1g', '1.5GiB', '100000' or an int -> bytes (binary units, as docker run reads them)."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ParamError(option, f"{value!r} is not a size such as 512m or 1g")
    if isinstance(value, int):
        return value
    match = _SIZE.match(str(value).strip())
    if not match:
        raise ParamError(option, f"{value!r} is not a size such as 512m or 1g (units b, k, m, g, t, p)")
    return int(float(match.group(1)) * _SIZE_UNITS[match.group(2).lower()])


def duration_ns(option, value):
    """'30s', '1m30s', '500ms' or a number of seconds -> nanoseconds."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ParamError(option, f"{value!r} is not a duration such as 30s, 1m30s or 500ms")
    if isinstance(value, (int, float)):
        return int(value * 10 ** 9)
    text = str(value).strip()
    if re.fullmatch(r"\d+(\.\d+)?", text):
        return int(float(text) * 10 ** 9)
    parts = _DURATION_PART.findall(text)
    if not text or "".join(n + u for n, u in parts) != text:
        raise ParamError(option, f"{value!r} is not a duration such as 30s, 1m30s or 500ms")
    return int(sum(float(n) * _DURATION_UNITS[u] for n, u in parts))


def ip_network(option, value):
    """A canonical subnet string ('10.1.0.0/24'); host bits set are refused."""
    try:
        return str(ipaddress.ip_network(str(value), strict=True))
    except ValueError as exc:
        raise ParamError(option, f"{value!r} is not a subnet in CIDR form: {exc}") from None


def ip_address(option, value):
    """A canonical address string."""
    try:
        return str(ipaddress.ip_address(str(value)))
    except ValueError:
        raise ParamError(option, f"{value!r} is not an IP address") from None
