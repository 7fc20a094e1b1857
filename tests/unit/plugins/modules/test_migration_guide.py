# Copyright: dockhand.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The migration guide of the docs site (docs/docsite/rst/migration.rst) against the code it describes, so it cannot
go stale: every module pair of ci/community_docker.py's DOCKHAND_MODULES is a row of its module table, every module of
community.docker 5.4.0 and of this collection is on the page, every option (with its value) and return value the page
names is one the module really has (our argument spec, community.docker's DOCUMENTATION and RETURN), and the return
values and options the migration tests record as deliberately different (test_return_keys.DIFFERENT,
test_community_examples.OPTIONS_NOT_YET) are each on the page."""

import ast
import functools
import re
import sys
from pathlib import Path

import pytest
import yaml

from test_community_examples import OPTIONS_NOT_YET, module_spec  # pylint: disable=import-error  # same directory
from test_return_keys import DIFFERENT, our_return  # pylint: disable=import-error

ROOT = Path(__file__).resolve().parents[4]
sys.path.insert(0, str(ROOT / "ci"))
import community_docker  # noqa: E402  pylint: disable=wrong-import-position  # ci/community_docker.py fetches it once

PAGE = ROOT / "docs" / "docsite" / "rst" / "migration.rst"
LABEL = "ansible_collections.dockhand.docker.docsite."
ROLE = re.compile(r":(ansplugin|ansopt|ansretval):`([^`]+)`")
PLUGIN_DIRS = {"module": "modules", "connection": "connection", "inventory": "inventory"}


def refs(text, role):
    return [target for kind, target in ROLE.findall(text) if kind == role]


def plugins(text):
    """(collection, name, type) of every :ansplugin: in text."""
    out = []
    for target in refs(text, "ansplugin"):
        fqcn, kind = target.split("#")
        out.append((fqcn.rsplit(".", 1)[0], fqcn.rsplit(".", 1)[1], kind))
    return out


def tables(text):
    """{section label: [table, ...]}, each list-table as rows of cell texts (the header row included)."""
    out, label, rows, in_table = {}, None, None, False
    for line in text.splitlines():
        found = re.match(r"^\.\. _([^:]+):$", line)
        if found:
            label = found.group(1).removeprefix(LABEL)
        if line.startswith(".. list-table::"):
            rows, in_table = [], True
            out.setdefault(label, []).append(rows)
        elif in_table and line and not line.startswith(" "):
            in_table = False
        elif in_table and line.startswith("   * -"):
            rows.append([line[6:].strip()])
        elif in_table and line.startswith("     -"):
            rows[-1].append(line[6:].strip())
        elif in_table and line.startswith("       ") and rows:
            rows[-1][-1] += " " + line.strip()
    return out


TEXT = PAGE.read_text(encoding="utf-8")
TABLES = tables(TEXT)
COMMUNITY = community_docker.ensure() / community_docker.PREFIX
OURS = sorted(p.stem for p in (ROOT / "plugins" / "modules").glob("*.py") if p.stem != "__init__")


def test_the_page_is_parsed():
    # every role is on one line (the parser reads lines), and each section has the tables the tests below read
    assert len(ROLE.findall(TEXT)) == sum(TEXT.count(f":{role}:`") for role in ("ansplugin", "ansopt", "ansretval"))
    assert [len(TABLES[name]) for name in ("migration_modules", "migration_plugins", "migration_differences",
                                           "migration_return_values")] == [2, 1, 1, 1]
    assert all(len(row) == len(table[0]) for tables_ in TABLES.values() for table in tables_ for row in table)


def module_rows():
    """{community.docker module: [our modules, or [] for none]} of the module table."""
    out = {}
    for row in TABLES["migration_modules"][0][1:]:
        theirs = plugins(row[0])
        assert len(theirs) == 1 and theirs[0][0] == "community.docker" and theirs[0][2] == "module", row[0]
        ours = plugins(row[1])
        assert all(p[0] == "dockhand.docker" and p[2] == "module" for p in ours), row[1]
        assert ours or row[1] == "none", row[1]
        assert theirs[0][1] not in out, f"{theirs[0][1]} has two rows"
        out[theirs[0][1]] = [p[1] for p in ours]
    return out


def test_every_counterpart_is_a_row_of_the_module_table():
    rows = module_rows()
    for theirs, ours in community_docker.DOCKHAND_MODULES.items():
        assert rows.get(theirs) == [ours], f"the page should say community.docker.{theirs} -> dockhand.docker.{ours}"
    # and every other row names a module that community.docker has, with no counterpart of its own here
    theirs_all = {p.stem for p in (COMMUNITY / "plugins" / "modules").glob("*.py") if p.stem != "__init__"}
    assert set(rows) == theirs_all, f"not on the page: {sorted(theirs_all - set(rows))}; no such module: {sorted(set(rows) - theirs_all)}"


def test_every_module_of_ours_is_on_the_page():
    runtime = yaml.safe_load((ROOT / "meta" / "runtime.yml").read_text(encoding="utf-8"))
    assert sorted(runtime["action_groups"]["docker"]) == OURS
    named = {m for ours in module_rows().values() for m in ours}
    new = [p[1] for row in TABLES["migration_modules"][1][1:] for p in plugins(row[0])]
    assert named <= set(OURS), sorted(named - set(OURS))
    assert sorted(new) == sorted(set(OURS) - set(community_docker.DOCKHAND_MODULES.values())), new


def test_every_plugin_named_exists():
    for collection, name, kind in plugins(TEXT):
        where = (ROOT if collection == "dockhand.docker" else COMMUNITY) / "plugins" / PLUGIN_DIRS[kind] / f"{name}.py"
        assert collection in ("dockhand.docker", "community.docker") and where.is_file(), f"{collection}.{name}#{kind}"


# --- options and return values -----------------------------------------------------------------------------------------

def _doc_string(path, key, cls=None):
    """A documentation string (DOCUMENTATION, RETURN, or a doc fragment class's attribute) of a plugin file, parsed."""
    body = ast.parse(path.read_text(encoding="utf-8")).body
    if cls:
        body = next(node.body for node in body if isinstance(node, ast.ClassDef) and node.name == cls)
    for node in body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == key for t in node.targets):
            return yaml.safe_load(node.value.value) or {}
    raise AssertionError(f"{path} has no {key}")


def _as_spec(options):
    """DOCUMENTATION options in the argument spec's shape (suboptions -> options)."""
    return {name: dict(doc, options=_as_spec(doc["suboptions"]) if doc.get("suboptions") else None)
            for name, doc in (options or {}).items()}


@functools.cache
def community_options(module):
    """community.docker's options of a module, with those of its doc fragments (the engine options)."""
    doc = community_docker.module_doc(module, "DOCUMENTATION")
    options = dict(doc.get("options") or {})
    for fragment in doc.get("extends_documentation_fragment") or []:
        parts = fragment.split(".")
        if parts[:2] == ["community", "docker"]:
            key = parts[3].upper() if len(parts) > 3 else "DOCUMENTATION"
            path = COMMUNITY / "plugins" / "doc_fragments" / f"{parts[2]}.py"
            options.update(_doc_string(path, key, "ModuleDocFragment").get("options") or {})
    return _as_spec(options)


@functools.cache
def our_options(name, kind):
    if kind == "module":
        return module_spec(name)[0]["argument_spec"]  # the real argument spec, engine options included
    return _as_spec(_doc_string(ROOT / "plugins" / PLUGIN_DIRS[kind] / f"{name}.py", "DOCUMENTATION").get("options"))


def _lookup(spec, name):
    for key, entry in (spec or {}).items():
        if name == key or name in (entry.get("aliases") or []):
            return entry
    return None


def option_refs():
    out = []
    for target in refs(TEXT, "ansopt"):
        plugin, option = target.split(":", 1)
        option, value = (option.split("=", 1) + [None])[:2]
        fqcn, kind = plugin.split("#")
        out.append((fqcn, kind, option, value))
    return out


@pytest.mark.parametrize("fqcn,kind,option,value", option_refs(), ids=[f"{r[0]}:{r[2]}" for r in option_refs()])
def test_every_option_named_is_real(fqcn, kind, option, value):
    collection, name = fqcn.rsplit(".", 1)
    spec = community_options(name) if collection == "community.docker" else our_options(name, kind)
    entry = {"options": spec}
    parts = option.split(".")
    for number, part in enumerate(parts):
        entry = _lookup(entry.get("options"), part.removesuffix("[]"))
        assert entry is not None, f"{fqcn} has no option {option}"
        if number < len(parts) - 1:  # antsibull-docs' notation: a list's suboption is list[].sub, a dict's dict.sub
            assert part.endswith("[]") == (entry.get("type") == "list"), f"{fqcn}: {option}: write {part} as a {entry.get('type')}"
    if value is not None:
        if entry.get("choices"):
            assert value in [str(c) for c in entry["choices"]], f"{fqcn}: {option} has no choice {value}"
        elif entry.get("type") == "bool":
            assert value in ("true", "false"), f"{fqcn}: {option} is a bool, not {value}"


def return_value(collection, name, key):
    doc = (community_docker.module_doc(name, "RETURN") if collection == "community.docker" else our_return(name)) or {}
    entry = {"contains": doc}
    for part in key.split("."):
        entry = (entry.get("contains") or {}).get(part)
        if entry is None:
            return None
    return entry


def test_every_return_value_named_is_real():
    for target in refs(TEXT, "ansretval"):
        plugin, key = target.split(":", 1)
        collection, name = plugin.split("#")[0].rsplit(".", 1)
        assert return_value(collection, name, key) is not None, f"{plugin} returns no {key}"


def test_the_return_value_table_is_test_return_keys_different():
    rows = TABLES["migration_return_values"][0][1:]
    on_page = set()
    for row in rows:
        (target,) = refs(row[0], "ansretval")
        plugin, key = target.split(":", 1)
        on_page.add((plugin.split("#")[0].removeprefix("community.docker."), key))
    assert on_page == set(DIFFERENT)


def test_every_option_not_taken_is_on_the_page():
    named = {(ref[0].removeprefix("community.docker."), ref[2]) for ref in option_refs()}
    for module, options in OPTIONS_NOT_YET.items():
        for option in options:
            assert (module, option) in named, f"the page should say dockhand.docker does not take {module}'s {option}"
