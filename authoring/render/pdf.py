"""PDF: WeasyPrint prints the HTML, fetching nothing but the project's own assets; or Typst lays it out.

Each release's PDF is made by its engine (:attr:`~authoring.model.release.Release.pdf_engine`:
the house words' ``pdf_engine``, a campaign's, or ``--pdf-engine``): WeasyPrint, from the
HTML page, as described below, or Typst, from the release's data
(:mod:`authoring.render.typst`). Both make a tagged PDF/UA-1 file in the same fonts and
layout; ``docs/pdf-engines.md`` compares them.

The result is a tagged PDF/UA-1 file (language, title, structure tree) whose metadata
comes from the HTML's ``<title>`` and ``<meta>`` elements, set in the house font (and,
for the letters it lacks, its fallback family): :mod:`authoring.render.fonts` ships both,
and a character neither can print stops the build rather than letting the machine
substitute a font of its own.

WeasyPrint may read three folders and nothing else: the templates' ``html/`` folder (the
stylesheet) and the two font packages' folders; ``data:`` URIs are allowed too. Any other URL
(``http:``, a file elsewhere, a path that escapes through ``..`` or a symbolic link)
stops the build with :class:`~authoring.exceptions.ForbiddenResourceError`.

WeasyPrint is imported lazily: it takes most of a second to import, and commands that
do not make PDFs (validate, forces, a no-op batch) should not pay for it.
"""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Mapping, Sequence
from html.parser import HTMLParser
from typing import TYPE_CHECKING, Any

from authoring.exceptions import RenderError
from authoring.model.release import Release
from authoring.model.types import PdfEngine
from authoring.render import Format, Renderer, register
from authoring.render.environment import Templates
from authoring.render.unprintable import refuse_unprintable

if TYPE_CHECKING:
    import weasyprint

from authoring.render.assets import (
    assets_fetcher,
    base_url,
    font_config,
    house_font_stylesheet,
    parsed_stylesheet,
    stylesheet_text,
)
from authoring.render.weasy import fatal_class, render_errors, use_fast_compression, weasyprint_module

#: The PDF variant: tagged, accessible PDF.
PDF_VARIANT = "pdf/ua-1"


def render_pdf(release: Release, html: str | None, templates: Templates | None = None) -> bytes:
    """The release as PDF bytes, deterministically, by its engine (default: the shipped templates).

    WeasyPrint prints ``html`` (the release's HTML page); Typst needs none (it may be ``None``).
    """
    if release.pdf_engine is PdfEngine.TYPST:
        from authoring.render.typst import render_typst_pdf

        return render_typst_pdf(release, templates)
    if html is None:
        from authoring.render.html import render_html

        html = render_html(release, templates)
    return write(release, lay_out(release, html, templates), html)


class PdfRenderer(Renderer):
    """The printable release: the HTML page, printed."""

    format = Format.PDF
    extension = "pdf"
    needs = (Format.HTML,)
    warms_up = True

    def warm_up(self, templates: Templates) -> None:
        warm_up(templates)

    def warm_up_for(self, templates: Templates, releases: Sequence[Release]) -> None:
        """Warm up the engines these releases use, and only those (WeasyPrint if none is given)."""
        engines = {release.pdf_engine for release in releases} or {PdfEngine.WEASYPRINT}
        if PdfEngine.WEASYPRINT in engines:
            warm_up(templates)
        if PdfEngine.TYPST in engines:
            from authoring.render.typst import warm_up as warm_up_typst

            warm_up_typst(templates)

    def fork_safe(self) -> bool:
        """Not once Typst has laid a page out in this process (:func:`authoring.render.typst.fork_safe`)."""
        typst = sys.modules.get("authoring.render.typst")
        return typst is None or bool(typst.fork_safe())

    def settings(self, release: Release) -> dict[str, str]:
        """The engine that prints the PDF: another engine, another file."""
        return {"pdf_engine": release.pdf_engine.value}

    def needs_for(self, release: Release) -> tuple[Format, ...]:
        """WeasyPrint prints the HTML page; Typst needs no other format."""
        return () if release.pdf_engine is PdfEngine.TYPST else self.needs

    def render(self, release: Release, templates: Templates, needed: Mapping[Format, bytes]) -> bytes:
        html = needed.get(Format.HTML)
        return render_pdf(release, None if html is None else html.decode(), templates)


