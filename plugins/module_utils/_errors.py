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
"""

from __future__ import annotations


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

    `clean`: the failed step undid what it had done (a recreate that restored the old container)."""

    def __init__(self, message, status=None, clean=False):
        super().__init__(message)
        self.status = status
        self.clean = clean


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
