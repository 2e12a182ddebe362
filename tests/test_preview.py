"""`authoring preview`: the release in a real browser, updated on every save.

The browser is the interface, so most tests drive Debian's Chromium headless through
Playwright (launched from its own path: Playwright downloads no browser here) against the
real CLI, run as a subprocess with ``--no-browser``, and edit the files on disk as an
editor would: in place, and by writing a new file and renaming it over the old one.
They are skipped, saying why, where Chromium is not installed (scripts/install-a11y-tools).
"""

from __future__ import annotations

import io
import json
import os
import re
import select
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pikepdf
import pypdf
import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright
from playwright.sync_api import Error as PlaywrightError
from typer.testing import CliRunner

from authoring.build.pipeline import load_releases, render
from authoring.cli.app import app
from authoring.inputs.scaffold import new_form
from authoring.inputs.validate import validate
from authoring.model.release import Release
from authoring.preview.page import compose
from authoring.preview.server import HOST, Preview, PreviewServer
from authoring.render import Format
from authoring.render.html import render_html
from tests.conftest import ROOT
from tests.readback import normalise
from tests.test_accessibility_html import AXE, CHROMIUM, CHROMIUM_FLAGS

needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="the preview's browser tests need Chromium; run scripts/install-a11y-tools (CI does)"
)
#: A name the browser resolves to 127.0.0.1 by itself, as a DNS-rebinding attacker's would.
REBOUND = "rebound.example"
#: How long a change may take to reach the open page (the issue asks for a second; this allows a busy machine).
UPDATE_MS = 3000
runner = CliRunner()


@dataclass
class Running:
    """A preview server: the real CLI in a subprocess."""

    process: subprocess.Popen[str]
    url: str
    first_line: str

    @property
    def port(self) -> int:
        return int(self.url.rsplit(":", 1)[1].rstrip("/"))

    def get(self, path: str, *, host: str | None = None) -> tuple[int, dict[str, str], bytes]:
        request = urllib.request.Request(self.url.rstrip("/") + path, headers={"Host": host} if host else {})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read()

    def stop(self) -> tuple[int, str, str]:
        """Ctrl-C, as a press officer would: the exit status, and what it printed after its first line."""
        self.process.send_signal(signal.SIGINT)
        out, err = self.process.communicate(timeout=10)
        return self.process.returncode, out, err


def start_preview(form: Path, *options: str, env: dict[str, str] | None = None) -> Running:
    """Run ``python -m authoring preview FORM --no-browser`` and wait for it to say where it is."""
    process = subprocess.Popen(
        [sys.executable, "-m", "authoring", "preview", str(form), "--no-browser", *options],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
        # Ctrl-C must reach it even where the test run itself ignores SIGINT (a background job).
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    assert process.stdout is not None
    ready, _, _ = select.select([process.stdout], [], [], 30)
    line = process.stdout.readline() if ready else ""
    match = re.fullmatch(r"Previewing (.+) at (http://127\.0\.0\.1:\d+/) \(press Ctrl-C to stop\)\n", line)
    if match is None:
        process.kill()
        _, err = process.communicate(timeout=10)
        pytest.fail(f"the preview did not start: {line!r} {err}")
    assert match.group(1) == str(form)
    return Running(process, match.group(2), line)


@pytest.fixture
def form(forces_copy: Path) -> Path:
    return forces_copy / "thames-valley.yaml"


@pytest.fixture
def draft(forces_copy: Path) -> Path:
    written = new_form("kent", forms_dir=forces_copy).written
    return written[0]


@pytest.fixture
def previews() -> Iterator[Callable[..., Running]]:
    """Start previews (see :func:`start_preview`); each is stopped after the test, after its page closed."""
    started: list[Running] = []

    def start(form: Path, *options: str, env: dict[str, str] | None = None) -> Running:
        started.append(start_preview(form, *options, env=env))
        return started[-1]

    yield start
    for running in started:
        if running.process.poll() is None:
            running.stop()


@pytest.fixture
def preview(previews: Callable[..., Running], form: Path) -> Running:
    return previews(form)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if CHROMIUM is None:
        pytest.skip("no Chromium")
    flags = [flag for flag in CHROMIUM_FLAGS if flag != "--headless"]  # Playwright adds its own
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[*flags, "--disable-quic", f"--host-resolver-rules=MAP {REBOUND} 127.0.0.1"],
        )
        yield launched
        launched.close()


