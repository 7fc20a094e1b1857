"""Running the real Docker Compose v2 in tests (the compose_cli fixture of conftest.py gives its path)."""

import json
import os
import subprocess


class Compose:
    """`docker compose -p PROJECT ...` in the project directory, without the caller's COMPOSE_* variables."""

    def __init__(self, binary, src, project):
        self.binary, self.src, self.project = binary, src, project

    def __call__(self, *args):
        env = {k: v for k, v in os.environ.items() if not k.startswith("COMPOSE_")}
        proc = subprocess.run([self.binary, "-p", self.project, *args], cwd=self.src, env=env, capture_output=True, text=True,
                              check=False, timeout=300)
        assert proc.returncode == 0, f"docker compose {' '.join(args)}: {proc.stderr}"
        return proc.stdout

    def ps(self):
        return [json.loads(line) for line in self("ps", "-a", "--format", "json").splitlines() if line.strip()]
