"""report.html: self-contained, escaped, deterministic, and readable in a real browser."""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
import zlib
from html.parser import HTMLParser
from pathlib import Path

import pytest
from evidence_data import HOSTILE, decision, inventory

from gate.model import Decision, Inventory, Project, Verdict
from gate.report import html
from gate.report.registry import FORMATS


def test_html_is_registered() -> None:
    assert FORMATS["html"] is html.render


def test_html_loads_nothing_from_outside() -> None:
    page = html.render(decision(), inventory())
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    lowered = page.lower()
    for forbidden in ("<script", "<link", "<img", "<iframe", "src=", "url(", "@import"):
        assert forbidden not in lowered, forbidden
    assert not re.search(r"https?://", page)


def test_hostile_text_is_escaped_everywhere() -> None:
    page = html.render(decision(hostile=HOSTILE), inventory(HOSTILE))
    assert HOSTILE not in page
    assert "<script" not in page.lower() and "<img" not in page.lower()
    escaped = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&lt;img src=x"
    # Project title, component name, publisher, finding message, waiver approver and reason.
    assert page.count(escaped) >= 6


def test_html_shows_what_an_auditor_asks() -> None:
    page = html.render(decision(), inventory())
    assert "class='verdict fail'" in page and ">FAIL<" in page
    # Findings with their explanation chain: component → fact → source → rule.
    assert "deepseek-chat is served from CN (api.deepseek.com)" in page
    chain = page[page.index("deepseek-chat is served") :]
    chain = chain[: chain.index("</ol>")]
    for step in (
        "component</span> <code>api:deepseek/deepseek-chat</code>",
        "<code>served_by.country</code> = CN",
        "source</span> registry: endpoints",
        "<code>app/llm.py:12:5</code>",
        "<code>aigate.jurisdiction.served-country</code> Served from a denied country",
    ):
        assert step in chain, step
    assert chain.index("component") < chain.index("fact") < chain.index("rule")
    # A finding without policy facts explains itself from the component record.
    licence = page[page.index("dataset licence CC-BY-NC-4.0") :]
    assert "<code>licence</code> = CC-BY-NC-4.0 (non-commercial)" in licence[:800]
    # Waivers with approver, reason, expiry and status.
    for text in ("jane@example.com", "Base model reviewed by legal", "2027-03-31", "expired"):
        assert text in page
    assert "waived</span> by <code>w1</code>" in page
    # Lineage chain, nearest first, with countries.
    assert (
        "finetune of</span> <code>Qwen/Qwen2.5-7B-Instruct</code> Alibaba Cloud (Qwen) [CN]" in page
    )
    assert page.index("Qwen2.5-7B-Instruct</code>") < page.index("Qwen/Qwen2.5-7B</code>")
    # Charts: one bar per country and per licence category.
    assert page.count("<svg") == 2
    assert "<title>CN: 1</title>" in page and "<title>unknown: 2</title>" in page
    assert "<title>permissive: 2</title>" in page and "<title>non-commercial: 1</title>" in page


def test_html_is_deterministic_and_pure() -> None:
    assert html.render(decision(), inventory()) == html.render(decision(), inventory())


def test_empty_inventory_and_pass() -> None:
    empty = Inventory(project=Project("nothing"))
    passing = Decision(verdict=Verdict.PASS, findings=(), fail_on="deny", policy_digest="x")
    page = html.render(passing, empty)
    assert "class='verdict pass'" in page and ">PASS<" in page
    assert "No findings." in page and "No waivers." in page and "No AI components" in page


# ---- the browser test -------------------------------------------------------------------

_BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def _browser() -> str:
    for name in _BROWSERS:
        path = shutil.which(name)
        if path:
            return path
    pytest.skip(
        "no headless Chromium found (tried: " + ", ".join(_BROWSERS) + "); install Debian's"
        " `chromium` package to run the browser test (.ci/run installs it in CI)"
    )


def _run_browser(browser: str, tmp: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--force-color-profile=srgb",
        "--hide-scrollbars",
        f"--user-data-dir={tmp / 'profile'}",
    ]
    return subprocess.run(
        [browser, *flags, *args], capture_output=True, timeout=120, check=False, cwd=tmp
    )