@pytest.fixture
def console_errors() -> Iterator[list[str]]:
    """The errors the page reports (scripts, the security policy, failed requests): none, unless a test expects them."""
    errors: list[str] = []
    yield errors
    assert errors == [], "\n".join(errors)


@pytest.fixture
def page(browser: Browser, console_errors: list[str]) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 900, "height": 500})
    opened = context.new_page()
    opened.on("console", lambda message: console_errors.append(message.text) if message.type == "error" else None)
    opened.on("pageerror", lambda error: console_errors.append(str(error)))
    yield opened
    context.close()


def the_release(form: Path) -> Release:
    [(_, release)] = load_releases([form])
    return release


def edit_in_place(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    with path.open("w", encoding="utf-8") as file:  # same file, same inode: a save in place
        file.write(text.replace(old, new))


def edit_by_rename(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    temporary = path.with_name(f".{path.name}.swp")
    temporary.write_text(text.replace(old, new), encoding="utf-8")
    temporary.replace(path)  # a new file, renamed over the old one (vim, most IDEs)


def wait_for_text(page: Page, selector: str, text: str) -> float:
    """Seconds until the element's text contains ``text``; fails after :data:`UPDATE_MS`.

    (Playwright's ``expect`` polls without ``eval``, which the page's security policy forbids.)
    """
    started = time.monotonic()
    expect(page.locator(selector)).to_contain_text(text, timeout=UPDATE_MS)
    return time.monotonic() - started


# The page shows the release.


@needs_chromium
def test_the_page_shows_the_release(preview: Running, form: Path, page: Page) -> None:
    release = the_release(form)
    page.goto(preview.url)
    assert page.title() == release.headline
    assert page.inner_text("h1") == release.headline
    findings = [normalise(text) for text in page.locator("ul.findings li").all_inner_texts()]
    assert len(findings) == len(release.findings) == 11
    assert findings[5] == (
        "Since September 2011 the force has investigated three instances of inappropriate disclosure to the media. "
        "One of these was continuing at the time of our inspection."
    )
    assert normalise(page.inner_text("figcaption")) == normalise(release.attribution)
    # The release's own stylesheet applies (the page's policy allows exactly it), and the preview's bar.
    assert "Atkinson Hyperlegible" in page.evaluate("getComputedStyle(document.querySelector('h1')).fontFamily")
    assert page.evaluate("getComputedStyle(document.querySelector('.preview-bar')).borderBottomStyle") == "solid"
    assert page.locator(".preview-bar a").get_attribute("href") == "/release.pdf"
    assert page.locator("mark").count() == 0  # a final form has no gaps


def test_the_page_is_the_release_html_with_only_the_preview_injected(form: Path, draft: Path) -> None:
    for path in (form, draft):
        page = compose(path, version="v1")
        assert page.release is not None
        assert page.release_html == render_html(page.release)
        html = page.html
        html = re.sub(r"<style>/\* authoring preview:.*?</style>\n", "", html, count=1, flags=re.DOTALL)
        html = re.sub(r'<aside class="preview-bar" aria-label="Preview">.*?</aside>', "", html, count=1)
        html = re.sub(r'<script src="/preview\.js" data-version="v1" data-styles="[^"]+"></script>\n', "", html)
        html = re.sub(r'<mark class="todo">(.*?)</mark>', r"\1", html)
        assert html == page.release_html


# An edit appears without a reload.


@needs_chromium
def test_an_edit_to_the_form_appears_without_a_reload(preview: Running, form: Path, page: Page) -> None:
    page.goto(preview.url)
    page.evaluate("window.scrollTo(0, 600); window.samePage = 'yes'")
    assert page.evaluate("window.scrollY") == 600

    edit_in_place(form, "integrity subgroup.", "integrity subgroup, saved in place.")
    seconds = wait_for_text(page, "ul.findings", "integrity subgroup, saved in place.")
    assert seconds < 1.0  # typically 0.3 s: up to 0.2 s to notice, 0.05 s to let the write settle, and the swap
    edit_by_rename(form, "reduce\n    risks", "reduce risks, written and renamed,")
    wait_for_text(page, "ul.findings", "reduce risks, written and renamed,")

    assert page.evaluate("window.samePage") == "yes"  # swapped in, not reloaded
    assert page.evaluate("window.scrollY") == 600
    assert page.locator("script").count() == 1  # the new page's script was not run a second time
    assert preview.process.poll() is None


@needs_chromium
def test_an_edit_to_the_campaign_or_a_template_appears(
    previews: Callable[..., Running], forces_copy: Path, form: Path, page: Page
) -> None:
    templates = shutil.copytree(ROOT / "templates", forces_copy.parent / "templates")
    preview = previews(form, env={"AUTHORING_TEMPLATES": str(templates)})
    page.goto(preview.url)
    page.evaluate("window.scrollTo(0, 300); window.samePage = 'yes'")

    edit_in_place(forces_copy / "campaign.yaml", "0203 513 0600", "0203 513 0999")
    wait_for_text(page, "section.notes", "0203 513 0999")
    template = templates / "html" / "release.html.j2"
    edit_by_rename(template, "<main>\n", '<main>\n  <p class="standfirst">A paragraph the designer added.</p>\n')
    wait_for_text(page, "main", "A paragraph the designer added.")
    assert page.evaluate("window.samePage") == "yes"

    # A template that does not compile: the page says so, and the server goes on.
    edit_in_place(template, "</main>", "{% if %}</main>")
    wait_for_text(page, ".preview-problems li", "Error: template html/release.html.j2, line ")
    edit_in_place(template, "{% if %}</main>", "</main>")
    wait_for_text(page, "main", "A paragraph the designer added.")

    # A new stylesheet is not one the page's policy allows: the page reloads, and keeps its place.
    page.evaluate("window.scrollTo(0, 300)")
    edit_in_place(templates / "html" / "release.css", "html {", "h1 { letter-spacing: 3px; }\n\nhtml {")
    expect(page.locator("h1")).to_have_css("letter-spacing", "3px", timeout=UPDATE_MS)
    assert page.evaluate("window.samePage") is None
    assert page.evaluate("window.scrollY") == 300


# A broken form shows its located problems, and recovers.


@needs_chromium
def test_a_broken_form_shows_its_located_problems_and_recovers(preview: Running, form: Path, page: Page) -> None:
    page.goto(preview.url)
    good = form.read_text(encoding="utf-8")
    edit_in_place(form, "grade: good-progress", "grade: excellent")
    edit_in_place(form, "approved: 128", "approved: 130")

    expect(page.locator(".preview-problems li")).to_have_count(2, timeout=UPDATE_MS)
    shown = page.locator(".preview-problems li").all_inner_texts()
    validated = runner.invoke(app, ["validate", str(form)])
    assert validated.exit_code == 1
    # validate prints its problems on stderr, then a count of them
    assert shown == [str(problem) for problem in validate([form]).problems] == validated.stderr.splitlines()[:-1]
    approved = form.read_text(encoding="utf-8").splitlines().index("    approved: 130") + 1
    assert page.locator(".preview-problems li .where").all_inner_texts() == [f"{form}:4:8", f"{form}:{approved}:15"]
    assert page.locator(".preview-problems li .field").all_inner_texts() == ["grade", "findings.9.approved"]
    assert "excellent" in shown[0]
    assert page.inner_text("h1") == "2 problems to fix"
    assert page.locator("main.preview-problems ~ *:not(script)").count() == 0  # no release beside them

    edit_by_rename(form, "approved: 130", "approved: 128")
    expect(page.locator(".preview-problems li")).to_have_count(1, timeout=UPDATE_MS)
    assert page.inner_text("h1") == "1 problem to fix"
    form.write_text(good, encoding="utf-8")
    expect(page.locator("ul.findings li")).to_have_count(11, timeout=UPDATE_MS)
    assert page.inner_text("h1") == the_release(form).headline
    assert preview.process.poll() is None  # the server never died


@needs_chromium
def test_problem_text_is_shown_as_text_never_as_markup(preview: Running, form: Path, page: Page) -> None:
    page.goto(preview.url)
    edit_in_place(form, "force: thames-valley", 'force: "<img src=x onerror=alert(1)><script>alert(2)</script>"')
    expect(page.locator(".preview-problems li")).to_have_count(1, timeout=UPDATE_MS)
    [shown] = page.locator(".preview-problems li").all_inner_texts()
    assert shown == str(validate([form]).problems[0])
    assert "'<img src=x onerror=alert(1)><script>alert(2)</script>'" in shown
    assert page.locator("img").count() == 0
    assert page.locator("script").count() == 1
    _, _, served = preview.get("/")
    assert b"<img" not in served
    assert b"&lt;img src=x onerror=alert(1)&gt;&lt;script&gt;alert(2)&lt;/script&gt;" in served


def test_a_form_that_disappears_while_saved_is_a_problem_until_it_is_back(form: Path) -> None:
    preview = Preview(form)
    text = form.read_text(encoding="utf-8")
    form.unlink()
    assert preview.refresh()
    assert preview.page.release is None
    assert f'<li class="problem"><span class="message">{form}: no such file or folder</span></li>' in preview.page.html
    form.write_text(text, encoding="utf-8")
    assert preview.refresh()
    assert preview.page.release is not None
    assert not preview.refresh()  # nothing changed since


def test_a_campaign_named_on_the_command_line_is_the_one_used_and_watched(forces_copy: Path, form: Path) -> None:
    other = forces_copy.parent / "another-round.yaml"
    other.write_text(
        (forces_copy / "campaign.yaml").read_text(encoding="utf-8").replace("0203 513 0600", "0203 513 0777"),
        encoding="utf-8",
    )
    preview = Preview(form, campaign=other)
    assert "0203 513 0777" in preview.page.html
    edit_by_rename(other, "0203 513 0777", "0203 513 0888")
    assert preview.refresh()
    assert "0203 513 0888" in preview.page.html
    edit_in_place(forces_copy / "campaign.yaml", "0203 513 0600", "0203 513 0999")  # not this one's campaign
    assert not preview.refresh()


# Drafts show their gaps.


@needs_chromium
def test_a_draft_shows_its_todo_gaps_marked_and_listed(
    previews: Callable[..., Running], draft: Path, page: Page
) -> None:
    lines = draft.read_text(encoding="utf-8").splitlines()

    def at(start: str) -> str:
        """Where the TODO on the first line starting with ``start`` is: path, line and column."""
        line, content = next((n, content) for n, content in enumerate(lines, 1) if content.startswith(start))
        return f"{draft}:{line}:{content.index('TODO') + 1}"

    preview = previews(draft)
    page.goto(preview.url)
    assert page.locator("mark.todo").all_inner_texts() == [
        "[TODO: grade]",
        "[TODO: findings]",
        "[TODO: inspector]",
        "[TODO: quote]",
    ]
    assert page.locator("h1 mark.todo").inner_text() == "[TODO: grade]"
    assert page.inner_text(".preview-todos p") == "4 TODO gaps to fill"
    assert page.locator(".preview-todos li").all_inner_texts() == [
        f"{at('grade:')}: grade",
        f"{at('inspector:')}: inspector",
        f"{at('  - TODO')}: findings.0",
        f"{draft}:{lines.index('quote:') + 2}:5: quote.0",
    ]
    expect(page.locator("mark.todo").first).to_have_css("background-color", "rgb(255, 221, 0)")

    edit_in_place(draft, "grade: TODO", "grade: good-progress")
    expect(page.locator(".preview-todos li")).to_have_count(3, timeout=UPDATE_MS)
    assert page.inner_text(".preview-todos p") == "3 TODO gaps to fill"
    assert page.locator("h1 mark").count() == 0


# The PDF, on request.


def test_the_pdf_is_the_release_as_printed(preview: Running, form: Path) -> None:
    status, headers, data = preview.get("/release.pdf")
    release = the_release(form)
    assert status == 200
    assert headers["Content-Type"] == "application/pdf"
    assert headers["Content-Disposition"] == f'inline; filename="{release.file_stem}.pdf"'
    assert data == render(release, [Format.PDF])[Format.PDF]  # exactly what build writes
    text = normalise(" ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages))
    assert normalise(release.headline) in text

    edit_in_place(form, "grade: good-progress", "grade: excellent")
    deadline = time.monotonic() + UPDATE_MS / 1000
    while (status := preview.get("/release.pdf")[0]) == 200 and time.monotonic() < deadline:
        time.sleep(0.1)
    status, headers, data = preview.get("/release.pdf")
    assert status == 409
    assert data.decode() == (
        "No PDF: the form has problems (see the preview); the PDF is printed once they are fixed.\n"
    )


# A bilingual release: a PDF link for each language, each in its own language.

EXAMPLE = ROOT / "forces" / "value-for-money-2013"


@pytest.fixture
def bilingual(tmp_path: Path) -> Path:
    """A writable copy of the example round's Dyfed-Powys form (bilingual: Welsh and English) and its campaign."""
    shutil.copytree(EXAMPLE, tmp_path / "value-for-money-2013")
    return tmp_path / "value-for-money-2013" / "dyfed-powys.yaml"


def _pdf_language_and_text(data: bytes) -> tuple[str, str]:
    with pikepdf.open(io.BytesIO(data)) as pdf:
        language = str(pdf.Root.Lang)
    return language, normalise(" ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages))


@needs_chromium
def test_each_language_has_its_own_pdf_link_in_its_own_language(
    previews: Callable[..., Running], bilingual: Path, browser: Browser
) -> None:
    release = the_release(bilingual)
    [welsh] = release.translations
    built = render(release, [Format.PDF])  # what build writes: pdf, and pdf@cy
    preview = previews(bilingual)
    # A context of its own: opening a PDF, Chromium asks for /favicon.ico, which the preview does not serve.
    context = browser.new_context(viewport={"width": 900, "height": 500})
    errors: list[str] = []
    try:
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on(
            "response",
            lambda response: (
                errors.append(f"{response.status} {response.url}")
                if response.status >= 400 and not response.url.endswith("/favicon.ico")
                else None
            ),
        )
        page.goto(preview.url)

        links = page.locator(".preview-bar a")
        expect(links).to_have_count(2)
        english_link, welsh_link = links.all()
        assert english_link.inner_text() == "the PDF as it will be printed"
        assert (english_link.get_attribute("href"), english_link.get_attribute("hreflang")) == ("/release.pdf", "en-GB")
        assert english_link.evaluate("link => link.closest('[lang]').lang") == "en-GB"
        assert welsh_link.inner_text() == "y PDF Cymraeg fel y caiff ei argraffu"
        assert (welsh_link.get_attribute("href"), welsh_link.get_attribute("hreflang")) == ("/release-cy.pdf", "cy")
        assert welsh_link.evaluate("link => link.closest('[lang]').lang") == "cy"  # a screen reader says it in Welsh
        assert page.get_by_role("link", name="y PDF Cymraeg fel y caiff ei argraffu").count() == 1

        opened: dict[str, tuple[str, bytes]] = {}
        for name in ("the PDF as it will be printed", "y PDF Cymraeg fel y caiff ei argraffu"):
            link = page.get_by_role("link", name=name)
            language = str(link.get_attribute("hreflang"))
            href = str(link.get_attribute("href"))
            with page.expect_response(lambda response: response.url.endswith(".pdf")) as response:
                link.click()
            assert response.value.status == 200
            assert response.value.header_value("content-type") == "application/pdf"
            assert page.url == preview.url.rstrip("/") + href
            assert page.evaluate("document.contentType") == "application/pdf"  # shown in the browser's PDF viewer
            disposition = response.value.header_value("content-disposition") or ""
            opened[language] = (disposition, context.request.get(page.url).body())  # the bytes it shows
            page.go_back()
            expect(page.locator(".preview-bar a")).to_have_count(2)
    finally:
        context.close()
    assert errors == []
    assert opened["en-GB"] == (f'inline; filename="{release.file_stem}.pdf"', built[Format.PDF])
    assert opened["cy"] == (f'inline; filename="{welsh.file_stem}.pdf"', built[Format("pdf@cy")])  # as build writes
    assert welsh.file_stem == f"{release.file_stem}-cy"
    english_lang, english_text = _pdf_language_and_text(opened["en-GB"][1])
    welsh_lang, welsh_text = _pdf_language_and_text(opened["cy"][1])
    assert (english_lang, welsh_lang) == ("en-GB", "cy")
    assert normalise(welsh.headline) in welsh_text
    assert normalise(welsh.headline) not in english_text
    assert normalise(release.headline) in english_text


@needs_chromium
@pytest.mark.skipif(not AXE.is_file(), reason="needs axe-core; run scripts/install-a11y-tools (CI does)")
def test_axe_core_finds_nothing_on_the_bilingual_preview_in_the_browser(
    previews: Callable[..., Running], bilingual: Path, browser: Browser
) -> None:
    preview = previews(bilingual)
    context = browser.new_context(bypass_csp=True)  # axe is injected into the page; its policy would refuse it
    try:
        page = context.new_page()
        page.goto(preview.url)
        expect(page.locator(".preview-bar a[lang=cy]")).to_have_count(1)
        page.add_script_tag(path=str(AXE))
        results = page.evaluate(
            """() => axe.run(document).then((r) => ({
                violations: r.violations.map((v) => ({id: v.id, nodes: v.nodes.map((n) => n.target.join(" "))})),
                passes: r.passes.map((p) => p.id),
            }))"""
        )
    finally:
        context.close()
    assert results["violations"] == []
    assert {"valid-lang", "html-has-lang", "link-name", "color-contrast"} <= set(results["passes"])


def test_the_welsh_pdf_is_printed_by_the_runs_engine_and_fails_as_the_english_one_does(
    previews: Callable[..., Running], bilingual: Path, form: Path
) -> None:
    preview = previews(bilingual, "--pdf-engine", "typst")
    release = the_release(bilingual)
    for path, language, stem in (
        ("/release.pdf", "en-GB", release.file_stem),
        ("/release-cy.pdf", "cy", release.translations[0].file_stem),
    ):
        status, headers, data = preview.get(path)
        assert status == 200
        assert headers["Content-Type"] == "application/pdf"
        assert headers["Content-Disposition"] == f'inline; filename="{stem}.pdf"'
        with pikepdf.open(io.BytesIO(data)) as pdf:
            assert str(pdf.Root.Lang) == language
            assert str(pdf.docinfo.Creator).startswith("Typst")  # the run's engine, for both languages

    edit_in_place(bilingual, "grade: requires-improvement", "grade: excellent")
    deadline = time.monotonic() + UPDATE_MS / 1000
    while preview.get("/release-cy.pdf")[0] == 200 and time.monotonic() < deadline:
        time.sleep(0.1)
    refused = "No PDF: the form has problems (see the preview); the PDF is printed once they are fixed.\n"
    for path in ("/release.pdf", "/release-cy.pdf"):
        status, _, data = preview.get(path)
        assert (status, data.decode()) == (409, refused)

    english_only = previews(form)  # a release in English only has no Welsh PDF, and no link to one
    assert english_only.get("/release-cy.pdf")[:3:2] == (404, b"No PDF: this release has no version in 'cy'.\n")
    assert english_only.get("/release-xx.pdf")[0] == 404
    _, _, html = english_only.get("/")
    assert b"/release-cy.pdf" not in html
    assert html.count(b'type="application/pdf"') == 1


# Only the release, only on loopback.


def test_only_the_release_and_its_assets_are_served(preview: Running) -> None:
    status, headers, page = preview.get("/")
    assert status == 200
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert headers["Content-Security-Policy"].startswith(
        "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'sha256-"
    )
    assert headers["X-Content-Type-Options"] == "nosniff"
    status, headers, script = preview.get("/preview.js")
    assert (status, headers["Content-Type"]) == (200, "text/javascript; charset=utf-8")
    assert script == (ROOT / "authoring" / "data" / "preview.js").read_bytes()
    version = re.search(rb'data-version="([^"]+)"', page)
    assert version is not None
    status, _, news = preview.get("/events?version=stale")
    assert (status, json.loads(news)) == (200, {"version": version.group(1).decode()})
    for path in ("/index.html", "/thames-valley.yaml", "/campaign.yaml", "/../campaign.yaml", "/preview.js/", "/etc"):
        status, _, body = preview.get(path)
        assert (status, body) == (404, b"Not found: this preview serves the release and nothing else.\n")
    post = urllib.request.Request(preview.url, data=b"x", method="POST")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(post, timeout=10)
    assert refused.value.code == 501


def test_a_foreign_host_header_is_refused(preview: Running) -> None:
    for host in ("rebound.example", f"rebound.example:{preview.port}", "127.0.0.1.nip.io"):
        status, _, body = preview.get("/", host=host)
        assert (status, body.decode()) == (403, f"This preview answers only at {preview.url}\n")
    port = preview.port
    assert preview.get("/", host=f"localhost:{port}")[0] == 200


@pytest.mark.skipif(not Path("/proc/net/tcp").is_file(), reason="reads the listening sockets from Linux's /proc")
def test_the_server_listens_on_loopback_only(preview: Running) -> None:
    port = preview.port
    sockets = [
        line.split() for table in ("tcp", "tcp6") for line in Path(f"/proc/net/{table}").read_text().splitlines()[1:]
    ]
    listening = [local for _, local, _, state, *_ in sockets if local.endswith(f":{port:04X}") and state == "0A"]
    assert listening == [f"0100007F:{port:04X}"]  # 127.0.0.1, and no other address
    with pytest.raises(ConnectionRefusedError), socket.create_connection(("127.0.0.2", port), timeout=5):
        pass


@needs_chromium
def test_the_browser_reaches_the_preview_only_on_loopback(preview: Running, page: Page) -> None:
    port = preview.port
    with pytest.raises(PlaywrightError, match="ERR_CONNECTION_REFUSED"):
        page.goto(f"http://127.0.0.2:{port}/")
    rebound = page.context.new_page()
    response = rebound.goto(f"http://{REBOUND}:{port}/")  # a DNS name rebound to 127.0.0.1
    assert response is not None
    assert response.status == 403
    assert response.text() == f"This preview answers only at {preview.url}\n"
    local = page.context.new_page()
    local.goto(f"http://localhost:{port}/")
    assert local.locator("ul.findings li").count() == 11


def test_the_server_object_is_bound_to_127_0_0_1(form: Path) -> None:
    with PreviewServer(Preview(form)) as server:
        assert server.socket.getsockname() == (HOST, server.port)
        assert server.url == f"http://127.0.0.1:{server.port}/"


# Stopping, and usage mistakes.


def test_ctrl_c_stops_it_cleanly_even_while_a_page_waits(preview: Running) -> None:
    waiting = threading.Thread(target=preview.get, args=("/events?version=current",), daemon=True)
    waiting.start()
    time.sleep(0.3)
    started = time.monotonic()
    status, out, err = preview.stop()
    assert time.monotonic() - started < 3
    assert (status, out, err) == (0, "\nPreview stopped.\n", "")


@pytest.mark.parametrize(
    ("argument", "message"),
    [
        ("missing.yaml", "Error: missing.yaml: no such file\n"),
        (".", "Error: .: give one form file, not a folder\n"),
    ],
)
def test_a_form_that_is_not_a_file_is_a_usage_error(argument: str, message: str) -> None:
    result = runner.invoke(app, ["preview", argument, "--no-browser"])
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", message)


def test_a_campaign_file_is_not_a_form(forces_copy: Path) -> None:
    result = runner.invoke(app, ["preview", str(forces_copy / "campaign.yaml"), "--no-browser"])
    assert result.exit_code == 2
    campaign = forces_copy / "campaign.yaml"
    assert result.stderr == f"Error: {campaign} is the campaign file; give a form file, e.g. forces/kent.yaml\n"


def test_a_busy_port_is_a_usage_error(form: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = runner.invoke(app, ["preview", str(form), "--no-browser", "--port", str(port)])
    assert result.exit_code == 2
    assert result.stderr == f"Error: port {port} is in use; choose another with --port, or leave it out\n"
