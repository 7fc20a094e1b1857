"""The dockhand.docker.api connection with real Ansible modules inside Debian-with-Python containers, over the
dockhand.docker.containers inventory: facts, command, copy (text and a 50 MB binary, checksums equal both ways with
fetch), template, file, lineinfile in check mode with diff, modules as a non-root user and with become (sudo without
and with a password); a second run changes nothing; a stopped or missing container fails naming it."""

import hashlib
import os
import re

import yaml
from _containers_support import (  # noqa: F401  # pylint: disable=unused-import
    cli_fixture,
    fleet_fixture,
    python_image_fixture,
    write_inventory,
)

PLAYBOOK = r"""
- name: Real modules inside the containers
  hosts: running:!stopped
  gather_facts: true
  gather_subset: [min]   # enough for the assertions; the whole set costs seconds per host and run
  tasks:
    - name: Facts come from Debian
      ansible.builtin.assert:
        that:
          - ansible_facts.distribution == 'Debian'
          - ansible_facts.user_id == 'root'

    - name: A command and its streams
      ansible.builtin.command: sh -c 'echo out; echo err >&2'
      register: streams
      changed_when: false

    - name: The streams came back apart
      ansible.builtin.assert:
        that: [streams.stdout == 'out', streams.stderr == 'err']

    - name: A directory
      ansible.builtin.file:
        path: /srv/app
        state: directory
        mode: "0750"

    - name: A text file
      ansible.builtin.copy:
        content: "hello from {{ inventory_hostname }}\n"
        dest: /srv/app/greeting.txt
        mode: "0640"

    - name: A file that lineinfile edits below, seeded once
      ansible.builtin.copy:
        content: "name={{ inventory_hostname }}\n"
        dest: /srv/app/app.conf
        mode: "0640"
        force: false

    - name: A 50 MB binary file
      ansible.builtin.copy:
        src: "{{ big_file }}"
        dest: /srv/app/big.bin
        mode: "0600"

    - name: Its checksum in the container
      ansible.builtin.stat:
        path: /srv/app/big.bin
        checksum_algorithm: sha1
      register: big

    - name: Equal to the local one
      ansible.builtin.assert:
        that: [big.stat.checksum == big_sha1, big.stat.mode == '0600', big.stat.size == 52428800]

    - name: And back
      ansible.builtin.fetch:
        src: /srv/app/big.bin
        dest: "{{ fetch_dir }}/{{ inventory_hostname }}.bin"
        flat: true

    - name: A template
      ansible.builtin.template:
        src: "{{ template_file }}"
        dest: /srv/app/app.ini
        mode: "0644"

    - name: The file before lineinfile
      ansible.builtin.slurp:
        path: /srv/app/app.conf
      register: before

    - name: Lineinfile in check mode with diff
      ansible.builtin.lineinfile:
        path: /srv/app/app.conf
        line: debug=false
      check_mode: true
      diff: true
      register: predicted

    - name: The file after check mode
      ansible.builtin.slurp:
        path: /srv/app/app.conf
      register: after

    - name: Check mode predicted the change, showed its diff and changed nothing
      ansible.builtin.assert:
        that:
          - after.content == before.content
          - predicted.changed == ('debug=false' not in (before.content | b64decode))
          - not predicted.changed or ('debug=false' in predicted.diff[0].after)

    - name: Lineinfile for real
      ansible.builtin.lineinfile:
        path: /srv/app/app.conf
        line: debug=false

    - name: A user without privileges
      ansible.builtin.user:
        name: app
        password: "{{ app_password_hash }}"  # 'secret' (openssl passwd -6; passlib is not on the controller)

    - name: Who may use sudo with a password
      ansible.builtin.copy:
        content: "app ALL=(ALL) ALL\n"
        dest: /etc/sudoers.d/app
        mode: "0440"

    - name: A module as the user, the file put in belongs to the user
      ansible.builtin.copy:
        content: "mine\n"
        dest: /home/app/note.txt
        mode: "0600"
      remote_user: app

    - name: The module ran as app
      ansible.builtin.stat:
        path: /home/app/note.txt
      register: note

    - name: Owned by app
      ansible.builtin.assert:
        that: [note.stat.pw_name == 'app']

    - name: Who the user is, then root through sudo with a password
      ansible.builtin.command: id -un
      remote_user: app
      register: plain_user
      changed_when: false

    - name: Become root
      ansible.builtin.command: id -un
      remote_user: app
      become: true
      vars:
        ansible_become_password: secret
      register: became
      changed_when: false

    - name: The users
      ansible.builtin.assert:
        that: [plain_user.stdout == 'app', became.stdout == 'root']
"""

