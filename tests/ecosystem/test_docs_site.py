# Copyright: dockhand.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The docs site (ci/docs_site.sh: antsibull-docs and Sphinx) in headless Chromium: the container module's page lays out
its options table with a row for every option ansible-doc knows, and the screenshot shows the table's header where
the layout puts it (so the theme's CSS was loaded and the page is not blank). The migration guide (the extra docs page
docs/docsite/rst/migration.rst) is in the site with every row of its tables, a module table row for every
community.docker module we cover, and links that land on our plugin pages' anchors."""

import json
import os
import re
import struct
import subprocess
import sys
import zlib
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "ci"))
import community_docker  # noqa: E402  pylint: disable=wrong-import-position  # ci/community_docker.py fetches it once
WIDTH = 1280
# Loads the page in a frame, then writes where the options table and its header row are, and the header's colour
PROBE = """<html><body style="margin:0"><iframe id="f" src="%s" width="%d" height="%d" style="border:0"></iframe><script>
document.getElementById("f").onload = function () {
  var d = this.contentDocument, t = d.querySelector("table.ansible-option-table"), r = t.getBoundingClientRect();
  var head = t.querySelector("thead tr"), h = head.getBoundingClientRect(), cells = head.querySelectorAll("th, td");
  var colour = d.defaultView.getComputedStyle(cells[0]).backgroundColor;
  if (colour === "rgba(0, 0, 0, 0)") colour = d.defaultView.getComputedStyle(head).backgroundColor;
  var ids = Array.prototype.map.call(t.querySelectorAll("[id^=parameter-]"), function (e) { return e.id; });
  document.body.setAttribute("data-result", JSON.stringify({table: [r.left, r.top, r.width, r.height],
    head: [h.left, h.top, h.width, h.height], colour: colour, ids: ids}));
};
</script></body></html>"""


@pytest.fixture(scope="module")
def site(tools_env):
    out = subprocess.run(["bash", str(ROOT / "ci" / "docs_site.sh")], env=tools_env, capture_output=True, text=True,
                         check=False, timeout=900)
    assert out.returncode == 0, out.stderr
    return out.stdout.strip().splitlines()[-1]


def chromium(*args):
    cmd = ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--allow-file-access-from-files",
           "--virtual-time-budget=10000", *args]
    out = subprocess.run(cmd, capture_output=True, text=True, check=False, timeout=120)
    assert out.returncode == 0, out.stderr
    return out.stdout


