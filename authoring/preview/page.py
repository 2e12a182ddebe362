"""The page ``authoring preview`` serves: the release as its HTML shows it, or its problems.

:func:`compose` loads a form the way ``authoring validate`` and ``authoring build`` do
(:func:`authoring.build.pipeline.load`: one reading, every sentence made) and renders it the
way ``authoring build`` does. A valid form gives the release's very HTML (or, where its
campaign asks for one, its bilingual document's, which holds both languages) with four things
injected: the preview's stylesheet, a bar at the top (a link to the PDF of each language the
release is in, each link in its own language, and to the bilingual document's, and a draft's
``TODO`` gaps with their lines),
each ``TODO`` in the text marked, and the live-update script. An invalid form gives a page of
its located problems instead. Nothing here raises for a mistake in the files: every mistake
ends up on the page.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from importlib.resources import files
from pathlib import Path

from markupsafe import Markup, escape

from authoring.build.pipeline import load
from authoring.exceptions import AuthoringError, Problem, UsageError
from authoring.model.bilingual_document import bilingual_document
from authoring.model.language import ENGLISH, WELSH
from authoring.model.release import Release
from authoring.render.bilingual_doc import render_bilingual_html
from authoring.render.environment import Templates
from authoring.render.html import render_html

#: Where the page's live-update script is served.
SCRIPT_PATH = "/preview.js"
#: Where the release is printed as PDF, on request (its translations': see :func:`pdf_path`).
PDF_PATH = "/release.pdf"
#: Where a translation of the release is printed as PDF: ``/release-cy.pdf`` for the Welsh.
TRANSLATION_PDF_PATH = re.compile(r"/release-([a-z]{2,3})\.pdf")
#: The PDF link's words, in the language of the release it opens (the Welsh needs a Welsh speaker's check).
PDF_LINK_WORDS = {ENGLISH: "the PDF as it will be printed", WELSH: "y PDF Cymraeg fel y caiff ei argraffu"}
#: Where the preview prints a bilingual release's one bilingual document (docs/welsh.md), and the link's words.
DOCUMENT_PDF_PATH = "/release-cy-en.pdf"
DOCUMENT_LINK_WORDS = {WELSH: "y PDF dwyieithog", ENGLISH: "the bilingual PDF"}
#: Where the page waits for news of a change.
EVENTS_PATH = "/events"

#: What the preview marks in a draft's text: a gap's placeholder, or the word TODO.
_TODO = re.compile(r"\[TODO(?::[^\]]*)?\]|\bTODO\b")
# Text between two tags. Sound for the release's HTML: autoescaping leaves no '<' or '>' in text or attributes.
_TEXT = re.compile(r">([^<]+)<")
_STYLE = re.compile(r"<style\b[^>]*>(.*?)</style>", re.DOTALL)
_BODY = re.compile(r"<body[^>]*>")


@dataclass(frozen=True)
class Gap:
    """A ``TODO`` left in a draft form: the field and where it is."""

    path: Path
    line: int | None
    column: int | None
    field: str

    def __str__(self) -> str:
        return str(Problem(self.path, self.line, self.column, "", self.field))


@dataclass(frozen=True)
class Page:
    """One version of the preview page."""

    version: str
    html: str
    release: Release | None = None
    """The release shown, or ``None`` when the page shows problems instead."""
    release_html: str = ""
    """The release's HTML exactly as ``build`` writes it (the PDF is printed from it)."""
    translations_html: tuple[str, ...] = ()
    """The HTML of each of the release's translations (:attr:`Release.translations`, in order), as ``build``
    writes it (each one's PDF is printed from it)."""
    document_html: str = ""
    """Its bilingual document's HTML, as ``build`` writes it, where its campaign asks for one (docs/welsh.md):
    the page shows it in place of the release and its translations, and its PDF is printed from it."""

    def printable(self, language: str | None = None) -> tuple[Release, str] | None:
        """The release in ``language`` (default: the release itself) and its HTML; ``None`` if it has no such one."""
        if self.release is None:
            return None
        if language is None:
            return self.release, self.release_html
        for twin, html in zip(self.release.translations, self.translations_html, strict=False):
            if twin.language == language:
                return twin, html
        return None

    @property
    def csp(self) -> str:
        """The page's Content-Security-Policy: its own script and the exact stylesheets it embeds."""
        return (
            f"default-src 'none'; script-src 'self'; connect-src 'self'; style-src {styles_token(self.html)}; "
            "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
        )


