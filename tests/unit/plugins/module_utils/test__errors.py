"""ENGINE_REFUSALS and refused_option() (pure): the engine's answers, as Docker 20.10 and 28.5 word them, name the option."""

from types import SimpleNamespace

import pytest

from ansible_collections.dockhand.docker.plugins.module_utils._errors import APIError, EngineError, refused_option


def failure(answer, doing="create container c"):
    """The EngineError an apply step raises, caused by the engine's answer."""
    try:
        try:
            raise APIError(400, answer)
        except APIError as exc:
            raise EngineError(f"{doing}: the engine answered 400: {answer}") from exc
    except EngineError as exc:
        return exc


def container(**fields):
    return SimpleNamespace(name="c", fields=fields, networks=None)


@pytest.mark.parametrize("fields, answer, starts", [
    ({"log_driver": "nosuch"}, 'error looking up logging plugin nosuch: plugin "nosuch" not found', "log_driver: the engine refused 'nosuch': "),
    ({"log_options": {"max-sise": "1"}}, "unknown log opt 'max-sise' for json-file log driver", "log_options.max-sise: "),
    ({"cpuset_cpus": "999"}, "Requested CPUs are not available - requested 999, available: 0-1", "cpuset_cpus: the engine refused '999'"),
    ({"sysctls": {"net.nosuch.x": "1", "net.ipv4.ip_forward": "1"}},
     "OCI runtime create failed: open /proc/sys/net/nosuch/x: no such file or directory: unknown", "sysctls.net.nosuch.x: "),
    ({"pid_mode": "host", "volumes_from": ["gone"]}, "No such container: gone", "volumes_from: the engine refused 'gone'"),
    ({"network_mode": "container:gone", "pid_mode": "host"}, "No such container: gone", "network_mode: "),
    ({"command": ["/no/bin"], "entrypoint": ["/bin/sh"]},
     'exec: "/no/bin": stat /no/bin: no such file or directory: unknown', "command: the engine refused '/no/bin'"),
    ({"memory": 1024}, "Minimum memory limit allowed is 6MB", "memory: the engine refused 1024: "),
])
def test_a_container_refusal_names_the_option(fields, answer, starts):
    message = refused_option("container", container(**fields), failure(answer))
    assert message.startswith(starts), message
    assert message.endswith(answer), "the engine's own answer is kept"


@pytest.mark.parametrize("kind, want, answer", [
    ("container", container(log_driver=None), 'error looking up logging plugin nosuch: plugin "nosuch" not found'),  # not the task's
    ("container", container(command=None, entrypoint=None), 'exec: "/docker-entrypoint.sh": permission denied'),      # the image's
    ("volume", SimpleNamespace(name="v", config={"driver": None}), "Requested CPUs are not available"),                 # another kind's
    ("container", container(cpuset_cpus="1"), "Conflict. The container name is already in use"),                       # no row
])
def test_a_refusal_the_task_did_not_cause_keeps_its_message(kind, want, answer):
    assert refused_option(kind, want, failure(answer)) is None


def test_a_network_and_a_volume_refusal_name_the_setting():
    network = SimpleNamespace(name="n", config={"driver": None, "ipam_driver": "nosuchipam", "driver_options": None})
    assert refused_option("network", network, failure('plugin "nosuchipam" not found')).startswith("ipam_driver: the engine refused 'nosuchipam'")
    volume = SimpleNamespace(name="v", config={"driver": None, "driver_options": {"foo": "1"}})
    assert refused_option("volume", volume, failure('create v: invalid option: "foo"')).startswith("driver_options.foo: ")


@pytest.mark.parametrize("fields, answer_20_10, answer_28_5, starts", [
    ({"cpus": 4096}, "Range of CPUs is from 0.01 to 2.00, as there are only 2 CPUs available",
     "range of CPUs is from 0.01 to 2.00, as there are only 2 CPUs available", "cpus: the engine refused 4096: "),
    ({"stop_signal": "SIGNOSUCH"}, "Invalid signal: SIGNOSUCH", "invalid signal: SIGNOSUCH",
     "stop_signal: the engine refused 'SIGNOSUCH': "),
    ({"groups": ["nosuchgroup"]}, "Unable to find group nosuchgroup: no matching entries in group file",
     "unable to find group nosuchgroup: no matching entries in group file", "groups: the engine refused 'nosuchgroup': "),
])
def test_docker_28_answers_with_a_small_first_letter_name_the_option_too(fields, answer_20_10, answer_28_5, starts):
    """Engine difference (issue 18): Docker 28.5 starts these answers with a small letter where 20.10 wrote a capital;
    both name the option (tests/integration/test_engine_refusals.py meets both engines)."""
    for answer in (answer_20_10, answer_28_5):
        message = refused_option("container", container(**fields), failure(answer))
        assert message is not None and message.startswith(starts), (answer, message)
        assert message.endswith(answer), "the engine's own answer is kept"
