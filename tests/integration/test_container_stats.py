"""dockhand.docker.container_stats against the real engine, cross-checked with `docker stats`."""

import json
import os
import re
import subprocess
import threading
import time

import pytest
import requests

pytestmark = pytest.mark.serial  # CPU figures are measured against docker stats: other tests would load the CPU

MIB = 1024 ** 2
CPU_TOLERANCE = 8.0  # percentage points: CFS quota at --cpus 0.5 gives 50 % +- a few points per 1 s window
MEM_TOLERANCE = 3 * MIB  # busybox sh + sleep + page tables on top of the tmpfs file


def docker_stats(*names):
    """`docker stats --no-stream` figures: {name: {"cpu": %, "mem": bytes}}."""
    out = subprocess.run(["docker", "stats", "--no-stream", "--format", "{{json .}}", *names],
                         capture_output=True, text=True, timeout=60, check=True).stdout
    units = {"B": 1, "KiB": 1024, "MiB": MIB, "GiB": 1024 ** 3, "kB": 1000, "MB": 1000 ** 2, "GB": 1000 ** 3}
    figures = {}
    for line in out.splitlines():
        row = json.loads(line)
        number, unit = re.match(r"([\d.]+)\s*([A-Za-z]+)", row["MemUsage"].split("/")[0].strip()).groups()
        figures[row["Name"]] = {"cpu": float(row["CPUPerc"].rstrip("%")), "mem": float(number) * units[unit]}
    return figures


