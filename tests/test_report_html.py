"""report.html: self-contained, escaped, deterministic, and readable in a real browser."""

from __future__ import annotations

import base64
import hashlib
import re
import shutil
import struct
import subprocess
import zlib
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

import pytest
from evidence_data import HOSTILE, decision, inventory

from gate.evidence.run import run_context
from gate.model import Decision, Inventory, Project, Verdict
from gate.report import html
from gate.report.formats import FORMATS


def test_html_is_registered() -> None:
    assert FORMATS["html"] is html.render


def test_html_loads_nothing_from_outside() -> None:
    page = html.render(decision(), inventory())
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    lowered = page.lower()
    for forbidden in ("<link", "<img", "<iframe", "src=", "url(", "@import", "fetch("):
        assert forbidden not in lowered, forbidden
    # One inline script (the table sort), allowed by its hash and nothing else.
    assert lowered.count("<script") == 1 and "xmlhttprequest" not in lowered
    script = page[page.index("<script>") + 8 : page.index("</script>")]
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in page
    # Links only where a URL is known (ticket, repository): none in this decision.
    assert not re.search(r"https?://", page)


def test_evidence_and_tickets_are_links_when_a_url_is_known() -> None:
    ctx = html.AuditContext(
        repository="https://github.com/acme/app", ref="refs/tags/v2.3", sha="c0ffee" * 6 + "1234"
    )
    page = html.render(decision(), inventory(), context=ctx)
    blob = "https://github.com/acme/app/blob/" + "c0ffee" * 6 + "1234"
    assert f"<a href='{blob}/app/llm.py#L12'>app/llm.py:12:5</a>" in page
    assert ">refs/tags/v2.3<" in page and "c0ffee" * 6 in page
    dec = decision()
    ticket = replace(dec.waivers_applied[0], reference="https://tracker.example/LEGAL-42")
    page = html.render(replace(dec, waivers_applied=(ticket,)), inventory())
    link = "<a href='https://tracker.example/LEGAL-42'>https://tracker.example/LEGAL-42</a>"
    # Exactly twice: beside the finding it covers, and once in the waiver table.
    assert page.count(link) == 2
    # Only https: a javascript: or http: reference stays text.
    bad = replace(ticket, reference="javascript:alert(1)")
    page = html.render(replace(dec, waivers_applied=(bad,)), inventory())
    assert "href='javascript" not in page and "javascript:alert(1)" in page


def test_hostile_text_is_escaped_everywhere() -> None:
    page = html.render(decision(hostile=HOSTILE), inventory(HOSTILE))
    assert HOSTILE not in page
    assert page.lower().count("<script") == 1 and "<img" not in page.lower()
    escaped = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&lt;img src=x"
    # Project title, component name, publisher, finding message, waiver approver and reason.
    assert page.count(escaped) >= 6


