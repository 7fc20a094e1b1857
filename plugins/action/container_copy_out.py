# Copyright: dockhand.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Action plugin of dockhand.docker.container_copy_out: the module copies the file out of the container into a
temporary directory of the host that runs it and reports its SHA-256 and mode; the file is fetched to O(dest) on the
controller only when that differs from what O(dest) holds. Check mode compares without copying anything."""

from __future__ import annotations

import hashlib
import os
import posixpath
import stat
import tempfile

from ansible.plugins.action import ActionBase

from ansible_collections.dockhand.docker.plugins.plugin_utils._in_controller import InControllerModuleRun


def _local(path):
    if not os.path.isfile(path):
        return None
    digest = hashlib.sha256()
    with open(path, "rb") as source:
        for chunk in iter(lambda: source.read(1 << 20), b""):
            digest.update(chunk)
    return {"sha256": digest.hexdigest(), "mode": f"{stat.S_IMODE(os.stat(path).st_mode):04o}"}


class ActionModule(InControllerModuleRun, ActionBase):
    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        del tmp
        args = dict(self._task.args)
        dest = os.path.expanduser(str(args.get("dest") or ""))
        if not dest:
            return dict(result, failed=True, option="dest", msg="dest: is required")
        if os.path.isdir(dest) or dest.endswith("/"):
            dest = os.path.join(dest, posixpath.basename(str(args.get("container_path") or "").rstrip("/")))
        if not os.path.isdir(os.path.dirname(os.path.abspath(dest))):
            return dict(result, failed=True, option="dest", msg=f"dest: directory {os.path.dirname(os.path.abspath(dest))} does not exist on the controller")
        self._make_tmp_path()
        tmpdir = self._connection._shell.tmpdir
        try:
            remote = self._connection._shell.join_path(tmpdir, "fetched")
            answer = self._execute_module(module_args=dict(args, dest=remote), task_vars=task_vars)
            if answer.get("failed"):
                return dict(result, **{k: v for k, v in answer.items() if k not in ("dest", "file")})
            if answer.get("files") is not None:
                return dict(result, **self._settle_tree(answer, dest, remote, args))
            return dict(result, **self._settle(answer, dest, remote, args))
        finally:
            self._remove_tmp_path(tmpdir)

    def _fetch(self, remote, dest, mode):
        """remote (on the host that ran the module) to dest on the controller, through a temporary file and a rename."""
        os.makedirs(os.path.dirname(os.path.abspath(dest)), exist_ok=True)
        handle, temp = tempfile.mkstemp(dir=os.path.dirname(os.path.abspath(dest)), prefix=f".{os.path.basename(dest)}.", suffix=".part")
        os.close(handle)
        try:
            self._connection.fetch_file(remote, temp)
            os.chmod(temp, int(mode, 8))
            os.replace(temp, dest)
        finally:
            if os.path.exists(temp):
                os.unlink(temp)

    def _settle_tree(self, answer, dest, remote, args):
        """A directory: each file under it compared with the same path under dest, and fetched when it differs."""
        if os.path.exists(dest) and not os.path.isdir(dest):
            return dict(failed=True, option="dest", msg=f"dest: {dest} is a file on the controller; {answer['container_path']} is a directory")
        force = args.get("force") in (True, "true", "yes")
        changes, fetch = [], []
        for rel, source in sorted(answer["files"].items()):
            local = _local(os.path.join(dest, rel))
            mode = answer.get("dest_mode") or source["mode"]
            if force or local is None or local["sha256"] != source["sha256"] or local["mode"] != mode:
                fetch.append((rel, mode))
                changes.append({"field": f"files.{rel}", "before": local, "after": {"sha256": source["sha256"], "mode": mode}, "how": "fetch"})
        out = {"container_path": answer["container_path"], "dest": dest, "files": answer["files"], "changes": changes,
               "changed": bool(fetch), "actions": []}
        if fetch:
            out["actions"] = [f"fetch {len(fetch)} of {len(answer['files'])} files of {answer['container_path']} from container "
                              f"{args.get('container')} to {dest}"]
        if self._task.diff:
            out["diff"] = {"before": {c["field"]: c["before"] for c in changes}, "after": {c["field"]: c["after"] for c in changes}}
        if fetch and not self._task.check_mode:
            for rel, mode in fetch:
                self._fetch(self._connection._shell.join_path(remote, *rel.split("/")), os.path.join(dest, rel), mode)
        return out

    def _settle(self, answer, dest, remote, args):
        """Compare the container's file (as the module reported it) with dest; fetch it there when it differs."""
        before = _local(dest)
        mode = answer["dest_mode"]  # the mode the task asks for, else the container file's
        changes = []
        if before is None or before["sha256"] != answer["checksum"]:
            changes.append({"field": "sha256", "before": before and before["sha256"], "after": answer["checksum"], "how": "fetch"})
        if before is not None and before["mode"] != mode:
            changes.append({"field": "mode", "before": before["mode"], "after": mode, "how": "fetch"})
        force = args.get("force") in (True, "true", "yes")
        out = {k: answer[k] for k in ("container_path", "checksum", "size", "container_mode")}
        out.update(dest=dest, mode=mode, changes=changes, changed=bool(changes) or force, actions=[])
        if out["changed"]:
            out["actions"] = [f"fetch {answer['container_path']} from container {args.get('container')} to {dest}"
                              + (": " + "; ".join(f"{c['field']}: {c['before']} -> {c['after']} (fetch)" for c in changes) if changes else " (forced)")]
        if self._task.diff:
            out["diff"] = {"before": {"sha256": before and before["sha256"], "mode": before and before["mode"]},
                           "after": {"sha256": answer["checksum"], "mode": mode}} if out["changed"] else {"before": {}, "after": {}}
        if out["changed"] and not self._task.check_mode:
            self._fetch(remote, dest, mode)
        out["file"] = _local(dest) or {}
        return out
