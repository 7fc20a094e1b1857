# Copyright: dockhand.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# PRIVATE: this module_utils file is internal to dockhand.docker and may change at any time.
"""Every error the collection raises, in one place that every layer imports.

- ParamError: bad input, or a refusal to do something destructive; names the option. Raised before any write.
- TaskFailure: a check the task asked for did not pass (a threshold, a probe); carries the results to return.
- EngineError: an engine call failed; the message says what was being done and what the engine answered, and
  `status` keeps the engine's HTTP status when it answered one.
- ApplyError: an action of a plan failed after others were applied; says which were done.
- APIError / NotFound / TransportError: what the client raises for an engine answer or a missing engine; the runner
  and engine_errors() in _client.py turn them into EngineError with a readable message.

Only the runner (_runner.py) catches these to fail a task.

ENGINE_REFUSALS: what the engine says when it refuses an option it alone can check (a log driver, a CPU set of this
host, a sysctl of its kernel), mapped to the option, so that the failure names the option (refused_option()).
"""

from __future__ import annotations

import re


class ParamError(Exception):
    """Bad or conflicting input, or a refusal to do something destructive; names the option."""

    def __init__(self, option, why):
        super().__init__(f"{option}: {why}")
        self.option = option
        self.why = why


class TaskFailure(Exception):
    """A check the task asked for did not pass (a threshold, a probe): fail with this message and these results."""

    def __init__(self, message, **result):
        super().__init__(message)
        self.result = result


class EngineError(Exception):
    """An engine call failed; the message says what was being done and what the engine answered.

    `clean`: the failed step undid what it had done (a recreate that restored the old container).
    `undid`: verbs of earlier steps of the same plan that the failed step took back too (a first start that fails
    removes the container its create made), so they are not reported as done."""

    def __init__(self, message, status=None, clean=False, undid=()):
        super().__init__(message)
        self.status = status
        self.clean = clean
        self.undid = tuple(undid)


class ApplyError(EngineError):
    """An action failed; carries the actions done before it and whether the engine may have changed (an action of
    several steps that failed half-way may have; one that undid itself says so in its message)."""

    def __init__(self, message, done, partly, status=None, clean=False):
        unsure = partly and not clean
        super().__init__(message + (" (the engine may be partly changed: that action takes several steps)" if unsure else ""), status, clean)
        self.done = done
        self.changed = bool(done) or partly


class APIError(Exception):
    """The engine answered an error status, on either path (the SDK's own APIError is translated into this)."""

    def __init__(self, status_code, explanation):
        super().__init__(f"{status_code}: {explanation}")
        self.status_code = status_code
        self.explanation = explanation


class NotFound(APIError):
    """The engine has no such object (HTTP 404 on an object, not on a route)."""


class TransportError(Exception):
    """Nothing answered at the engine address, or not in time."""

    def __init__(self, reason, timed_out=False):
        super().__init__(reason)
        self.reason = reason
        self.timed_out = timed_out


