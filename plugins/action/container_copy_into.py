# Copyright: dockhand.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Action plugin of dockhand.docker.container_copy_into: O(path) is read on the controller (a role's files/ too) and
sent to the host that runs the module, which compares it with the file in the container and writes it if it differs."""

from __future__ import annotations

import os
import stat

from ansible.errors import AnsibleError
from ansible.plugins.action import ActionBase

from ansible_collections.dockhand.docker.plugins.plugin_utils._in_controller import InControllerModuleRun


class ActionModule(InControllerModuleRun, ActionBase):
    TRANSFERS_FILES = True

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        del tmp
        args = dict(self._task.args)
        if args.get("path") is None:
            result.update(self._execute_module(module_args=args, task_vars=task_vars))
            return result
        try:
            source = self._find_needle("files", args["path"])
        except AnsibleError as exc:
            return dict(result, failed=True, option="path", msg=f"path: {exc.message}")
        if args.get("local_follow", True) in (True, "true", "yes"):
            source = os.path.realpath(source)
        if not os.path.isfile(source):
            return dict(result, failed=True, option="path", msg=f"path: {source} is not a file on the controller")
        if args.get("mode") is None:  # the controller file's mode, as community.docker does
            args["mode"] = f"{stat.S_IMODE(os.stat(source).st_mode):04o}"
        self._make_tmp_path()
        remote = self._connection._shell.join_path(self._connection._shell.tmpdir, "source")
        try:
            self._transfer_file(source, remote)
            self._fixup_perms2((self._connection._shell.tmpdir, remote))
            args["path"] = remote
            result.update(self._execute_module(module_args=args, task_vars=task_vars))
        finally:
            self._remove_tmp_path(self._connection._shell.tmpdir)
        return result
