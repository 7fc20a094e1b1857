#!/usr/bin/python
# Copyright: dockhand.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: container
short_description: Run Docker containers with exact, explained convergence
version_added: 0.1.0
description:
  - Makes a container match the task through one plan that check mode, C(--diff) and C(changed) share. The result
    says per field what differs, before and after, and whether it is applied in place (V(update)) or by a recreate.
  - Every option the task sets is compared after both sides are normalised (sizes in bytes, durations in
    nanoseconds, ports and mounts in one form). Values the image provides (environment, labels, exposed ports,
    volumes, command, user, working directory, health check) are not drift.
  - Removals converge. The module records what it set in the label C(dockhand.managed); an environment variable,
    label, port, mount, network or option that an earlier run set and the task no longer lists is removed, and what
    others set is left alone.
  - Memory, memory reservation, swap, CPUs, CPU shares, cpuset, process limit and restart policy change in place
    (the container keeps its ID); networks are connected and disconnected in place. Anything else recreates the container.
  - A recreate is safe. The new container is created first under a temporary name, so a failing create leaves the
    old one running. The old one is then stopped and the new one started (and waited for, with O(wait)); if it fails
    to start or to become healthy, the old one is restored and the task fails with the new one's last log lines.
    Named and anonymous volumes carry over, so no data is lost.
  - Option names are community.docker.docker_container's where the meaning is the same; see the collection README for
    every difference.