def _png_rgb(data: bytes) -> tuple[int, int, list[bytes]]:
    """Decode an 8-bit RGB/RGBA, non-interlaced PNG (what Chromium writes) into RGB rows."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width = 8, b"", 0
    height = colour = 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        body = data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", body)
            assert depth == 8 and colour in (2, 6) and interlace == 0
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    bpp = 4 if colour == 6 else 3
    raw = zlib.decompress(idat)
    stride = width * bpp
    rows: list[bytes] = []
    prev = bytearray(stride)
    for y in range(height):
        ftype = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if ftype == 1:
                line[i] = (line[i] + a) & 0xFF
            elif ftype == 2:
                line[i] = (line[i] + b) & 0xFF
            elif ftype == 3:
                line[i] = (line[i] + (a + b) // 2) & 0xFF
            elif ftype == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[i] = (line[i] + pred) & 0xFF
        rows.append(bytes(line) if bpp == 3 else bytes(v for j, v in enumerate(line) if j % 4 != 3))
        prev = line
    return width, height, rows


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    return tuple(int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))  # type: ignore[return-value]


def _close(pixel: tuple[int, ...], colour: tuple[int, int, int]) -> bool:
    return all(abs(p - c) <= 4 for p, c in zip(pixel, colour, strict=True))


def _longest_run(rows: list[bytes], x: int, colour: tuple[int, int, int]) -> int:
    best = run = 0
    for row in rows:
        run = run + 1 if _close(tuple(row[3 * x : 3 * x + 3]), colour) else 0
        best = max(best, run)
    return best


def _count(rows: list[bytes], colour: tuple[int, int, int]) -> int:
    # With --force-color-profile=srgb Chromium paints CSS colours exactly.
    pattern = bytes(colour)
    return sum(row.count(pattern) for row in rows)


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


@pytest.mark.browser
@pytest.mark.parametrize("verdict", [Verdict.FAIL, Verdict.PASS])
def test_report_in_a_real_browser(tmp_path: Path, verdict: Verdict) -> None:
    browser = _browser()
    page = tmp_path / "report.html"
    page.write_text(html.render(decision(verdict, hostile=HOSTILE), inventory(HOSTILE)), "utf-8")

    dom = _run_browser(browser, tmp_path, "--dump-dom", page.as_uri())
    assert dom.returncode == 0, dom.stderr.decode(errors="replace")[-2000:]
    parsed = _Elements()
    parsed.feed(dom.stdout.decode("utf-8"))
    # The hostile strings stayed text: the browser built no script or image element.
    assert "script" not in parsed.tags and "img" not in parsed.tags
    text = " ".join(parsed.text)
    assert HOSTILE in text
    assert ("FAIL" if verdict is Verdict.FAIL else "PASS") in text
    assert "jane@example.com" in text and "2027-03-31" in text
    assert parsed.tags.count("svg") == 2 and parsed.tags.count("rect") == 7

    shot = tmp_path / "shot.png"
    run = _run_browser(
        browser, tmp_path, f"--screenshot={shot}", "--window-size=1200,2000", page.as_uri()
    )
    assert run.returncode == 0 and shot.exists(), run.stderr.decode(errors="replace")[-2000:]
    width, _, rows = _png_rgb(shot.read_bytes())
    mid = width // 2
    banner, other = (
        (html.FAIL_COLOUR, html.PASS_COLOUR)
        if verdict is Verdict.FAIL
        else (html.PASS_COLOUR, html.FAIL_COLOUR)
    )
    # The verdict banner is a tall block of its colour across the middle of the page...
    assert _longest_run(rows, mid, _rgb(banner)) >= 60
    assert _longest_run(rows, mid, _rgb(other)) == 0
    # ...and the chart bars were painted (countries in blue, permissive licences in green).
    assert _count(rows, _rgb(html.COUNTRY_BAR)) > 2000
    assert _count(rows, _rgb(html.CATEGORY_COLOURS["permissive"])) > 1000


@pytest.mark.browser
def test_exported_bundle_report_in_a_real_browser(tmp_path: Path) -> None:
    """The report.html an auditor finds in an evidence bundle, opened from the bundle."""
    import hashlib
    import json

    from gate import pipeline
    from gate.bom.cyclonedx import write_bom
    from gate.evidence import bundle

    browser = _browser()
    bom = tmp_path / "bom.cdx.json"
    bom.write_text(write_bom(inventory(HOSTILE)), "utf-8")
    out = tmp_path / "evidence"
    bundle.export(
        bundle.ExportOptions(
            out=out,
            check=pipeline.CheckOptions(bom=bom, policies=("release",), now="2026-05-01"),
        )
    )
    page = out / "report.html"
    manifest = json.loads((out / "manifest.json").read_text())
    listed = {f["path"]: f["sha256"] for f in manifest["files"]}
    assert listed["report.html"] == hashlib.sha256(page.read_bytes()).hexdigest()

    dom = _run_browser(browser, tmp_path, "--dump-dom", page.as_uri())
    assert dom.returncode == 0, dom.stderr.decode(errors="replace")[-2000:]
    parsed = _Elements()
    parsed.feed(dom.stdout.decode("utf-8"))
    assert "script" not in parsed.tags and "img" not in parsed.tags
    text = " ".join(parsed.text)
    assert HOSTILE in text and "FAIL" in text
    assert "deepseek-chat" in text and "Qwen/Qwen2.5-7B-Instruct" in text
    assert parsed.tags.count("svg") == 2

    shot = tmp_path / "shot.png"
    run = _run_browser(
        browser, tmp_path, f"--screenshot={shot}", "--window-size=1200,2000", page.as_uri()
    )
    assert run.returncode == 0 and shot.exists(), run.stderr.decode(errors="replace")[-2000:]
    width, _, rows = _png_rgb(shot.read_bytes())
    # The verdict banner is painted; the charts sit below the longer list of real findings.
    assert _longest_run(rows, width // 2, _rgb(html.FAIL_COLOUR)) >= 60