def png_pixels(path, last_row):
    """(width, height, bytes per pixel, rows 0 to last_row of RGB(A) bytes) of an 8-bit, non-interlaced PNG, as Chromium
    writes them."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, header = 8, b"", None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        header = struct.unpack(">IIBBBBB", body) if kind == b"IHDR" else header
        idat += body if kind == b"IDAT" else b""
        pos += 12 + length
    width, height, depth, colour_type, interlace = header[:4] + header[6:]
    assert depth == 8 and interlace == 0 and colour_type in (2, 6), header
    size = 4 if colour_type == 6 else 3
    raw, stride, rows, prev = zlib.decompress(idat), width * size, [], bytearray(width * size)
    for y in range(min(height, last_row + 1)):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a, b = (line[i - size] if i >= size else 0), prev[i]
            c = prev[i - size] if i >= size else 0
            if kind == 1:
                line[i] = (line[i] + a) & 255
            elif kind == 2:
                line[i] = (line[i] + b) & 255
            elif kind == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        prev = line
    return width, height, size, rows


def option_names(tools_env, site):
    env = dict(tools_env, ANSIBLE_COLLECTIONS_PATH=str(site).split("/site/", maxsplit=1)[0] + "/collections")
    out = subprocess.run(["ansible-doc", "--json", "dockhand.docker.container"], env=env, capture_output=True, text=True,
                         check=True)
    options = json.loads(out.stdout)["dockhand.docker.container"]["doc"]["options"]
    return options


def test_the_container_page_renders_its_options_table(tools_env, site, tmp_path):
    page = os.path.join(site, "collections", "dockhand", "docker", "container_module.html")
    height = 2400
    probe = tmp_path / "probe.html"
    probe.write_text(PROBE % ("file://" + page, WIDTH, height))
    dom = chromium("--dump-dom", f"file://{probe}")
    found = re.search(r'data-result="([^"]*)"', dom)
    assert found, dom[-2000:]
    layout = json.loads(unescape(found.group(1)))
    left, top, width, table_height = layout["table"]
    assert width > WIDTH / 2 and table_height > 2000, layout["table"]  # laid out across the page, one row per option

    # every option (and every alias) ansible-doc knows has its row
    options = option_names(tools_env, site)
    ids = set(layout["ids"])
    for name, spec in options.items():
        for alias in [name] + (spec.get("aliases") or []):
            assert f"parameter-{alias}" in ids, alias

    # the screenshot shows the table's coloured header row where the layout says it is, on a white page
    shot = tmp_path / "container.png"
    chromium(f"--window-size={WIDTH},{height}", f"--screenshot={shot}", "file://" + page)
    hx, hy, hh = layout["head"][0], layout["head"][1], layout["head"][3]
    x, y = int(hx + 5), int(hy + hh / 2)
    assert y < height, "the options table starts below the screenshot"
    png_width, png_height, size, rows = png_pixels(shot, y)
    assert (png_width, png_height) == (WIDTH, height)
    colour = tuple(int(v) for v in re.findall(r"\d+", layout["colour"])[:3])
    assert colour != (255, 255, 255) and len(colour) == 3, layout["colour"]
    pixel = tuple(rows[y][x * size:x * size + 3])
    assert all(abs(p - q) <= 8 for p, q in zip(pixel, colour)), (pixel, colour)
    assert tuple(rows[y][(int(left) - 20) * size:(int(left) - 20) * size + 3]) != colour  # the header is the table's, not the page's


class Tables(HTMLParser):
    """The tables of a page as rows of cells, each cell (its text, [(link text, href), ...]); and every id and href."""

    def __init__(self):
        super().__init__()
        self.tables, self.ids, self.hrefs, self._link, self._open = [], set(), [], None, False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if tag == "table":
            self.tables.append([])
            self._open = True
        elif tag == "tr" and self._open:
            self.tables[-1].append([])
        elif tag in ("td", "th") and self._open:
            self.tables[-1][-1].append(["", []])
        elif tag == "a" and attrs.get("href"):
            self.hrefs.append(attrs["href"])
            self._link = ["", attrs["href"]]

    def handle_endtag(self, tag):
        self._open = self._open and tag != "table"
        if tag == "a" and self._link is not None:
            if self._open and self.tables[-1] and self.tables[-1][-1]:
                self.tables[-1][-1][-1][1].append(tuple(self._link))
            self._link = None

    def handle_data(self, data):
        if self._link is not None:
            self._link[0] += data
        if self._open and self.tables[-1] and self.tables[-1][-1]:
            self.tables[-1][-1][-1][0] += data


def parsed(path):
    page = Tables()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def test_the_migration_page_renders_its_tables(site):
    docs = Path(site, "collections", "dockhand", "docker")
    assert "docsite/migration.html" in parsed(docs / "index.html").hrefs  # the collection's index lists the guide
    page = parsed(docs / "docsite" / "migration.html")

    # every list-table of the source, with all its rows (header row included)
    source = (ROOT / "docs" / "docsite" / "rst" / "migration.rst").read_text(encoding="utf-8")
    rows = [sum(1 for line in table.splitlines() if line.startswith("   * -")) for table in source.split(".. list-table::")[1:]]
    assert [len(table) for table in page.tables] == rows

    # the module table: a row for each community.docker module we cover, linking to our module's page
    modules = {" ".join(row[0][0].split()): row[1][1] for row in page.tables[0][1:]}
    for theirs, ours in community_docker.DOCKHAND_MODULES.items():
        links = modules.get(f"community.docker.{theirs}")
        assert links is not None, f"no row for community.docker.{theirs}"
        assert any(text.strip() == f"dockhand.docker.{ours}" and href.startswith(f"../{ours}_module.html#") for text, href in links), links

    # every link of the tables lands on an anchor of one of our plugin pages (module, option, return value)
    checked = {}
    for href in (link[1] for table in page.tables for row in table for cell in row for link in cell[1]):
        target, anchor = (href.split("#", 1) + [""])[:2]
        assert re.fullmatch(r"\.\./\w+_(module|connection|inventory)\.html", target) and anchor, href
        if target not in checked:
            checked[target] = parsed(docs / target[3:]).ids
        assert anchor in checked[target], href
    modules = {f"../{path.stem}_module.html" for path in (ROOT / "plugins" / "modules").glob("*.py")}
    assert set(checked) == modules | {"../api_connection.html", "../containers_inventory.html"}  # each of ours once at least