register(PdfRenderer())


def lay_out(release: Release, html: str, templates: Templates | None = None) -> weasyprint.Document:
    """Lay the release's HTML out in pages, in the house font (about two thirds of a PDF's time).

    The house stylesheet embedded in the page is parsed once per process, not once per
    release: WeasyPrint gets the page without that ``<style>`` element and the parsed
    stylesheet beside it, which prints the very same PDF (tested). A page whose
    stylesheet differs from the house one (another templates folder) is printed as it is.
    """
    weasyprint = weasyprint_module()

    templates = templates or Templates.at()
    _check_printable(release, html)
    page_html = html
    css = stylesheet_text(templates)
    embedded = f"<style>\n{css}\n</style>"
    with render_errors(release):
        stylesheets = [house_font_stylesheet()]
        if css and embedded in html:
            page_html = html.replace(embedded, "", 1)
            stylesheets.append(parsed_stylesheet(css, templates))
        page = weasyprint.HTML(string=page_html, base_url=base_url(templates), url_fetcher=assets_fetcher(templates))
        return page.render(stylesheets=stylesheets, font_config=font_config(), **_options(html))


def write(release: Release, document: weasyprint.Document, html: str) -> bytes:
    """Write laid-out pages as a tagged PDF: fonts subset and embedded, metadata from the HTML."""
    use_fast_compression()
    with render_errors(release):
        pdf = document.write_pdf(**_options(html))
    if not isinstance(pdf, bytes):  # pragma: no cover - write_pdf() without a target returns bytes
        raise RenderError(f"{release.force.slug}: WeasyPrint returned no PDF")
    return pdf


def _options(html: str) -> dict[str, Any]:
    """PDF options: the accessible variant, and an identifier derived from the content."""
    return {"pdf_variant": PDF_VARIANT, "pdf_identifier": hashlib.sha256(html.encode()).hexdigest()[:32].encode()}


def warm_up(templates: Templates | None = None) -> None:
    """Import WeasyPrint, parse the house stylesheet, and print a line in its fonts as a tagged PDF.

    That loads the fonts and the font subsetter, and parses the C types WeasyPrint asks
    cffi for while it writes a PDF (70 ms the first time, in each process). A batch calls
    this once before it forks its workers (or each worker once when it starts, where
    processes cannot be forked), before the first release.
    """
    weasyprint = weasyprint_module()

    html = '<html lang="en"><title>Warm</title><h1>Warm</h1><p>up <em>fonts</em> <strong>once</strong></p></html>'
    templates = templates or Templates.at()
    css = stylesheet_text(templates)
    options = _options(html)
    use_fast_compression()
    try:
        stylesheets = [house_font_stylesheet(), *([parsed_stylesheet(css, templates)] if css else [])]
        page = weasyprint.HTML(string=html, base_url=base_url(templates), url_fetcher=assets_fetcher(templates))
        page.render(stylesheets=stylesheets, font_config=font_config(), **options).write_pdf(**options)
    except fatal_class():  # a stylesheet asks for a forbidden asset: each release reports it when rendered
        return


def _check_printable(release: Release, html: str) -> None:
    """Refuse text no shipped font can print, naming the character and where it is.

    Form and campaign files are checked when they are read (:mod:`authoring.printable`,
    with the field and line); this catches whatever else reaches the page.
    """
    refuse_unprintable(release, _printed_text(html))


class _BodyText(HTMLParser):
    """The text that gets printed: everything in ``<body>``, nothing of ``<head>``."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._in_body = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._in_body = self._in_body or tag == "body"

    def handle_data(self, data: str) -> None:
        if self._in_body:
            self.parts.append(data)


def _printed_text(html: str) -> str:
    parser = _BodyText()
    parser.feed(html)
    parser.close()
    return " ".join(parser.parts)