def compose(form: Path, *, version: str, campaign: Path | None = None, templates: Templates | None = None) -> Page:
    """The preview page of ``form`` now: its release, or its problems (``templates``: default the shipped ones).

    The form is read once, through the same loader as a build; a draft's gaps are those
    that loader found, carried by the release.
    """
    try:
        report, loaded = load([form], campaign=campaign)
    except UsageError as error:  # the form is gone, e.g. between an editor's write and rename
        return problems_page(form, [str(error)], version=version)
    release = loaded[0].release if report.ok and loaded else None
    if release is None:
        return problems_page(form, report.problems, version=version)
    try:
        html = render_html(release, templates)
        translations = [render_html(twin, templates) for twin in release.translations]
        document = bilingual_document(release)
        together = render_bilingual_html(document, templates) if document is not None else ""
    except AuthoringError as error:
        return problems_page(form, [f"Error: {error}"], version=version)
    gaps = [Gap(gap.path, gap.line, gap.column, gap.field) for gap in release.gaps]
    languages = (release.language, *(twin.language for twin in release.translations))
    if document is not None:  # the one bilingual document holds both languages, Welsh first: shown in their place
        page = release_page(together, form, gaps, version=version, languages=languages, together=document.language)
    else:
        page = release_page(html, form, gaps, version=version, translations=translations, languages=languages)
    return Page(version, page, release, html, tuple(translations), together)


def pdf_path(language: str | None = None) -> str:
    """Where the preview prints the release as PDF (``/release.pdf``), or its translation in ``language``
    (``/release-cy.pdf``)."""
    return PDF_PATH if language is None else f"/release-{language}.pdf"


def release_page(
    html: str,
    form: Path,
    gaps: Sequence[Gap],
    *,
    version: str,
    translations: Sequence[str] = (),
    languages: Sequence[str] = (ENGLISH,),
    together: str | None = None,
) -> str:
    """The release's HTML with the preview's bar, ``TODO`` marks and script injected.

    A bilingual release's other languages (``translations``: their pages' HTML) follow it,
    each in a section marked with its language. ``languages`` are the release's and then each
    translation's: the bar links to the PDF of each, in that language's words. ``together``:
    ``html`` is the release's bilingual document, in that language (``cy``); the bar links to
    its PDF first.
    """
    head, body_tag, body = _split(html)
    if translations and "</body>" in body:
        body = body.replace("</body>", "".join(map(_translation, translations)) + "</body>", 1)
    items = Markup("").join(Markup('<li class="gap">{}</li>').format(_located(gap)) for gap in gaps)
    listing = (
        Markup('<div class="preview-todos"><p><strong>{}</strong></p><ul>{}</ul></div>').format(
            _count(len(gaps), "TODO gap") + " to fill", items
        )
        if gaps
        else Markup("")
    )
    page_language = together or languages[0]
    links = Markup(" · ").join(
        [
            *([_document_link(page_language)] if together else []),
            *(
                _pdf_link(lang, original=index == 0, page_language=page_language)
                for index, lang in enumerate(languages)
            ),
        ]
    )
    bar = Markup(
        '<aside class="preview-bar" aria-label="Preview"><p>Preview of <code>{}</code>, updated {} · {}</p>{}</aside>'
    ).format(form, _now(), links, listing)
    # Plain strings from here on: adding a str to Markup would escape the release's HTML.
    page = head.replace("</head>", f"{_preview_style()}</head>", 1) + body_tag + str(bar) + _mark_todos(body)
    if "</body>" not in page:  # a template being rewritten, say
        return page + _script(version, page)
    return page.replace("</body>", f"{_script(version, page)}</body>", 1)


def _pdf_link(language: str, *, original: bool, page_language: str) -> Markup:
    """A link to the PDF of the release in ``language``, in that language's words, marked so: ``hreflang``, and
    ``lang`` where the words are not in the page's language."""
    words_language = language if language in PDF_LINK_WORDS else ENGLISH
    own = Markup("") if words_language == page_language else Markup(' lang="{}"').format(words_language)
    return Markup('<a href="{}" hreflang="{}" type="application/pdf"{}>{}</a>').format(
        pdf_path(None if original else language), language, own, PDF_LINK_WORDS[words_language]
    )


def _document_link(page_language: str) -> Markup:
    """A link to the PDF of the bilingual document, in Welsh and then in English, each marked with its language."""
    words = Markup(" / ").join(
        Markup("{}").format(text)
        if language == page_language
        else Markup('<span lang="{}">{}</span>').format(language, text)
        for language, text in DOCUMENT_LINK_WORDS.items()
    )
    return Markup('<a href="{}" type="application/pdf">{}</a>').format(DOCUMENT_PDF_PATH, words)