TEMPLATE = "[app]\nhost = {{ inventory_hostname }}\nos = {{ ansible_facts.distribution }}\n"
RECAP = re.compile(r"^(\S+)\s*:\s*ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)", re.MULTILINE)


def recap(output):
    return {m.group(1): dict(ok=int(m.group(2)), changed=int(m.group(3)), unreachable=int(m.group(4)), failed=int(m.group(5)))
            for m in RECAP.finditer(output)}


def test_modules_in_containers_then_nothing_to_change(cli, fleet, prefix, tmp_path):
    big = tmp_path / "big.bin"
    with open(big, "wb") as out:
        for _mib in range(50):
            out.write(os.urandom(1 << 20))
    big_sha1 = hashlib.sha1(big.read_bytes()).hexdigest()
    (tmp_path / "app.ini.j2").write_text(TEMPLATE, encoding="utf-8")
    (tmp_path / "site.yml").write_text(PLAYBOOK, encoding="utf-8")
    (tmp_path / "fetched").mkdir()
    inventory = write_inventory(tmp_path, prefix, compose={"ansible_python_interpreter": "'/usr/bin/python3'"})
    extra = yaml.safe_dump(dict(big_file=str(big), big_sha1=big_sha1, fetch_dir=str(tmp_path / "fetched"),
                                template_file=str(tmp_path / "app.ini.j2"),
                                app_password_hash="$6$dockhandsalt$Vrv.kMm4zWERTeF6NZxD2j.63XZbhmAGzD7Kxaw3xVym8QXKIPu7QLD5E75yzAbdbM32zQjDc2gte6TDNweYM/"))
    (tmp_path / "vars.yml").write_text(extra, encoding="utf-8")
    hosts = {fleet["web"].name, fleet["db"].name}

    first = cli.run("ansible-playbook", "-i", inventory, "-e", f"@{tmp_path / 'vars.yml'}", tmp_path / "site.yml")
    assert first.returncode == 0, first.output
    assert set(recap(first.stdout)) == hosts, first.output
    assert all(r["changed"] > 0 and r["failed"] == 0 for r in recap(first.stdout).values()), first.output
    for host in hosts:
        assert hashlib.sha1((tmp_path / "fetched" / f"{host}.bin").read_bytes()).hexdigest() == big_sha1
    web = fleet["web"]
    assert web.exec_run(["cat", "/srv/app/app.ini"]).output.decode() == f"[app]\nhost = {web.name}\nos = Debian\n"
    assert web.exec_run(["cat", "/srv/app/app.conf"]).output.decode() == f"name={web.name}\ndebug=false\n"
    assert web.exec_run(["cat", "/srv/app/greeting.txt"]).output.decode() == f"hello from {web.name}\n"
    assert web.exec_run(["stat", "-c", "%a %U", "/srv/app", "/home/app/note.txt"]).output.decode() == "750 root\n600 app\n"

    second = cli.run("ansible-playbook", "-i", inventory, "-e", f"@{tmp_path / 'vars.yml'}", tmp_path / "site.yml")
    assert second.returncode == 0, second.output
    assert {host: r["changed"] for host, r in recap(second.stdout).items()} == {host: 0 for host in hosts}, second.output


def test_stopped_and_missing_containers_fail_naming_them(cli, fleet, prefix, tmp_path):
    fleet["db"].stop(timeout=0)
    inventory = write_inventory(tmp_path, prefix, compose={"ansible_python_interpreter": "'/usr/bin/python3'"})
    proc = cli.run("ansible", "-i", inventory, fleet["db"].name, "-m", "ansible.builtin.ping")
    assert proc.returncode != 0
    assert f"container {fleet['db'].name} is not running" in proc.output, proc.output
    assert "UNREACHABLE" in proc.output
    missing = f"{prefix}-nothere"
    proc = cli.run("ansible", "-i", f"{missing},", "-c", "dockhand.docker.api", missing, "-m", "ansible.builtin.ping")
    assert proc.returncode != 0
    assert f"container {missing} does not exist" in proc.output, proc.output
    assert "Traceback" not in proc.output