options:
  name:
    description:
    - Name of the container.
    type: str
    required: true
  image:
    description:
    - Image to run, as C(name:tag) or C(name@sha256:digest). Needed to create the container.
    - When the container exists and runs a different image ID than this name resolves to, it is recreated.
    type: str
  state:
    description:
    - 'V(present): the container exists with this configuration; a new one is created but not started, an existing one keeps its run state.'
    - 'V(started): it exists and runs. V(stopped): it exists and does not run.'
    - 'V(restarted): it exists and is restarted on every run (reports a change every time). V(absent): it is removed.'
    - V(healthy) is V(started) with O(wait=healthy), as community.docker spells it.
    type: str
    default: started
    choices:
    - present
    - started
    - stopped
    - restarted
    - healthy
    - absent
  pull:
    description:
    - V(missing) pulls the image only when the engine does not have it. V(never) fails then, naming the image.
    - V(always) asks the registry (through the engine) for the image's digest and pulls only when it differs from the local
      image, so check mode predicts the pull and the recreate it causes. When the registry cannot be asked, the plan says so.
    - As in community.docker, V(true) means V(always) and V(false) means V(missing).
    type: raw
    default: missing
  command:
    description:
    - 'Command, as a string (split like a shell would) or a list. Not set: the image''s.'
    type: raw
  entrypoint:
    description:
    - 'Entrypoint. Not set: the image''s.'
    type: list
    elements: str
  env:
    description:
    - 'Environment variables. Values must be strings: quote numbers and booleans, they are not silently converted.'
    - Variables the image sets are not drift. A variable an earlier run set and the task no longer lists is removed.
    type: dict
  env_file:
    description:
    - File of C(NAME=value) lines on the managed host, read before O(env) (O(env) wins).
    type: path
  labels:
    description:
    - Labels. Values must be strings. Labels from the image are not drift; a label an earlier run set and the task no longer lists is removed. Labels starting
      with C(dockhand.) are reserved.
    type: dict
  published_ports:
    description:
    - Ports to publish, as C(8080:80), C(127.0.0.1:8080:80/udp), C(80) (a random host port) or ranges C(8000-8001:80-81).
    - A host range for one container port, as C(9001-9010:80), lets the engine pick a free host port of the range when the container
      starts, as C(docker run -p) does. Otherwise the host and container ranges must have the same length.
    - A port without an IP binds to O(default_host_ip).
    type: list
    aliases:
    - ports
    elements: str
  exposed_ports:
    description:
    - Ports to expose without publishing, as C(80) or C(53/udp).
    type: list
    aliases:
    - exposed
    - expose
    elements: str
  volumes:
    description:
    - 'Volumes in short syntax: C(name:/data) (named volume), C(/host/path:/data:ro) (bind mount), C(/data) (anonymous volume).'
    - An anonymous volume takes no mode but V(rw) (C(/data:rw) is the same as C(/data)); the engine refuses C(/data:ro),
      so a read-only one is a O(mounts) entry of type V(volume) with no O(mounts[].source) and O(mounts[].read_only=true).
    type: list
    elements: str
  mounts:
    description:
    - Mounts in long syntax.
    - A setting that needs a newer Engine API than the engine speaks fails before anything is written, check mode included,
      naming it (the engine would silently drop it, and the task could never converge).
    type: list
    elements: dict
    suboptions:
      source:
        description:
        - Volume name, or host path for a bind mount. Not for tmpfs.
        - A volume mount without source is an anonymous volume (as C(docker compose) makes them); it compares equal to the
          same path in O(volumes), and a recreate mounts the old container's anonymous volume again.
        type: str
      target:
        description:
        - Path in the container.
        type: str
        required: true
      type:
        description:
        - Mount type. V(image) (an image's file system, read-only) needs Engine API 1.47 (Docker 28).
        - V(npipe) (Docker for Windows) and V(cluster) (Swarm CSI volumes, for services) are refused, naming the option.
        type: str
        default: volume
        choices:
        - bind
        - volume
        - tmpfs
        - image
        - npipe
        - cluster
      read_only:
        description:
        - Mount read-only.
        type: bool
        default: false
      tmpfs_size:
        description:
        - Size of a tmpfs mount, such as C(64m). Only for O(mounts[].type=tmpfs).
        type: str
      tmpfs_mode:
        description:
        - Permission mode of a tmpfs mount, in octal such as C(1777). Only for O(mounts[].type=tmpfs).
        type: str
      tmpfs_options:
        description:
        - Options of a tmpfs mount, each a mapping of one name to its value, or to null for a flag such as C(noexec).
          Only for O(mounts[].type=tmpfs). Needs Engine API 1.46 (Docker 27).
        type: list
        elements: dict
      consistency:
        description:
        - Consistency requirement of the mount (Docker Desktop for Mac; Linux ignores it). V(default) is the same as not set.
        type: str
        choices: [cached, consistent, default, delegated]
      propagation:
        description:
        - Propagation mode of a bind mount.
        type: str
        choices: [private, rprivate, shared, rshared, slave, rslave]
      non_recursive:
        description:
        - Do not bind mounts below the source (a non-recursive bind mount). Only for O(mounts[].type=bind).
        type: bool
      create_mountpoint:
        description:
        - Create the source path on the host when it is missing. Only for O(mounts[].type=bind). Needs Engine API 1.42.
        type: bool
      read_only_non_recursive:
        description:
        - Make only the mount itself read-only, not the mounts below it. Only for O(mounts[].type=bind). Needs Engine API 1.44.
        type: bool
      read_only_force_recursive:
        description:
        - Fail when the mount cannot be made read-only recursively. Only for O(mounts[].type=bind). Needs Engine API 1.44.
        type: bool
      no_copy:
        description:
        - Do not copy the image's files at the target into a new volume. Only for O(mounts[].type=volume).
        type: bool
      labels:
        description:
        - Labels of the volume, when the mount creates it. Only for O(mounts[].type=volume). Values must be strings.
        type: dict
      volume_driver:
        description:
        - Driver of the volume, when the mount creates it. Only for O(mounts[].type=volume).
        type: str
      volume_options:
        description:
        - Driver options of the volume, when the mount creates it. Only for O(mounts[].type=volume). Values must be strings.
        type: dict
      subpath:
        description:
        - A relative path inside the volume (or image) to mount instead of its root. Needs Engine API 1.45 (Docker 26).
        type: str
  networks:
    description:
    - Networks to connect the container to, with their endpoint settings. Connected and disconnected in place.
    - A new container joins the first network (or O(network_mode)) at create and the others before it starts; the default bridge is not added.
    - A network an earlier run connected and the task no longer lists is disconnected; networks others connected are left alone.
    type: list
    elements: dict
    suboptions:
      name:
        description:
        - Network name.
        type: str
        required: true
      aliases:
        description:
        - Network-scoped aliases.
        type: list
        elements: str
      ipv4_address:
        description:
        - Static IPv4 address (the network needs a configured subnet).
        type: str
      ipv6_address:
        description:
        - Static IPv6 address.
        type: str
      links:
        description:
        - Legacy links, as C(container:alias).
        type: list
        elements: str
      driver_opts:
        description:
        - Driver options of the endpoint, such as C(com.docker.network.endpoint.ifname). Compared when set; a change reconnects
          the container. Values must be strings.
        type: dict
      mac_address:
        description:
        - MAC address of the endpoint. Compared when set. Needs Engine API 1.44 (Docker 25).
        type: str
      gw_priority:
        description:
        - Gateway priority of the endpoint; the network with the highest gives the default route. Needs Engine API 1.48 (Docker 28.1).
        type: int
  network_mode:
    description:
    - 'C(bridge), C(host), C(none), C(container:NAME) or a network name. Default: the first of O(networks).'
    type: str
  restart_policy:
    description:
    - Restart policy. Changes in place.
    type: str
    choices:
    - 'no'
    - on-failure
    - always
    - unless-stopped
  restart_retries:
    description:
    - Maximum restarts with O(restart_policy=on-failure). Changes in place.
    type: int
  memory:
    description:
    - Memory limit, such as C(512m) or C(1g). Changes in place; removing the limit recreates the container (the engine cannot reset it in place).
    type: str
  memory_reservation:
    description:
    - Memory soft limit. Changes in place (a reset to none recreates).
    type: str
  memory_swap:
    description:
    - Memory plus swap limit, or C(-1) for unlimited swap. Needs O(memory). Changes in place.
    type: str
  cpus:
    description:
    - CPUs the container may use, such as C(0.5). Changes in place (a reset to none recreates).
    type: float
  cpu_shares:
    description:
    - Relative CPU weight. Changes in place (a reset to none recreates).
    type: int
  cpuset_cpus:
    description:
    - CPUs the container may run on, such as C(0-1). Changes in place (a reset to none recreates).
    type: str
  pids_limit:
    description:
    - Process limit; C(0) or C(-1) for none. Changes in place, reset included.
    type: int
  ulimits:
    description:
    - Ulimits as C(name:soft) or C(name:soft:hard), such as C(nofile:1024:2048).
    type: list
    elements: str
  user:
    description:
    - 'User (and group) to run as. Not set: the image''s.'
    type: str
  working_dir:
    description:
    - 'Working directory. Not set: the image''s.'
    type: str
  hostname:
    description:
    - Host name inside the container.
    type: str
  domainname:
    description:
    - Domain name inside the container.
    type: str
  healthcheck:
    description:
    - Health check. O(healthcheck.test) is a shell command string or a list (C([CMD, ...])); durations such as C(5s) or C(1m30s).
    - Numbers in a O(healthcheck.test) list are written as strings (C([CMD, sleep, 1])).
    - O(healthcheck.disable=true) turns off the image's health check.
    type: dict
    suboptions:
      test:
        description:
        - 'Command: a shell string, or a list starting with C(CMD) or C(CMD-SHELL).'
        type: raw
      interval:
        description:
        - Time between checks, such as C(30s).
        type: str
      timeout:
        description:
        - Time a check may take.
        type: str
      retries:
        description:
        - Failures in a row that make the container unhealthy.
        type: int
      start_period:
        description:
        - Time after start when failures do not count.
        type: str
      start_interval:
        description:
        - Time between checks during O(healthcheck.start_period). Needs Docker Engine 25 or newer (API 1.44); an older engine
          would drop it, so the task fails there before anything is written.
        type: str
      disable:
        description:
        - Turn off the health check (also the image's).
        type: bool
        default: false
      test_cli_compatible:
        description:
        - What a O(healthcheck) without O(healthcheck.test) means, as in M(community.docker.docker_container).
        - V(true), as the Docker CLI, keeps the image's test (and its settings the task does not give).
        - V(false) turns the health check off (community.docker's classical behaviour).
        - Not set, a O(healthcheck) without O(healthcheck.test) fails, naming it, since the two readings differ.
        type: bool
  log_driver:
    description:
    - Logging driver.
    type: str
  log_options:
    description:
    - 'Logging driver options. Numbers and booleans are written as strings (C(max-file: 5) is C("5")), as community.docker does.'
    type: dict
    aliases:
    - log_opt
  read_only:
    description:
    - Mount the root file system read-only.
    type: bool
  privileged:
    description:
    - Give the container extended privileges.
    type: bool
  capabilities:
    description:
    - Capabilities to add, such as C(NET_ADMIN).
    type: list
    elements: str
  cap_drop:
    description:
    - Capabilities to drop.
    type: list
    elements: str
  devices:
    description:
    - Host devices, as C(/dev/fuse) or C(/dev/sda:/dev/xvda:rwm).
    type: list
    elements: str
  init:
    description:
    - Run an init process inside the container.
    type: bool
  tty:
    description:
    - Allocate a pseudo-TTY.
    type: bool
  interactive:
    description:
    - Keep standard input open.
    type: bool
  stop_signal:
    description:
    - 'Signal that stops the container. Not set: the image''s.'
    type: str
  stop_timeout:
    description:
    - Seconds to wait for the container to stop before killing it; also used when this module stops it.
    type: int
  sysctls:
    description:
    - Kernel parameters. Whole numbers are written as strings; other non-strings are refused.
    type: dict
  dns_servers:
    description:
    - DNS servers, in order.
    type: list
    elements: str
  etc_hosts:
    description:
    - Extra C(/etc/hosts) entries, host name to address.
    type: dict
  shm_size:
    description:
    - Size of C(/dev/shm), such as C(64m).
    type: str
  tmpfs:
    description:
    - tmpfs mounts, as C(/run) or C(/run:size=64m).
    type: list
    elements: str
  security_opts:
    description:
    - Security options, such as C(no-new-privileges).
    type: list
    elements: str
  auto_remove:
    description:
    - Remove the container when it exits. Cannot be combined with a restart policy.
    type: bool
  blkio_weight:
    description:
    - Block IO weight (relative), C(10) to C(1000), or C(0) for none. Changes in place (a reset to none recreates).
    - A kernel without the block IO weight control (cgroup v1 without the CFQ or BFQ scheduler; the engine warns
      C(Weight discarded)) makes the engine store C(0). A value the engine discarded for an option this module set at
      create is not reported as drift on later runs, since no run could apply it; see the notes.
    type: int
  cpu_period:
    description:
    - Length of a CPU CFS period in microseconds (C(1000) to C(1000000)). Changes in place (a reset to none recreates).
    - Cannot be combined with O(cpus), which the engine turns into a period and quota of its own.
    type: int
  cpu_quota:
    description:
    - Microseconds of CPU time per O(cpu_period) (at least C(1000), or C(-1) for none). Changes in place (a reset to none recreates).
    - Cannot be combined with O(cpus).
    type: int
  cpuset_mems:
    description:
    - Memory nodes (NUMA) the container may use, such as C(0) or C(0-1). Changes in place (a reset to none recreates).
    type: str
  kernel_memory:
    description:
    - Kernel memory limit, such as C(64m) (at least C(6m)). Changes in place (a reset to none recreates).
    - Deprecated by the engine and honoured only on cgroup v1 kernels that still have the kernel memory controller; elsewhere the engine
      discards it (see O(blkio_weight) for how a discarded value is treated).
    type: str
  memory_swappiness:
    description:
    - How readily the kernel swaps the container's anonymous pages, C(0) to C(100), or C(-1) for the host's setting.
    - The engine discards it on cgroup v2 (see O(blkio_weight) for how a discarded value is treated).
    type: int
  oom_killer:
    description:
    - As in community.docker, V(true) B(disables) the OOM killer for the container (the engine's C(OomKillDisable)).
    type: bool
  oom_score_adj:
    description:
    - OOM score adjustment, C(-1000) to C(1000).
    type: int
  cgroup_parent:
    description:
    - Parent cgroup of the container's cgroup.
    type: str
  cgroupns_mode:
    description:
    - Cgroup namespace of the container. Not set, the engine picks one (V(host) on cgroup v1, V(private) on cgroup v2) and that is not drift.
    type: str
    choices: [host, private]
  device_cgroup_rules:
    description:
    - Rules for the devices cgroup, as C(c 1:3 mr) (type, major:minor, access).
    type: list
    elements: str
  device_read_bps:
    description:
    - Read rate limits in bytes per second, per block device on the host.
    - The kernel may lack the throttle control; see O(blkio_weight) for how a discarded value is treated.
    type: list
    elements: dict
    suboptions:
      path:
        description:
        - Path of the block device on the host, such as C(/dev/sda).
        type: path
        required: true
      rate:
        description:
        - Bytes per second, such as C(20m) or C(1048576).
        type: str
        required: true
  device_write_bps:
    description:
    - Write rate limits in bytes per second, per block device on the host (as O(device_read_bps)).
    type: list
    elements: dict
    suboptions:
      path:
        description:
        - Path of the block device on the host.
        type: path
        required: true
      rate:
        description:
        - Bytes per second, such as C(20m).
        type: str
        required: true
  device_read_iops:
    description:
    - Read rate limits in operations per second, per block device on the host.
    type: list
    elements: dict
    suboptions:
      path:
        description:
        - Path of the block device on the host.
        type: path
        required: true
      rate:
        description:
        - Operations per second.
        type: int
        required: true
  device_write_iops:
    description:
    - Write rate limits in operations per second, per block device on the host.
    type: list
    elements: dict
    suboptions:
      path:
        description:
        - Path of the block device on the host.
        type: path
        required: true
      rate:
        description:
        - Operations per second.
        type: int
        required: true
  device_requests:
    description:
    - Device requests for device drivers, such as GPUs (C(docker run --gpus)).
    - The engine accepts them at create; the container starts only where the driver exists.
    type: list
    elements: dict
    suboptions:
      capabilities:
        description:
        - Lists of capabilities, such as C([[gpu]]); a device must have every capability of one of the lists.
        type: list
        elements: list
      count:
        description:
        - Number of devices, or C(-1) for all. Not with O(device_requests[].device_ids).
        type: int
      device_ids:
        description:
        - IDs of the devices.
        type: list
        elements: str
      driver:
        description:
        - Device driver, such as C(nvidia).
        type: str
      options:
        description:
        - Options for the driver, as strings.
        type: dict
  storage_opts:
    description:
    - Storage driver options for the container, such as C(size=1G). Values must be strings.
    - The storage driver must support them. overlay2 takes only C(size), and only over xfs mounted with C(pquota). On an
      engine whose overlay2 is on another file system (such as ext4) the task fails before anything is written, check mode
      included, and says so; on xfs without C(pquota) the engine refuses the create and the task fails with its answer.
      community.docker passes them on and fails with the engine's answer.
    type: dict
  runtime:
    description:
    - OCI runtime, such as C(runc). Not set, the engine's default runtime is used and that is not drift.
    type: str
  ipc_mode:
    description:
    - IPC namespace, V(none), V(private), V(shareable), V(host) or C(container:NAME). Not set, the engine's default
      (V(private) or V(shareable), by the daemon's configuration) is used and that is not drift.
    - C(container:NAME) is compared by the ID of that container, as the engine records it (so is O(network_mode=container:NAME)).
    type: str
  pid_mode:
    description:
    - PID namespace, V(host) or C(container:NAME) (compared by that container's ID, as the engine records it).
    type: str
  userns_mode:
    description:
    - User namespace, V(host) to opt out of the daemon's user namespace remapping.
    type: str
  uts:
    description:
    - UTS namespace, V(host) to use the host's host name.
    type: str
  groups:
    description:
    - Additional groups, by name or ID, for the container's process.
    type: list
    elements: str
  mac_address:
    description:
    - MAC address of the container on the network it joins at create.
    type: str
  publish_all_ports:
    description:
    - Publish every exposed port to a random host port.
    type: bool
  default_host_ip:
    description:
    - Address that published ports without an IP bind to, such as C(127.0.0.1) or C(::1).
    - 'Not set, C(0.0.0.0) or an empty string: every address, IPv4 and IPv6. This differs from community.docker, which binds to the
      default bridge''s C(host_binding_ipv4) or IPv4 C(0.0.0.0) and recommends an empty string for dual stack.'
    type: str
  dns_opts:
    description:
    - Options for the resolver, such as C(ndots:2).
    type: list
    elements: str
  dns_search_domains:
    description:
    - DNS search domains, in order.
    type: list
    elements: str
  links:
    description:
    - Legacy links on the default bridge, as C(name) or C(name:alias).
    type: list
    elements: str
  volumes_from:
    description:
    - Containers whose volumes to mount, as C(name) or C(name:ro).
    type: list
    elements: str
  volume_driver:
    description:
    - Volume driver for the container's volumes.
    type: str
  detach:
    description:
    - V(false) waits for the container to exit after it starts, returns its exit code and output, and fails when the exit code is not 0.
    type: bool
    default: true
  wait:
    description:
    - After the container starts (or is recreated or restarted), wait until it runs (and stays up a second) or is healthy.
    - A container that exits or turns unhealthy fails the task with its last log lines; during a recreate the old container is restored.
    type: str
    default: none
    choices:
    - none
    - running
    - healthy
  wait_timeout:
    description: Seconds O(wait) may take.
    type: int
    default: 60
    aliases: [healthy_wait_timeout]
  recreate:
    description:
    - Recreate the container even when nothing differs (not idempotent).
    type: bool
    default: false
  restart:
    description:
    - With O(state=started), restart the container even when nothing differs (not idempotent).
    type: bool
    default: false
  force_kill:
    description:
    - Kill the container instead of stopping it gracefully.
    type: bool
    default: false
    aliases:
    - forcekill
  adopt:
    description:
    - Let the task change a container of this name that this module did not create (for example one made by C(docker run) or by
      community.docker). Without it, such a container is left alone when it already matches, and the task fails when it would change it.
    type: bool
    default: false
  container_default_behavior:
    description:
    - V(no_defaults), the default, compares only the options the task sets.
    - V(compatibility) gives the options community.docker defaulted before its 3.0 their old defaults (O(auto_remove),
      O(init), O(interactive), O(privileged), O(read_only), O(tty) and O(paused) false, O(memory) V(0)), so they are
      compared, and a container that differs is recreated.
    type: str
    choices: [compatibility, no_defaults]
  networks_cli_compatible:
    description:
    - V(true) (and unset, this module's behaviour) makes the first of O(networks) replace the default bridge, as
      C(docker run --network) does.
    - V(false) keeps the container on the default bridge too (community.docker's old behaviour).
    type: bool
  comparisons:
    description:
    - How options are compared with the container, as community.docker documents it. Keys are option names (and
      V(image), V(networks)), or V(*) for every option; values are V(strict) (the default, this module's behaviour, where
      what the task sets must match exactly, and what an earlier run set and the task dropped is removed),
      V(ignore) (never compared, only used when the container is created), or V(allow_more_present) (lists and
      dictionaries, where what the task lists must be present, more is fine, and nothing dropped is removed).
    type: dict
  image_comparison:
    description:
    - V(desired-image), the default, recreates the container when the image the task names now has another ID than
      the container's image (a tag moved). V(current-image) compares only the image name the container was made from.
    type: str
    choices: [desired-image, current-image]
  image_name_mismatch:
    description:
    - V(ignore), the default, compares the image by ID only, so a container made from the same image under another name
      is left alone. V(recreate) also recreates it when the names differ (community.docker's default since its 4.0;
      this module keeps the ID compare as the default because the same image under a new name changes nothing inside
      the container).
    type: str
    choices: [ignore, recreate]
  image_label_mismatch:
    description:
    - V(ignore), the default, leaves the image's own labels alone. V(fail) refuses a task that does not set every label
      the image sets, before anything is written.
    type: str
    choices: [ignore, fail]
  pull_check_mode_behavior:
    description:
    - Accepted so community.docker tasks run unchanged. Check mode here always asks the engine and the registry, so it
      predicts a pull exactly (V(always) and V(image_not_present) behave the same).
    type: str
    choices: [image_not_present, always]
  command_handling:
    description:
    - V(correct), the default, keeps O(command) and O(entrypoint) as lists. V(compatibility) joins a list into one
      string and splits it by shell rules, and takes an empty O(command) or O(entrypoint) as not given, as
      community.docker did before 3.0.
    type: str
    choices: [compatibility, correct]
  cleanup:
    description:
    - With O(detach=false), remove the container once it ran and its output was read. The next run creates it again.
    type: bool
    default: false
  output_logs:
    description:
    - Accepted so community.docker tasks run unchanged. With O(detach=false) the output is always returned as RV(output).
    type: bool
    default: false
  paused:
    description:
    - V(true) pauses the running container (its processes are frozen); V(false) unpauses it. Unset leaves it as it is.
    type: bool
  removal_wait_timeout:
    description:
    - Accepted so community.docker tasks run unchanged. The engine's remove call returns when the container is gone.
    type: float
  kill_signal:
    description:
    - The signal O(force_kill) sends (default C(SIGKILL)), such as V(SIGUSR1).
    - The task waits for the container to exit, as C(docker stop --signal) does, up to O(stop_timeout) (without it,
      the container's own stop timeout, 10 seconds by default), then kills it with C(SIGKILL). community.docker's
      module returns as soon as the signal is sent, when a container that handles the signal may still run, and a
      restart or recreate of it would start beside it.
    type: str
  platform:
    description:
    - The platform of the image to pull and run, such as V(linux/amd64). V(amd64) means V(linux/amd64); V(linux) the
      engine's own architecture.
    type: str
  keep_volumes:
    description:
    - With O(state=absent), keep the container's anonymous volumes. A recreate always keeps them.
    type: bool
    default: true
extends_documentation_fragment:
  - dockhand.docker.docker
  - dockhand.docker.attributes
notes:
  - O(state=restarted), O(recreate=true) and O(restart=true) act on every run, so they are not idempotent.
  - Where the kernel lacks a control (O(blkio_weight), O(kernel_memory), O(memory_swappiness), O(oom_killer), the
    O(device_read_bps) family), the engine stores the option as unset and warns that it was discarded. When the option was set
    at create, a later run treats that as no drift (nothing could apply it), so it does not report a change on every run. For the
    same reason, setting O(blkio_weight) or O(kernel_memory) on a container that runs without it recreates the container (so that
    the value is recorded at create); changing a value the engine kept is done in place.
  - The set of options recorded in C(dockhand.managed) is written when the container is created; options first set by an
    in-place update are recorded at the next recreate.
seealso:
  - module: dockhand.docker.container_info
  - module: dockhand.docker.network
  - module: community.docker.docker_container
author:
  - dockhand.docker maintainers (@dockhand)
"""

EXAMPLES = r"""
- name: A web server with a published port, an environment and a data volume
  dockhand.docker.container:
    name: web
    image: registry.example.com/shop/web:1.4
    published_ports:
      - "8080:80"
    env:
      LOG_LEVEL: info
      WORKERS: "4"
    volumes:
      - web-data:/var/lib/web
    restart_policy: unless-stopped

- name: Give it more memory and CPU in place (the container keeps its ID)
  dockhand.docker.container:
    name: web
    image: registry.example.com/shop/web:1.4
    memory: 1g
    cpus: 1.5

- name: Roll to a new image and wait until it is healthy; on failure the old container is restored
  dockhand.docker.container:
    name: web
    image: registry.example.com/shop/web:1.5
    healthcheck:
      test: wget -q -O /dev/null http://localhost/ || exit 1
      interval: 2s
      retries: 3
    wait: healthy
    wait_timeout: 60

- name: On two networks, with an alias and a fixed address on one
  dockhand.docker.container:
    name: api
    image: shop/api:2
    networks:
      - name: backend
        aliases: [api]
        ipv4_address: 10.42.0.10
      - name: frontend

- name: Run a one-off job and collect its output
  dockhand.docker.container:
    name: migrate
    image: shop/api:2
    command: ["migrate", "--yes"]
    detach: false
  register: migration

- name: Remove the container, keeping its volumes
  dockhand.docker.container:
    name: web
    state: absent
"""

RETURN = r"""
container:
  description: The container as the engine reports it after the run (C(docker inspect)); empty when it does not exist.
    In check mode, the container as it is before the run.
  returned: always
  type: dict
  sample: {"Id": "4f0e...", "Name": "/web", "State": {"Status": "running", "Running": true},
           "Config": {"Image": "shop/web:1.4"}, "HostConfig": {"Memory": 1073741824}}
actions:
  description: The plan, one readable line per action, in the order applied (or that would be applied in check mode).
  returned: always
  type: list
  elements: str
  sample: ["update container web: memory: 536870912 -> 1073741824 (update)"]
changes:
  description: Every field that differs, with its actual (C(before)) and desired (C(after)) value and how it converges
    (V(update) in place, V(recreate), V(connect/disconnect), V(start/stop)).
  returned: always
  type: list
  elements: dict
  sample: [{"field": "memory", "before": 536870912, "after": 1073741824, "how": "update"}]
status:
  description: Exit code of the container, with O(detach=false).
  returned: when O(detach=false) and the container ran
  type: int
  sample: 0
output:
  description: The container's output (last 200 lines), with O(detach=false).
  returned: when O(detach=false) and the container ran
  type: str
  sample: "migrated 3 tables"
actions_done:
  description: When an action fails, the actions applied before it.
  returned: failure
  type: list
  elements: str
"""

from ansible_collections.dockhand.docker.plugins.module_utils._container import ContainerKind
from ansible_collections.dockhand.docker.plugins.module_utils._container_fields import CONTAINER_SPEC as ARGUMENT_SPEC
from ansible_collections.dockhand.docker.plugins.module_utils._runner import run_module


def main():
    run_module(ContainerKind, ARGUMENT_SPEC)


if __name__ == "__main__":
    main()