def problems_page(form: Path, problems: Iterable[Problem | str], *, version: str) -> Page:
    """A page of problems (located, as ``validate`` prints them) in place of the release."""
    found = list(problems)
    items = Markup("").join(Markup('<li class="problem">{}</li>').format(_located(p)) for p in found)
    body = Markup(
        '<main class="preview-problems"><h1>{}</h1>'
        "<p>The release comes back here as soon as the form is saved without them.</p><ul>{}</ul></main>"
    ).format(_count(len(found), "problem") + " to fix", items)
    page = (
        '<!DOCTYPE html>\n<html lang="en-GB">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(form.name)}: {_count(len(found), 'problem')}</title>\n{_preview_style()}</head>\n<body>\n"
        f"{body}\n"
    )
    page += f"{_script(version, page)}</body>\n</html>\n"
    return Page(version, page)


def styles_token(html: str) -> str:
    """The CSP sources of every stylesheet ``html`` embeds (``'sha256-…'``, space-separated)."""
    hashes = sorted({hashlib.sha256(css.encode()).digest() for css in _STYLE.findall(html)})
    return " ".join(f"'sha256-{base64.b64encode(digest).decode()}'" for digest in hashes) or "'none'"


def script() -> bytes:
    """The live-update script."""
    return files("authoring").joinpath("data/preview.js").read_bytes()


def _located(item: Problem | Gap | str) -> Markup:
    """``path:line:col: field: message``, each part in its own element (the text reads as ``validate`` prints it)."""
    if isinstance(item, str):
        return Markup('<span class="message">{}</span>').format(item)
    where = str(item.path) + (f":{item.line}:{item.column or 1}" if item.line is not None else "")
    if isinstance(item, Gap):
        return Markup('<span class="where">{}</span>: <span class="field">{}</span>').format(where, item.field)
    field = Markup('<span class="field">{}</span>: ').format(item.field) if item.field else Markup("")
    return Markup('<span class="where">{}</span>: {}<span class="message">{}</span>').format(where, field, item.message)


#: A translation's landmarks and ids, renamed so that the page keeps one of each (a page has one main).
_LANDMARKS = {
    "<header>": '<div class="preview-header">',
    "</header>": "</div>",
    "<main>": '<div class="preview-main">',
    "</main>": "</div>",
    "<footer>": '<div class="preview-footer">',
    "</footer>": "</div>",
    'id="notes-heading"': 'id="notes-heading-{lang}"',
    'aria-labelledby="notes-heading"': 'aria-labelledby="notes-heading-{lang}"',
}
_LANG = re.compile(r'<html lang="([^"]+)"')


def _translation(html: str) -> str:
    """A translation's page as a section of the preview, in its own language: ``<section lang="cy">``."""
    match = _LANG.search(html)
    language = match.group(1) if match else ""
    _, _, body = _split(html)
    body = body.split("</body>", 1)[0]
    for old, new in _LANDMARKS.items():
        body = body.replace(old, new.format(lang=language))
    label = "Cymraeg" if language == "cy" else language
    return (
        f'<section class="preview-translation" lang="{escape(language)}" aria-label="{escape(label)}">'
        f"<hr>{body}</section>\n"
    )


def _split(html: str) -> tuple[str, str, str]:
    """The release's HTML as (everything before ``<body>``, the ``<body>`` tag, the rest)."""
    match = _BODY.search(html)
    if match is None:  # a template being rewritten, say: inject into what there is
        return "", "", html
    return html[: match.start()], match.group(0), html[match.end() :]


def _mark_todos(body: str) -> str:
    """Every ``TODO`` in the text of ``body`` wrapped in ``<mark class="todo">``."""

    def mark_text(match: re.Match[str]) -> str:
        return ">" + _TODO.sub(lambda gap: f'<mark class="todo">{gap.group(0)}</mark>', match.group(1)) + "<"

    return _TEXT.sub(mark_text, body)


def _script(version: str, page: str) -> str:
    """The script element: its version, and the stylesheets the page's policy allows."""
    return str(
        Markup('<script src="{}" data-version="{}" data-styles="{}"></script>\n').format(
            SCRIPT_PATH, version, styles_token(page)
        )
    )


def _preview_style() -> str:
    css = files("authoring").joinpath("data/preview.css").read_text(encoding="utf-8")
    return f"<style>{css}</style>\n"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _now() -> str:
    return datetime.now().astimezone().strftime("%H:%M:%S")