def test_html_shows_what_an_auditor_asks() -> None:
    ctx = html.AuditContext(signing="key", verify="aigate verify evidence --key aigate.pub")
    page = html.render(decision(), inventory(), context=ctx)
    assert "class='verdict fail'" in page and ">FAIL<" in page
    # The summary: policy and digest, who signed and how to verify, date, version.
    summary = page[page.index("<table class=summary>") : page.index("</table>")]
    for text in (
        "digest <code>sha256:abab",
        "Signed with a private key",
        "aigate verify",
        "Judged on</th><td>2026-05-01",
        "aigate</th>",
        "Commit</th>",
    ):
        assert text in summary, text
    # The component table: identity, role, publisher, country, served from, lineage,
    # licence, status; blocking components first; a weight file by its path and short hash.
    table = page[page.index("<table id=components") :]
    table = table[: table.index("</table>")]
    for head in (
        "Component",
        "Role",
        "Publisher",
        "Country",
        "Served from",
        "Lineage",
        "Licence",
        "Status",
    ):
        assert f"<th scope=col>{head}</th>" in table
    assert table.index("api:deepseek/deepseek-chat") < table.index("pkg:pypi/openai")
    assert "weights/model.gguf [sha256:999999999999]" in table
    assert "Qwen/Qwen2.5-7B-Instruct [CN] ← Qwen/Qwen2.5-7B [CN]" in table
    # Findings per component, with the rule's title, regulation, remediation, evidence.
    found = page[page.index("Findings by component") :]
    assert "Served from a denied country" in found and "app/llm.py:12:5" in found
    assert "15 CFR 791.4" in found
    # The waiver with approver, ticket and expiry, next to what it covers.
    assert "approved by jane@example.com, ticket LEGAL-42, expires 2027-03-31" in found
    # Human text: no raw JSON, no escape sequences.
    text = re.sub(r"<style>.*?</style>|<script>.*?</script>|<[^>]+>", " ", page, flags=re.S)
    assert not re.search(r"\\u[0-9a-f]{4}|[{]\"|\": |\[\{", text), text
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
    assert parsed.tags.count("script") == 1 and "img" not in parsed.tags
    text = " ".join(parsed.text)
    assert HOSTILE in text
    assert ("FAIL" if verdict is Verdict.FAIL else "PASS") in text
    assert "jane@example.com" in text and "2027-03-31" in text
    assert parsed.tags.count("svg") == 2 and parsed.tags.count("rect") == 7

    shot = tmp_path / "shot.png"
    run = _run_browser(
        browser, tmp_path, f"--screenshot={shot}", "--window-size=1200,4000", page.as_uri()
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

    browser = _browser()
    bom = tmp_path / "bom.cdx.json"
    bom.write_text(write_bom(inventory(HOSTILE)), "utf-8")
    out = tmp_path / "evidence"
    pipeline.export(
        pipeline.ExportOptions(
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
    assert parsed.tags.count("script") == 1 and "img" not in parsed.tags
    text = " ".join(parsed.text)
    assert HOSTILE in text and "FAIL" in text
    assert "deepseek-chat" in text and "Qwen/Qwen2.5-7B-Instruct" in text
    assert parsed.tags.count("svg") == 2

    shot = tmp_path / "shot.png"
    run = _run_browser(
        browser, tmp_path, f"--screenshot={shot}", "--window-size=1200,4000", page.as_uri()
    )
    assert run.returncode == 0 and shot.exists(), run.stderr.decode(errors="replace")[-2000:]
    width, _, rows = _png_rgb(shot.read_bytes())
    # The verdict banner is painted; the charts sit below the longer list of real findings.
    assert _longest_run(rows, width // 2, _rgb(html.FAIL_COLOUR)) >= 60


def _demo_page(tmp_path: Path) -> Path:
    """The HTML report of `make demo`'s failing check, as a user would write it."""
    from click.testing import CliRunner

    from gate.cli import main

    root = Path(__file__).resolve().parent.parent
    bom = tmp_path / "demo.cdx.json"
    runner = CliRunner()
    assert (
        runner.invoke(
            main, ["scan", str(root / "examples/demo-app"), "-o", str(bom), "-q"]
        ).exit_code
        == 0
    )
    page = tmp_path / "report.html"
    args = ["check", "--bom", str(bom), "--policy", "release", "--now", "2026-11-26"]
    assert runner.invoke(main, [*args, "--format", "html", "-o", str(page)]).exit_code == 1
    return page


_RAW = re.compile(r'\\u[0-9a-fA-F]{4}|\{"|": \{|": \[|\\n|&[a-z]+;|&#')


@pytest.mark.browser
def test_demo_report_at_desktop_and_print_widths(tmp_path: Path) -> None:
    """What an auditor sees of the demo: the verdict, the component table, no raw JSON."""
    browser = _browser()
    page = _demo_page(tmp_path)
    dom = _run_browser(browser, tmp_path, "--dump-dom", page.as_uri())
    assert dom.returncode == 0, dom.stderr.decode(errors="replace")[-2000:]
    parsed = _Elements()
    parsed.feed(dom.stdout.decode("utf-8"))
    text = " ".join(parsed.text)
    assert "FAIL" in text and "blocks the release" in text
    assert "models/local/coder-q4.gguf [sha256:aee49a9ff387]" in text
    # The sort script ran: every column heading of the component table became a button.
    assert parsed.tags.count("button") == 8
    # Human text only: no JSON objects, escape sequences or double-escaped entities.
    shown = text.replace("\n", " ")
    assert not _RAW.search(shown), _RAW.search(shown)
    for width, height in ((1280, 3200), (794, 3200)):
        shot = tmp_path / f"shot-{width}.png"
        run = _run_browser(
            browser,
            tmp_path,
            f"--screenshot={shot}",
            f"--window-size={width},{height}",
            page.as_uri(),
        )
        assert run.returncode == 0 and shot.exists(), run.stderr.decode(errors="replace")[-2000:]
        w, h, rows = _png_rgb(shot.read_bytes())
        assert (w, h) == (width, height)
        # The verdict: a red banner at the top, no green one.
        top = rows[:400]
        assert _longest_run(top, w // 2, _rgb(html.FAIL_COLOUR)) >= 60
        assert _longest_run(rows, w // 2, _rgb(html.PASS_COLOUR)) == 0
        # The component table: header cells painted, and a status badge per row, red for
        # the 12 components that block the release, green for those with no finding.
        assert _count(rows, _rgb("#f6f8fa")) > 20_000
        assert _count(rows, _rgb(html.FAIL_COLOUR)) > 12 * 200
        assert _count(rows, _rgb(html.PASS_COLOUR)) > 8 * 200
        # Nothing wider than the window (no horizontal overflow at print width).
        right = [row[3 * (w - 4) : 3 * (w - 1)] for row in rows]
        assert all(px == b"\xff" * 9 for px in right)
    pdf = tmp_path / "report.pdf"
    run = _run_browser(
        browser, tmp_path, f"--print-to-pdf={pdf}", "--no-pdf-header-footer", page.as_uri()
    )
    assert run.returncode == 0 and pdf.exists(), run.stderr.decode(errors="replace")[-2000:]
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf.read_bytes()))
    assert 2 <= pages <= 30, pages


def test_the_ci_run_is_named_from_github_actions_variables() -> None:
    env = {
        "GITHUB_ACTIONS": "true",
        "GITHUB_REPOSITORY": "acme/app",
        "GITHUB_REF": "refs/tags/v2.3",
        "GITHUB_SHA": "f" * 40,
        "GITHUB_RUN_ID": "42",
    }
    ctx = html.AuditContext.from_environ(env)
    assert ctx.repository == "https://github.com/acme/app" and ctx.sha == "f" * 40
    assert ctx.run_url == "https://github.com/acme/app/actions/runs/42"
    # A re-run names its attempt, the same page the evidence bundle's manifest names.
    retried_env = {**env, "GITHUB_RUN_ATTEMPT": "2"}
    retried = html.AuditContext.from_environ(retried_env)
    assert retried.run_url == "https://github.com/acme/app/actions/runs/42/attempts/2"
    assert run_context(retried_env, Path(".")).run_url == retried.run_url
    assert html.AuditContext.from_environ({}) == html.AuditContext()
