"""The HTML: semantic, readable without its stylesheet, and clean under axe-core in Chromium.

axe-core (npm) runs inside headless Chromium (Debian's ``chromium``), injected into a
copy of each reference force's page, which writes its results into the DOM for
``--dump-dom`` to print. ``scripts/install-a11y-tools`` installs both (CI runs it);
the axe tests are skipped, saying so, only where either cannot be found.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from authoring.render import Format
from tests.conftest import REFERENCE_FORCES, ROOT
from tests.outputs import STATUSES, release, rendered
from tests.readback import html_document, html_text, normalise

CHROMIUM_NAMES = [os.environ["CHROMIUM"]] if os.environ.get("CHROMIUM") else ["chromium", "chromium-browser"]
CHROMIUM = next((found for name in CHROMIUM_NAMES if (found := shutil.which(name))), None)
AXE = Path(os.environ.get("AXE_CORE_JS") or ROOT / "scripts" / "a11y" / "node_modules" / "axe-core" / "axe.min.js")
_MISSING = ": not found"
needs_axe = pytest.mark.skipif(
    CHROMIUM is None or not AXE.is_file(),
    reason=f"the axe-core check needs Chromium ({CHROMIUM or ' or '.join(CHROMIUM_NAMES) + _MISSING}) and axe-core "
    f"({AXE}{'' if AXE.is_file() else _MISSING}); run scripts/install-a11y-tools (CI does)",
)
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)
RUN_AXE = """
axe.run(document).then(
  (results) => document.documentElement.setAttribute("data-axe", JSON.stringify({
    engine: results.testEngine.version,
    passes: results.passes.map((rule) => rule.id),
    violations: results.violations.map((rule) => ({
      id: rule.id, impact: rule.impact, help: rule.help,
      nodes: rule.nodes.map((node) => node.target.join(" ")),
    })),
  })),
  (error) => document.documentElement.setAttribute("data-axe", JSON.stringify({ error: String(error) })),
);
"""


class _AxeResults(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.results: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "html":
            self.results = dict(attrs).get("data-axe")


def run_axe(html: bytes, folder: Path, *, stylesheet: bool) -> dict[str, Any]:
    """axe-core's findings on ``html``, opened from ``folder`` in headless Chromium."""
    assert CHROMIUM is not None
    folder.mkdir(parents=True)
    shutil.copy(AXE, folder / "axe.min.js")
    (folder / "run-axe.js").write_text(RUN_AXE, encoding="utf-8")
    page = html.decode()
    if not stylesheet:
        page = re.sub(r"<style>.*?</style>", "", page, flags=re.DOTALL)
    page = page.replace("</body>", '<script src="axe.min.js"></script><script src="run-axe.js"></script></body>')
    (folder / "page.html").write_text(page, encoding="utf-8")
    command = [
        CHROMIUM,
        *CHROMIUM_FLAGS,
        f"--user-data-dir={folder / 'profile'}",
        "--virtual-time-budget=60000",  # let axe's asynchronous run finish before the DOM is dumped
        "--dump-dom",
        (folder / "page.html").as_uri(),
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=180, check=False)
    parser = _AxeResults()
    parser.feed(done.stdout)
    assert parser.results, f"axe-core left no results (Chromium exit {done.returncode}): {done.stderr[-2000:]}"
    results: dict[str, Any] = json.loads(parser.results)
    assert "error" not in results, results
    return results


@needs_axe
@pytest.mark.parametrize(("force", "status"), [(f, s) for f in REFERENCE_FORCES for s in STATUSES])
def test_axe_core_finds_no_violations(force: str, status: str, tmp_path: Path) -> None:
    results = run_axe(rendered(force, status)[Format.HTML], tmp_path / "page", stylesheet=True)
    assert results["violations"] == []
    assert {"html-has-lang", "document-title", "color-contrast", "heading-order", "list", "region"} <= set(
        results["passes"]
    )


@needs_axe
@pytest.mark.parametrize("force", REFERENCE_FORCES)
def test_axe_core_finds_no_violations_without_the_stylesheet(force: str, tmp_path: Path) -> None:
    results = run_axe(rendered(force, "final")[Format.HTML], tmp_path / "page", stylesheet=False)
    assert results["violations"] == []


@needs_axe
def test_the_axe_check_does_report_violations(tmp_path: Path) -> None:
    broken = b'<!DOCTYPE html><html><body><img src="x.png"><p style="color:#eee">faint</p></body></html>'
    results = run_axe(broken, tmp_path / "page", stylesheet=False)
    assert {"html-has-lang", "document-title", "image-alt", "color-contrast"} <= {
        v["id"] for v in results["violations"]
    }


class _Outline(HTMLParser):
    """Element names in document order, with the text of each element of interest."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attrs: dict[str, dict[str, str | None]] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs.setdefault(tag, dict(attrs))


@pytest.mark.parametrize(("force", "status"), [(f, s) for f in REFERENCE_FORCES for s in STATUSES])
def test_the_page_is_semantic_html(force: str, status: str) -> None:
    data = rendered(force, status)[Format.HTML]
    the_release = release(force, status)
    outline = _Outline()
    outline.feed(data.decode())
    tags = outline.tags
    assert outline.attrs["html"]["lang"] == "en-GB"
    assert [t for t in tags if t in ("header", "main", "footer")] == ["header", "main", "footer"]
    assert tags.index("header") < tags.index("h1") < tags.index("main") < tags.index("h2") < tags.index("footer")
    assert tags.count("h1") == tags.count("h2") == 1
    assert tags.count("ul") == tags.count("ol") == 1  # findings, notes to editors
    assert tags.count("li") == len(the_release.findings) + len(the_release.notes)
    assert tags.index("figure") < tags.index("figcaption") < tags.index("blockquote")
    assert tags.count("blockquote") == 1
    assert outline.attrs["time"]["datetime"] == "2012-12-11"
    assert {"script", "img", "iframe", "object"}.isdisjoint(tags)
    assert tags.count("style") == 1  # the house stylesheet, embedded in the head: the file stands alone
    assert tags.index("style") < tags.index("body")
    document = html_document(data)
    assert document.by_tag["title"] == document.by_tag["h1"] == [normalise(the_release.headline)]
    assert document.by_tag["h2"] == ["Notes to editors"]
    assert document.by_tag["figcaption"] == [normalise(the_release.attribution)]


@pytest.mark.parametrize(("force", "status"), [(f, s) for f in REFERENCE_FORCES for s in STATUSES])
def test_without_the_stylesheet_the_page_reads_in_order(force: str, status: str) -> None:
    """What a reader sees with no CSS at all (an e-mailed file): the release, top to bottom."""
    text = html_text(rendered(force, status)[Format.HTML])
    the_release = release(force, status)
    opening = [
        *(["DRAFT — NOT FOR PUBLICATION"] if status == "draft" else []),
        "EMBARGOED UNTIL 00:01 TUESDAY 11 DECEMBER 2012",
        "Her Majesty's Inspectorate of Constabulary",
        "Press release, 11 December 2012",
        the_release.headline,
    ]
    assert text.startswith(normalise(" ".join(opening)) + " ")
    order = [the_release.findings_intro, the_release.attribution, "Notes to editors", "HMIC press release ·"]
    positions = [text.index(normalise(part)) for part in order]
    assert positions == sorted(positions)
    assert text.endswith(f"HMIC press release · {the_release.force.name} · 11 December 2012")
