"""Makes `ansible_collections.dockhand.docker` importable from any checkout, and tells tests where that is.

In the staged tree (…/ansible_collections/dockhand/docker) the directory above ansible_collections is used as is;
in a plain checkout a temporary ansible_collections/dockhand/docker symlink points at the checkout.
"""

import os
import sys
import tempfile
from pathlib import Path

COLLECTION_ROOT = Path(__file__).resolve().parents[1]


def _collections_base():
    parents = COLLECTION_ROOT.parents
    if COLLECTION_ROOT.name == "docker" and parents[0].name == "dockhand" and parents[1].name == "ansible_collections":
        return parents[2]
    base = Path(tempfile.mkdtemp(prefix="dockhand-collections-"))
    (base / "ansible_collections" / "dockhand").mkdir(parents=True)
    (base / "ansible_collections" / "dockhand" / "docker").symlink_to(COLLECTION_ROOT)
    return base


COLLECTIONS_BASE = Path(os.environ.get("DOCKHAND_COLLECTIONS_BASE") or _collections_base())
os.environ["DOCKHAND_COLLECTIONS_BASE"] = str(COLLECTIONS_BASE)
if str(COLLECTIONS_BASE) not in sys.path:
    sys.path.insert(0, str(COLLECTIONS_BASE))
