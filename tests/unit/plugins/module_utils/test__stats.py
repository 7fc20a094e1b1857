"""The docker stats formulas (pure), on payloads recorded from a cgroup v1 engine and written from the API's v2 shape."""

import copy
import json
from pathlib import Path

import pytest

from ansible_collections.dockhand.docker.plugins.module_utils import _stats
from ansible_collections.dockhand.docker.plugins.module_utils._errors import ParamError

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def v1():
    """Recorded from Docker 20.10.24 on cgroup v1 (stream=false): `yes` under --cpus 0.5, 4 MiB written, 2 MiB read."""
    return json.loads((FIXTURES / "stats_v1.json").read_text())


@pytest.fixture
def v2():
    """A cgroup v2 payload in the Engine API's shape: lower-case blkio ops, inactive_file, no percpu_usage, two interfaces."""
    return json.loads((FIXTURES / "stats_v2.json").read_text())


def test_v1_figures(v1):
    got = _stats.figures(v1)
    assert got["cpu_percent"] == pytest.approx((1087850906 - 585546666) / (9959490000000 - 9957470000000) * 2 * 100)
    assert got["cpu_percent"] == pytest.approx(49.73, abs=0.01)
    assert got["cpu_usage_ns"] == 1087850906 and got["online_cpus"] == 2
    assert got["mem_used"] == 774144 and got["mem_limit"] == 64 * 1024 ** 2  # total_inactive_file is 0 here
    assert got["mem_percent"] == pytest.approx(774144 / 67108864 * 100)
    assert (got["net_rx_bytes"], got["net_tx_bytes"]) == (832, 116)
    assert (got["blk_read_bytes"], got["blk_write_bytes"]) == (2211840, 4194304)  # Sync, Async, Discard, Total ignored
    assert got["pids"] == 1
    assert got["sampled_at"] == "2026-11-23T11:55:45.09489452Z"
    assert got["window_s"] == pytest.approx(1.003298939, abs=1e-6)
    assert got["net_rx_rate"] == 0.0  # no earlier payload: no rates


def test_v1_memory_without_inactive_file_cache(v1):
    v1["memory_stats"]["stats"]["total_inactive_file"] = 12288
    assert _stats.figures(v1)["mem_used"] == 774144 - 12288
    v1["memory_stats"]["stats"]["total_inactive_file"] = 774144  # not smaller than usage: usage
    assert _stats.figures(v1)["mem_used"] == 774144
    v1["memory_stats"]["stats"]["inactive_file"] = 4096  # the v1 key wins when present
    assert _stats.mem_used(v1["memory_stats"]) == 774144


def test_v2_figures(v2):
    got = _stats.figures(v2)
    assert got["cpu_percent"] == pytest.approx(500000000 / 4000000000 * 4 * 100) == 50.0
    assert got["online_cpus"] == 4
    assert got["mem_used"] == 104857600 - 20971520 == 80 * 1024 ** 2
    assert got["mem_percent"] == pytest.approx(15.625)
    assert (got["net_rx_bytes"], got["net_tx_bytes"]) == (155000, 91000)  # summed over eth0 and eth1
    assert (got["blk_read_bytes"], got["blk_write_bytes"]) == (4096000 + 8192, 1048576)
    assert got["pids"] == 12


def test_v2_memory_edge_cases(v2):
    del v2["memory_stats"]["stats"]["inactive_file"]
    assert _stats.figures(v2)["mem_used"] == 104857600
    v2["memory_stats"]["stats"]["inactive_file"] = 200 * 1024 ** 2  # above usage: usage
    assert _stats.figures(v2)["mem_used"] == 104857600
    assert _stats.mem_percent(100, 0) == 0.0
    assert _stats.mem_used({}) == 0


def test_online_cpus_falls_back_to_percpu_usage(v1, v2):
    v1["cpu_stats"]["online_cpus"] = 0
    assert _stats.online_cpus(v1["cpu_stats"]) == 2
    del v1["cpu_stats"]["online_cpus"]
    assert _stats.figures(v1)["cpu_percent"] == pytest.approx(49.73, abs=0.01)
    del v2["cpu_stats"]["online_cpus"]  # v2 has no percpu_usage: nothing to scale by
    assert _stats.figures(v2)["cpu_percent"] == 0.0


@pytest.mark.parametrize("cpu_delta, system_delta", [(0, 10 ** 9), (10 ** 8, 0), (-5, 10 ** 9), (10 ** 8, -1)])
def test_cpu_percent_zero_unless_both_deltas_positive(cpu_delta, system_delta):
    pre = {"cpu_usage": {"total_usage": 10 ** 9}, "system_cpu_usage": 10 ** 12, "online_cpus": 2}
    cur = {"cpu_usage": {"total_usage": 10 ** 9 + cpu_delta}, "system_cpu_usage": 10 ** 12 + system_delta, "online_cpus": 2}
    assert _stats.cpu_percent(cur, pre) == 0.0


def test_first_one_shot_sample_has_blank_precpu(v1):
    v1["precpu_stats"] = {"cpu_usage": {"total_usage": 0}, "throttling_data": {}}
    v1["preread"] = "0001-01-01T00:00:00Z"
    got = _stats.figures(v1)
    assert got["cpu_percent"] == 0.0 and got["window_s"] == 0.0


