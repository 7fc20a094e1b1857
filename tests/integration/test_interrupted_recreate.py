"""A recreate cut off at any step (engine gone, Ctrl-C) leaves containers the next run recognises: it finishes or undoes
the swap, ends with exactly one container named as the task says, running the task's configuration, with the data of
its named and anonymous volumes intact (issue 20).

The cut is made by running the recreate's own steps in process and stopping after step N; then the module runs as a
user would run the task again."""

import pytest
from _recreate_support import assert_converged_with_data, containers_named, recreate_scenario
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.dockhand.docker.plugins.module_utils import _container_apply as steps
from ansible_collections.dockhand.docker.plugins.module_utils._client import CONNECTION_ARGS, connect
from ansible_collections.dockhand.docker.plugins.module_utils._container import ContainerKind
from ansible_collections.dockhand.docker.plugins.module_utils._container_fields import CONTAINER_SPEC

CUTS = ["after the create", "after the old one stopped", "after the new one started", "after the old one was renamed aside",
        "after the new one took the name"]


def recreate_until(client, want, cut):
    """The steps of _container_apply._recreate, stopping after the step named `cut`."""
    old = client.api.inspect_container(want.name)
    new_id = steps.create(client, want, name=f"{want.name}{steps.TEMP_MARK}{old['Id'][:12]}", inherit=old)
    if cut == CUTS[0]:
        return
    steps.stop(client, old["Id"], want)
    if cut == CUTS[1]:
        return
    client.api.start(new_id)
    if cut == CUTS[2]:
        return
    client.api.rename(old["Id"], f"{want.name}{steps.TEMP_MARK}old-{old['Id'][:12]}")
    if cut == CUTS[3]:
        return
    client.api.rename(new_id, want.name)


@pytest.mark.parametrize("cut", CUTS)
def test_the_next_run_settles_a_recreate_cut_off(engine, ansible, prefix, cut):
    scenario = recreate_scenario(engine, ansible, prefix, stop_timeout=0)
    params = ArgumentSpecValidator(dict(CONTAINER_SPEC, **CONNECTION_ARGS)).validate(scenario.changed).validated_parameters
    recreate_until(connect(params), ContainerKind.desired(params), cut)

    before = containers_named(engine, scenario.name)
    check = ansible.ok("container", scenario.changed, check=True)
    assert check["changed"] is True and check["actions"][0].startswith(f"settle container {scenario.name}"), check["actions"]
    assert containers_named(engine, scenario.name) == before, "check mode changed the engine"
    applied = ansible.ok("container", scenario.changed)
    assert applied["actions"] == check["actions"]
    assert_converged_with_data(engine, ansible, scenario)