def wait_for(predicate, what, timeout=15.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def disk_device(engine):
    """The whole-disk device under the engine's data root, for a blkio throttle rule (see test_block_bytes_grow)."""
    dev = os.stat(engine.info()["DockerRootDir"]).st_dev
    sys_path = f"/sys/dev/block/{os.major(dev)}:{os.minor(dev)}"
    if os.path.exists(f"{sys_path}/partition"):
        sys_path = os.path.dirname(os.path.realpath(sys_path))
    return "/dev/" + os.path.basename(os.path.realpath(sys_path))


def test_cpu_busy_and_idle_agree_with_docker_stats(engine, ansible, prefix, run_container):
    busy = run_container("busy", command=["sh", "-c", "yes > /dev/null"], nano_cpus=500_000_000)
    run_container("idle")
    time.sleep(1)
    names = [f"{prefix}-busy", f"{prefix}-idle"]
    result = ansible.ok("container_stats", {"containers": names, "samples": 2})
    reference = docker_stats(*names)
    ours = result["containers"]
    assert set(ours) == set(names) and result["absent"] == {} and result["breaches"] == []
    assert abs(ours[names[0]]["cpu_percent"] - 50) < CPU_TOLERANCE, ours[names[0]]
    assert abs(reference[names[0]]["cpu"] - 50) < CPU_TOLERANCE, reference
    assert abs(ours[names[0]]["cpu_percent"] - reference[names[0]]["cpu"]) < CPU_TOLERANCE
    assert ours[names[1]]["cpu_percent"] < 2.0 and reference[names[1]]["cpu"] < 2.0
    for name in names:
        assert abs(ours[name]["mem_used"] - reference[name]["mem"]) < 0.5 * MIB, (ours[name], reference[name])
        assert ours[name]["samples"] == 2 and ours[name]["online_cpus"] == engine.info()["NCPU"]
        assert ours[name]["min"]["cpu_percent"] <= ours[name]["cpu_percent"] <= ours[name]["max"]["cpu_percent"]
        assert 1.5 < ours[name]["window_s"] < 4.5 and ours[name]["pids"] >= 1
    assert ours[names[0]]["id"] == busy.id[:12] and ours[names[0]]["cpu_usage_ns"] > 0
    assert result["ansible_facts"]["docker_stats"] == ours
    host = result["host"]
    assert host["cpus"] == engine.info()["NCPU"] and host["containers"] == 2
    assert host["cpu_percent"] == pytest.approx(sum(c["cpu_percent"] for c in ours.values()), abs=0.02)
    assert host["cpu_utilisation_percent"] == pytest.approx(host["cpu_percent"] / host["cpus"], abs=0.02)
    assert result["ansible_facts"]["docker_stats_host"] == host

    check = ansible.ok("container_stats", {"containers": [names[0]]}, check=True)  # changes nothing: runs in check mode
    assert check["changed"] is False and abs(check["containers"][names[0]]["cpu_percent"] - 50) < CPU_TOLERANCE


def test_engine_api_before_one_shot(ansible, prefix, run_container):
    """API 1.40 has no one-shot stats: each sample is a stream=false read, CPU % from its own precpu_stats."""
    run_container("old", command=["sh", "-c", "yes > /dev/null"], nano_cpus=500_000_000)
    name = f"{prefix}-old"
    figures = ansible.ok("container_stats", {"containers": [name], "api_version": "1.40"})["containers"][name]
    assert abs(figures["cpu_percent"] - 50) < CPU_TOLERANCE and 0.5 < figures["window_s"] < 3


def test_memory_of_a_known_allocation(ansible, prefix, run_container):
    mem = run_container("mem", command=["sh", "-c", "dd if=/dev/zero of=/mem/blob bs=1M count=32 2>/dev/null; touch /mem/done; sleep 3600"],
                        mem_limit="128m", tmpfs={"/mem": "size=64m"})
    wait_for(lambda: mem.exec_run(["test", "-f", "/mem/done"]).exit_code == 0, "the 32 MiB tmpfs file")
    name = f"{prefix}-mem"
    figures = ansible.ok("container_stats", {"containers": [name]})["containers"][name]
    assert 32 * MIB <= figures["mem_used"] <= 32 * MIB + MEM_TOLERANCE, figures["mem_used"]
    assert figures["mem_limit"] == 128 * MIB
    assert figures["mem_percent"] == pytest.approx(figures["mem_used"] / (128 * MIB) * 100, abs=0.01)
    assert 25.0 <= figures["mem_percent"] <= 28.0


@pytest.mark.local_engine  # the traffic comes from the host, to the container's address
def test_network_bytes_and_rates_grow_with_traffic(engine, ansible, prefix, run_container):
    web = run_container("web", command=["sh", "-c", "mkdir -p /www && dd if=/dev/zero of=/www/blob bs=1k count=100 2>/dev/null"
                                                    " && httpd -f -p 8080 -h /www"])
    web.reload()
    url = f"http://{web.attrs['NetworkSettings']['IPAddress']}:8080/blob"
    name = f"{prefix}-web"
    wait_for(lambda: web.exec_run(["wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8080/blob"]).exit_code == 0, "httpd")
    before = ansible.ok("container_stats", {"containers": [name]})["containers"][name]
    assert before["net_tx_rate"] < 10_000

    stop = threading.Event()
    fetched = []

    def traffic():
        deadline = time.monotonic() + 15
        while not stop.is_set() and time.monotonic() < deadline and len(fetched) < 2000:
            fetched.append(len(requests.get(url, timeout=5).content))

    worker = threading.Thread(target=traffic)
    worker.start()
    try:
        after = ansible.ok("container_stats", {"containers": [name], "interval": "1s"})["containers"][name]
    finally:
        stop.set()
        worker.join(20)
    assert sum(fetched) >= 100 * 1024
    assert after["net_tx_bytes"] - before["net_tx_bytes"] >= sum(fetched) * 0.5
    assert after["net_rx_bytes"] > before["net_rx_bytes"]
    assert after["net_tx_rate"] > 50_000, after  # at least half a 100 KiB response per second while the fetcher ran


def test_block_bytes_grow_after_a_direct_write(engine, ansible, prefix, run_container):
    # cgroup v1 on recent kernels accounts block I/O only for cgroups with a throttle rule: set a generous one.
    device = disk_device(engine)
    limit = [{"Path": device, "Rate": 1024 ** 3}]
    engine.volumes.create(f"{prefix}-data")
    box = run_container("disk", device_write_bps=limit, device_read_bps=limit, volumes={f"{prefix}-data": {"bind": "/data", "mode": "rw"}})
    name = f"{prefix}-disk"
    before = ansible.ok("container_stats", {"containers": [name]})["containers"][name]
    done = box.exec_run(["sh", "-c", "dd if=/dev/zero of=/data/f bs=1M count=8 oflag=direct && sync && "
                                     "dd if=/data/f of=/dev/null bs=1M iflag=direct"])
    assert done.exit_code == 0, done.output
    after = ansible.ok("container_stats", {"containers": [name]})["containers"][name]
    assert after["blk_write_bytes"] - before["blk_write_bytes"] >= 8 * MIB, (before, after)
    assert after["blk_read_bytes"] - before["blk_read_bytes"] >= 8 * MIB, (before, after)


def test_thresholds_breach_and_pass(ansible, prefix, run_container):
    run_container("hot", command=["sh", "-c", "yes > /dev/null"], nano_cpus=500_000_000, mem_limit="64m")
    name = f"{prefix}-hot"
    failed = ansible.fails("container_stats", {"containers": [name], "thresholds": {"cpu_percent": {"max": 20}, "mem_percent": {"max": 90}}})
    assert failed["msg"].startswith(f"thresholds breached: container {name}: cpu_percent "), failed["msg"]
    assert "is above its max 20" in failed["msg"]
    assert [(b["container"], b["metric"], b["bound"], b["limit"]) for b in failed["breaches"]] == [(name, "cpu_percent", "max", 20)]
    assert failed["containers"][name]["cpu_percent"] > 20  # the figures come back with the failure

    reported = ansible.ok("container_stats", {"containers": [name], "thresholds": {"cpu_percent": {"max": 20}}, "fail_on_breach": False})
    assert reported["breaches"][0]["metric"] == "cpu_percent" and reported["breaches"][0]["value"] > 20

    passed = ansible.ok("container_stats", {"containers": [name],
                                            "thresholds": {"cpu_percent": {"max": 90, "min": 20}, "mem_used": {"max": "32m"},
                                                           "host.mem_utilisation_percent": {"max": 99}}})
    assert passed["breaches"] == []


def test_missing_and_stopped_containers_are_named(engine, ansible, prefix, run_container):
    up = run_container("up")
    engine.containers.create("dockhand/busybox:latest", ["sleep", "60"], name=f"{prefix}-down")
    names = [f"{prefix}-up", up.id[:12], f"{prefix}-down", f"{prefix}-nope"]  # by name and by ID: sampled once
    failed = ansible.fails("container_stats", {"containers": names})
    assert failed["msg"] == (f"container {prefix}-down: not running (status created); container {prefix}-nope: not found "
                             "(set missing=ignore to report it in absent instead)")
    ignored = ansible.ok("container_stats", {"containers": names, "missing": "ignore"})
    assert list(ignored["containers"]) == [f"{prefix}-up"] and ignored["host"]["containers"] == 1
    assert ignored["absent"] == {f"{prefix}-down": "not running (status created)", f"{prefix}-nope": "not found"}


def test_filters_and_several_samples(engine, ansible, prefix, run_container):
    for suffix in ("a", "b"):
        run_container(suffix, labels={"dhtest": prefix})
    engine.containers.create("dockhand/busybox:latest", ["sleep", "60"], name=f"{prefix}-c", labels={"dhtest": prefix})
    result = ansible.ok("container_stats", {"filters": {"label": [f"dhtest={prefix}"]}, "samples": 3, "interval": "500ms"})
    assert sorted(result["containers"]) == [f"{prefix}-a", f"{prefix}-b"]  # the created one is not running: not selected
    for figures in result["containers"].values():
        assert figures["samples"] == 3
        assert figures["min"]["mem_used"] <= figures["avg"]["mem_used"] <= figures["max"]["mem_used"]


def test_bad_filter_and_empty_selection(ansible):
    refused = ansible.fails("container_stats", {"filters": {"colour": "blue"}})
    assert refused["msg"].startswith("filters: listing containers: the engine answered 400: ") and "colour" in refused["msg"]
    empty = ansible.ok("container_stats", {"containers": []})
    assert empty["containers"] == {} and empty["host"]["containers"] == 0


@pytest.mark.parametrize("args, option, words", [
    ({"samples": 0}, "samples", "from 1 to 100"),
    ({"interval": "soon"}, "interval", "not a duration"),
    ({"thresholds": {"cpu": {"max": 1}}}, "thresholds", "unknown figure 'cpu'"),
])
def test_bad_input_names_the_option(ansible, args, option, words):
    result = ansible.fails("container_stats", dict(args, containers=["x"]))
    assert result["msg"].startswith(f"{option}: ") and words in result["msg"], result["msg"]
