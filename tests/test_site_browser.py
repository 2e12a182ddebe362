"""The newsroom in a real browser (Playwright with Debian's Chromium), served by a static web server.

A reader goes home → round → release → PDF with JavaScript switched off; axe-core finds
nothing on any kind of page (home, round, release, a corrected release, a Welsh version,
the example round's Welsh release and Welsh accessibility statement, Welsh throughout, a
release offering the bilingual document, a national release, the accessibility statement,
the 'another format' page).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import http.server
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, expect, sync_playwright

from authoring.files.write import write_files
from authoring.render.environment import Templates
from authoring.site.catalogue import Correction as SiteCorrection
from authoring.site.catalogue import National, catalogue
from authoring.site.clock import LONDON
from authoring.site.publish import site_files
from tests.site_helpers import LATER, ROUND_2012, ROUND_2013, URL, batched_project, site
from tests.test_accessibility_html import AXE, CHROMIUM, CHROMIUM_FLAGS

pytestmark = pytest.mark.skipif(
    CHROMIUM is None or not AXE.is_file(),
    reason="the newsroom's browser tests need Chromium and axe-core; run scripts/install-a11y-tools (CI does)",
)


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """Two sites under one static server on 127.0.0.1: /live/ as 'authoring site' wrote it, and /more/ with
    the kinds of page the repository's rounds do not have (a correction, a Welsh version, a national release)."""
    project = batched_project(tmp_path_factory.mktemp("project"))
    root = tmp_path_factory.mktemp("www")
    result = site(project, "--now", LATER, "--examples", out=root / "live")  # the example round's pages too
    assert result.exit_code == 0, result.output
    shown = catalogue(project / "output", now=dt.datetime(2014, 1, 1, tzinfo=LONDON))
    round_ = next(r for r in shown.rounds if r.slug == ROUND_2012)
    index = next(i for i, r in enumerate(round_.releases) if r.force == "thames-valley")
    english = dataclasses.replace(
        round_.releases[index],
        corrections=(SiteCorrection(dt.date(2012, 12, 12), "Corrected a figure."),),
        bilingual=tuple(  # as if its campaign asked for the bilingual document
            dataclasses.replace(download, name=download.name.replace(".", "-cy-en.", 1), bilingual=True)
            for download in round_.releases[index].downloads
        ),
    )
    round_.releases[index] = english
    round_.releases.append(dataclasses.replace(english, language="cy"))
    round_.national = National(html=english.html, body=english.body, downloads=english.downloads)
    files = site_files(shown, base_url=URL, templates=Templates.at())
    write_files({root / "more" / name: data for name, data in files.items()})
    handler = functools.partial(_Quiet, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/", root
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    assert CHROMIUM is not None
    flags = [flag for flag in CHROMIUM_FLAGS if flag != "--headless"]
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=flags)
        yield launched
        launched.close()


def test_a_reader_goes_home_round_release_pdf_without_javascript(
    served: tuple[str, Path], browser: Browser, tmp_path: Path
) -> None:
    url, root = served
    context = browser.new_context(java_script_enabled=False, accept_downloads=True)
    page = context.new_page()
    try:
        page.goto(url + "live/")
        expect(page.get_by_role("heading", level=1)).to_have_text("HMIC press releases")
        page.get_by_role("link", name="Revisiting Police Relationships").click()
        expect(page).to_have_url(f"{url}live/{ROUND_2012}/")
        expect(page.get_by_role("row", name=re.compile("^Thames Valley Police Good progress"))).to_be_visible()
        page.get_by_role("link", name=re.compile("^Thames Valley Police has made good progress")).click()
        expect(page).to_have_url(f"{url}live/{ROUND_2012}/thames-valley/")
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "Thames Valley Police has made good progress in the way it identifies, monitors and manages "
            "integrity issues"
        )
        expect(
            page.get_by_role("link", name=re.compile("^Published 12:01am on 11 December 2012: download"))
        ).to_be_visible()
        with page.expect_download() as download:
            page.get_by_role("link", name=re.compile("^PDF")).click()
        saved = tmp_path / "release.pdf"
        download.value.save_as(saved)
    finally:
        context.close()
    [published] = (root / "live" / ROUND_2012 / "thames-valley").glob("*.pdf")
    assert saved.read_bytes()[:5] == b"%PDF-"
    assert saved.read_bytes() == published.read_bytes()
    assert download.value.suggested_filename == published.name