def test_two_samples_give_cpu_and_rates(v2):
    pre = copy.deepcopy(v2)
    pre["cpu_stats"], pre["read"] = v2["precpu_stats"], v2["preread"]
    pre["networks"]["eth0"]["rx_bytes"] -= 10000
    pre["networks"]["eth1"]["tx_bytes"] -= 502
    pre["blkio_stats"]["io_service_bytes_recursive"][1]["value"] -= 1048576
    got = _stats.figures(v2, pre)
    window = 1.004175432
    assert got["window_s"] == pytest.approx(window, abs=1e-6)
    assert got["cpu_percent"] == pytest.approx(50.0)
    assert got["net_rx_rate"] == pytest.approx(10000 / window)
    assert got["net_tx_rate"] == pytest.approx(502 / window)
    assert got["blk_write_rate"] == pytest.approx(1048576 / window)
    assert got["blk_read_rate"] == 0.0
    pre["networks"]["eth0"]["rx_bytes"] += 10 ** 6  # a counter that went back (interface recreated): never negative
    assert _stats.figures(v2, pre)["net_rx_rate"] == 0.0


def test_host_network_container_has_no_networks(v1):
    del v1["networks"]
    got = _stats.figures(v1)
    assert (got["net_rx_bytes"], got["net_tx_bytes"]) == (0, 0)


@pytest.mark.parametrize("text, expected", [
    ("2026-11-23T11:55:45.09489452Z", 1795434945.09489452),
    ("2026-11-23T11:55:45Z", 1795434945.0),
    ("2026-11-23T12:55:45.5+01:00", 1795434945.5),
    ("0001-01-01T00:00:00Z", None),
    ("", None),
    (None, None),
    ("yesterday", None),
])
def test_timestamp(text, expected):
    got = _stats.timestamp(text)
    assert got == (pytest.approx(expected, abs=1e-6) if expected else None)


def test_summarise_averages_gauges_and_keeps_last_counters(v2):
    samples = []
    for cpu, mem, rx in ((10.0, 1000, 5), (20.0, 3000, 7), (60.0, 2001, 9)):
        sample = _stats.figures(v2)
        sample.update(cpu_percent=cpu, mem_used=mem, net_rx_bytes=rx, window_s=1.0)
        samples.append(sample)
    got = _stats.summarise(samples)
    assert got["cpu_percent"] == 30.0 and got["min"]["cpu_percent"] == 10.0 and got["max"]["cpu_percent"] == 60.0
    assert got["mem_used"] == 2000 and isinstance(got["mem_used"], int) and got["max"]["mem_used"] == 3000
    assert got["net_rx_bytes"] == 9  # a counter: the last sample's
    assert got["samples"] == 3 and got["window_s"] == 3.0
    assert got["pids"] == 12 and isinstance(got["pids"], int)


def test_host_summary():
    containers = {"a": dict(cpu_percent=50.0, mem_used=1024 ** 3, net_rx_rate=10.0, net_tx_rate=1.0, blk_read_rate=0.0, blk_write_rate=2.0),
                  "b": dict(cpu_percent=100.0, mem_used=1024 ** 3, net_rx_rate=5.0, net_tx_rate=1.0, blk_read_rate=1.0, blk_write_rate=0.0)}
    host = _stats.host_summary(containers, {"NCPU": 4, "MemTotal": 8 * 1024 ** 3})
    assert host["cpus"] == 4 and host["cpus_used"] == 1.5 and host["cpu_percent"] == 150.0
    assert host["cpu_utilisation_percent"] == 37.5
    assert host["mem_used"] == 2 * 1024 ** 3 and host["mem_utilisation_percent"] == 25.0
    assert host["net_rx_rate"] == 15.0 and host["blk_write_rate"] == 2.0 and host["containers"] == 2
    empty = _stats.host_summary({}, {})
    assert empty["cpu_utilisation_percent"] == 0.0 and empty["mem_utilisation_percent"] == 0.0


def test_thresholds_parse_and_breach():
    thresholds = _stats.parse_thresholds({"cpu_percent": {"max": 80}, "mem_used": {"max": "512m"}, "pids": {"min": "2"},
                                          "host.mem_utilisation_percent": {"max": 50}})
    assert thresholds["mem_used"] == {"max": 512 * 1024 ** 2} and thresholds["pids"] == {"min": 2.0}
    containers = {"web": dict(cpu_percent=97.5, mem_used=10, pids=3), "db": dict(cpu_percent=5.0, mem_used=600 * 1024 ** 2, pids=1)}
    found = _stats.breaches(containers, {"mem_utilisation_percent": 60.0}, thresholds)
    assert found == [
        dict(container="web", metric="cpu_percent", value=97.5, bound="max", limit=80),
        dict(container=None, metric="host.mem_utilisation_percent", value=60.0, bound="max", limit=50),
        dict(container="db", metric="mem_used", value=600 * 1024 ** 2, bound="max", limit=512 * 1024 ** 2),
        dict(container="db", metric="pids", value=1, bound="min", limit=2.0),
    ]
    assert _stats.describe_breach(found[0]) == "container web: cpu_percent 97.5 is above its max 80"
    assert _stats.describe_breach(found[1]) == "engine host: host.mem_utilisation_percent 60.0 is above its max 50"
    assert _stats.describe_breach(found[3]) == "container db: pids 1 is below its min 2.0"
    assert _stats.breaches(containers, {}, {"cpu_percent": {"max": 100}}) == []


@pytest.mark.parametrize("value, words", [
    ({"cpu": {"max": 80}}, "unknown figure 'cpu'"),
    ({"cpu_percent": 80}, "must be a mapping with max and/or min"),
    ({"cpu_percent": {"above": 80}}, "must be a mapping with max and/or min"),
    ({"cpu_percent": {"max": "lots"}}, "cpu_percent.max must be a number"),
    ({"cpu_percent": {"max": True}}, "cpu_percent.max must be a number"),
    ({"mem_used": {"max": "12XB"}}, "not a size"),
    (["cpu_percent"], "must be a mapping"),
])
def test_thresholds_refused(value, words):
    with pytest.raises(ParamError) as err:
        _stats.parse_thresholds(value)
    assert err.value.option.startswith("thresholds") and words in str(err.value)