# (kind, pattern searched in the engine's answer, the options that can cause it). The group `value`, when the engine
# says what it refused, picks among several options the one whose task value holds it (and the key of a dict option).
# One row per answer, matched regardless of case: Docker 28 words them as 20.10 does but starts some with a small letter
# (Docker 20.10 'Range of CPUs is from', 'Invalid signal', 'Unable to find group'; 28.5 'range of ...', 'invalid ...').
ENGINE_REFUSALS = (
    ("container", r"error looking up logging plugin (?P<value>[^:\s]+)", ("log_driver",)),
    ("container", r"unknown log opt '(?P<value>[^']+)'", ("log_options",)),
    ("container", r"Requested CPUs are not available - requested (?P<value>[^,]+)", ("cpuset_cpus",)),
    ("container", r"Requested memory nodes are not available - requested (?P<value>[^,]+)", ("cpuset_mems",)),
    ("container", r"Range of CPUs is from", ("cpus",)),
    ("container", r"Minimum memory limit allowed", ("memory",)),
    ("container", r"Minimum memoryswap limit", ("memory_swap",)),
    ("container", r"Minimum kernel memory limit", ("kernel_memory",)),
    ("container", r"SHM size", ("shm_size",)),
    ("container", r"(?:Unknown|unknown or invalid) runtime(?: name)?:? (?:specified )?(?P<value>\S+)", ("runtime",)),
    ("container", r"open /proc/sys/(?P<value>[^:\s]+): no such file", ("sysctls",)),
    ("container", r"sysctl \"?(?P<value>[\w./-]+)\"? is not (?:allowed|in a separate kernel namespace)", ("sysctls",)),
    ("container", r"(?:adding custom device|gathering device information[^\"]*) \"(?P<value>[^\"]+)\"", ("devices",)),
    ("container", r"stat (?P<value>/dev/[^:\s]+): no such file",
     ("device_read_bps", "device_write_bps", "device_read_iops", "device_write_iops", "devices")),
    ("container", r"invalid --security-opt", ("security_opts",)),
    ("container", r"--storage-opt|storage-opt", ("storage_opts",)),
    ("container", r"Unable to find group (?P<value>[^:\s]+)", ("groups",)),
    ("container", r"unable to find user (?P<value>[^:\s]+)", ("user",)),
    ("container", r"exec: \"(?P<value>[^\"]+)\"", ("command", "entrypoint")),
    ("container", r"bind source path does not exist: (?P<value>\S+)", ("mounts", "volumes")),
    ("container", r"error looking up volume plugin (?P<value>[^:\s]+)", ("volume_driver", "mounts")),
    ("container", r"error while mounting volume '/var/lib/docker/volumes/(?P<value>[^/']+)", ("volumes", "mounts")),
    ("container", r"error mounting \"tmpfs\" to rootfs at \"(?P<value>[^\"]+)\"", ("tmpfs", "mounts")),
    ("container", r"rlimit", ("ulimits",)),
    ("container", r"Cannot mkdir: .* is not a directory", ("working_dir",)),
    ("container", r"in Healthcheck", ("healthcheck",)),
    ("container", r"Invalid signal: (?P<value>\S+)", ("stop_signal",)),
    ("container", r"could not select device driver", ("device_requests",)),
    ("container", r"MAC to \"(?P<value>[^\"]+)\"", ("mac_address",)),
    ("container", r"port is already allocated|userland proxy|programming external connectivity", ("published_ports",)),
    ("container", r"No such container: (?P<value>\S+)", ("network_mode", "pid_mode", "ipc_mode", "volumes_from", "links")),
    ("container", r"network (?P<value>\S+) not found", ("network_mode", "networks")),
    ("container", r"user specified IP address|Address already in use|no available IPv[46] addresses|Invalid address",
     ("networks",)),
    ("network", r"plugin \"(?P<value>[^\"]+)\" not found", ("driver", "ipam_driver")),
    ("network", r"not a swarm manager|only one instance of", ("driver",)),
    ("network", r"Pool overlaps|no available network", ("ipam_config",)),
    ("network", r"subinterface vlan name (?P<value>[^,\s]+)|parent interface was not found on the host: (?P<value2>\S+)",
     ("driver_options",)),
    ("network", r"ipvlan mode '(?P<value>[^']+)'|macvlan mode '(?P<value2>[^']+)'", ("driver_options",)),
    ("volume", r"invalid option:? \"?(?P<value>[^\"\s]+)", ("driver_options",)),
    ("volume", r"missing required option", ("driver_options",)),
    ("volume", r"plugin \"(?P<value>[^\"]+)\" not found", ("driver",)),
)


def _engine_answers(exc):
    """The engine's answers behind an exception (its own, then its causes')."""
    seen = []
    while exc is not None and exc not in seen:
        seen.append(exc)
        exc = exc.__cause__ or exc.__context__
    return [e.explanation for e in seen if isinstance(getattr(e, "explanation", None), str)]


def _task_value(want, option):
    for table in ("fields", "config"):  # the container's options, a network's or volume's settings
        values = getattr(want, table, None)
        if isinstance(values, dict) and option in values:
            return values[option]
    return getattr(want, option, None)


def _holds(value, said):
    """Where the task value holds the refused value: (suffix to the option name, the part to show), or None."""
    if isinstance(value, dict):
        for key, item in value.items():
            if said in (key, key.replace(".", "/"), str(item)):
                return f".{key}", item
        return None
    if isinstance(value, (list, tuple)):
        return next((("", item) for item in value if said in str(item)), None)
    return ("", value) if said in str(value) else None


def refused_option(kind, want, exc):
    """The message for an engine refusal that ENGINE_REFUSALS maps to an option the task sets: the option, what the
    engine refused, then the engine's own message; None when no row applies (the message stays as it is)."""
    for answer in _engine_answers(exc):
        for row_kind, pattern, options in ENGINE_REFUSALS:
            found = re.search(pattern, answer, re.IGNORECASE) if row_kind == kind else None
            if not found:
                continue
            said = next((v for v in found.groupdict().values() if v), None)
            values = {option: _task_value(want, option) for option in options}
            given = {o: v for o, v in values.items() if v not in (None, "", [], {})}
            held = {o: _holds(v, said) for o, v in given.items()} if said else {}
            named = [(o + h[0], h[1]) for o, h in held.items() if h]
            if not named:
                named = [(o, said if said else v) for o, v in given.items()]
            if named:
                shown = named[0][1] if len(named) == 1 else said
                what = f"{shown!r}" if shown not in (None, "") else "it"
                return f"{' or '.join(n for n, _v in named)}: the engine refused {what[:200]}: {exc}"
    return None