PAGES = {
    "home": "live/",
    "round": f"live/{ROUND_2012}/",
    "release": f"live/{ROUND_2013}/kent/",
    "corrected release": f"more/{ROUND_2012}/thames-valley/",
    "Welsh release": f"more/{ROUND_2012}/thames-valley/cy/",
    "Welsh release as built": f"live/{ROUND_2013}/dyfed-powys/cy/",
    "Welsh accessibility statement": "live/accessibility/cy/",
    "national release": f"more/{ROUND_2012}/national/",
    "accessibility statement": "live/accessibility/",
    "another format": "live/another-format/",
}


@pytest.mark.parametrize("kind", PAGES)
def test_axe_core_finds_nothing_on_any_kind_of_page(served: tuple[str, Path], browser: Browser, kind: str) -> None:
    url, _ = served
    context = browser.new_context()
    page = context.new_page()
    try:
        response = page.goto(url + PAGES[kind])
        assert response is not None
        assert response.status == 200
        page.add_script_tag(path=str(AXE))
        results = page.evaluate(
            """() => axe.run(document).then((r) => ({
                violations: r.violations.map((v) => ({
                    id: v.id, help: v.help, nodes: v.nodes.map((n) => n.target.join(" ")),
                })),
                passes: r.passes.map((p) => p.id),
            }))"""
        )
    finally:
        context.close()
    assert results["violations"] == [], kind
    assert {"html-has-lang", "document-title", "color-contrast", "landmark-one-main", "region"} <= set(
        results["passes"]
    )


def test_the_stylesheet_loads_and_nothing_is_fetched_from_elsewhere(served: tuple[str, Path], browser: Browser) -> None:
    url, _ = served
    context = browser.new_context()
    page = context.new_page()
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    try:
        page.goto(url + f"more/{ROUND_2012}/thames-valley/")
        border = page.evaluate("getComputedStyle(document.querySelector('.site-header')).borderBottomWidth")
    finally:
        context.close()
    assert border == "8px"
    assert all(request.startswith(url) for request in requested), requested


def test_a_welsh_reader_meets_welsh_from_the_skip_link_to_the_bilingual_pdf(
    served: tuple[str, Path], browser: Browser, tmp_path: Path
) -> None:
    url, root = served
    context = browser.new_context(java_script_enabled=False, accept_downloads=True)
    page = context.new_page()
    try:
        page.goto(url + f"more/{ROUND_2012}/thames-valley/cy/")
        assert page.evaluate("document.documentElement.lang") == "cy"
        expect(page.get_by_role("link", name="Neidio i’r prif gynnwys")).to_be_attached()
        expect(page.get_by_role("navigation", name="Briwsion bara")).to_be_visible()
        expect(page.get_by_role("link", name="Hafan")).to_have_attribute("hreflang", "en")
        with page.expect_download() as download:
            page.get_by_role("link", name=re.compile("^PDF yn Gymraeg ac yn Saesneg \\(dwyieithog\\)")).click()
        saved = tmp_path / "bilingual.pdf"
        download.value.save_as(saved)
        page.get_by_role("link", name="Datganiad hygyrchedd").click()
        expect(page).to_have_url(f"{url}more/accessibility/cy/")
        expect(page.get_by_role("heading", level=1)).to_have_text("Datganiad hygyrchedd")
    finally:
        context.close()
    [published] = (root / "more" / ROUND_2012 / "thames-valley").glob("*-cy-en.pdf")
    assert saved.read_bytes() == published.read_bytes()
    assert download.value.suggested_filename == published.name
