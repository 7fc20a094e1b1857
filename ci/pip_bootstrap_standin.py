"""Stand-in for ansible-test's get-pip download, which cannot be fetched offline.

ansible-test runs this file with the pip version it wants; it bootstraps pip with the standard library's ensurepip,
then installs that pip version from PyPI.
"""

import subprocess
import sys

args = [a for a in sys.argv[1:] if a not in {"--no-setuptools", "--no-wheel"}]
subprocess.check_call([sys.executable, "-m", "ensurepip", "--default-pip"], stdout=subprocess.DEVNULL)
subprocess.check_call([sys.executable, "-m", "pip", "install", "-q", "--disable-pip-version-check"] + args)
if "--no-setuptools" in sys.argv and subprocess.call([sys.executable, "-c", "import setuptools"], stderr=subprocess.DEVNULL) == 0:
    subprocess.call([sys.executable, "-m", "pip", "uninstall", "-q", "-y", "setuptools"])
