# Copyright: dockhand.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The docs site (ci/docs_site.sh: antsibull-docs and Sphinx) in headless Chromium: the container module's page lays out
its options table with a row for every option ansible-doc knows, and the screenshot shows the table's header where
the layout puts it (so the theme's CSS was loaded and the page is not blank)."""

import json
import os
import re
import struct
import subprocess
import zlib
from html import unescape
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
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
