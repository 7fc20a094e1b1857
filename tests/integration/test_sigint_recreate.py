"""A safe recreate cut off at each step of the swap (issue 20): Ctrl-C (ansible-playbook and the module get SIGINT, as
from a terminal), or the engine seems gone to the run (its connections cut). The next run of the same task converges
with nothing lost (one container under the name, running the new configuration, the data of its named and anonymous
volumes kept, no `-dockhand-` leftover) and the run after it changes nothing.

The steps are caught deterministically: the task reaches the engine through a unix socket proxy that holds the first
request of the step (the module waits for its answer when the fault comes), or forwards it and the fault comes while
the engine works on it (a stop that lasts: PID 1 ignores SIGTERM, so the engine waits stop_timeout before killing)."""

import re

import pytest
from _recreate_support import STEPS, assert_converged_with_data, interrupt, recreate_scenario


def _states(engine, name):
    return {c["Names"][0].lstrip("/"): c["State"] == "running" for c in engine.api.containers(all=True, filters={"name": name})}


@pytest.mark.parametrize("fault", ["Ctrl-C", "engine gone"])
@pytest.mark.parametrize("gate, forward, left", [s[1:] for s in STEPS], ids=[s[0] for s in STEPS])
def test_a_recreate_cut_off_then_the_next_run_converges(engine, ansible, prefix, gate, forward, left, fault):
    # PID 1 ignores SIGTERM: the engine's stop waits stop_timeout, then kills
    scenario = recreate_scenario(engine, ansible, prefix, stop_timeout=4)
    status, out = interrupt(ansible, scenario.changed, gate.replace("{name}", re.escape(scenario.name)), forward, fault)
    assert status != 0 and "ok=1" not in out, f"the run was not interrupted:\n{out}"
    if fault == "engine gone":
        assert "Traceback" not in out and "cannot reach the Docker engine" in out, out
    states = _states(engine, scenario.name)
    assert sorted(states) == sorted(scenario.names[k] for k in left), f"the Ctrl-C came elsewhere: {states}"
    assert all(states[scenario.names[k]] is running for k, running in left.items() if running is not None), states

    applied = ansible.ok("container", scenario.changed)
    assert applied["changed"] is True, applied["actions"]
    assert_converged_with_data(engine, ansible, scenario)
