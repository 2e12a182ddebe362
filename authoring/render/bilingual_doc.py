"""The bilingual document in every format: one file holding a release's Welsh and English, Welsh first.

A campaign asks for it with ``welsh: bilingual_document: welsh-first`` or ``side-by-side``
(:class:`~authoring.model.language.BilingualLayout`; docs/welsh.md). Each bilingual release
then makes, beside its English and its Welsh files, one more file per format, named after
the English one with ``-cy-en`` and keyed ``<format>@cy+en`` in a build's outputs and the
manifest, so that it is written, recorded and rebuilt with the release's other files:

- **HTML** (``templates/html/bilingual.html.j2``, ``bilingual.css``): a page in Welsh
  (``lang="cy"``) whose English parts each say they are (``lang="en-GB"``): two articles
  one after the other, or a table of two columns, one row per passage;
- **PDF**: that page printed by WeasyPrint, in the one family that has every Welsh letter,
  each part's language in the structure tree (:func:`tagged_languages`). WeasyPrint prints
  it whichever engine prints the release (Typst lays out one release, not two);
- **Word** (:mod:`authoring.render.bilingual_docx`): the Welsh section then the English
  one, or a table of two columns, every run marked with its language;
- **Markdown**: front matter naming the document's language (``lang: cy``, as every
  Markdown file has its own), the Welsh release, a rule, then the English release —
  Markdown has no columns, so a side-by-side document is written Welsh first too, and no
  markup for a passage's language, so the English half is not marked in it.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterable, Iterator
from functools import cache
from typing import Any

from authoring.exceptions import RenderError
from authoring.model.bilingual_document import BILINGUAL_KEY, LANGUAGE_NAMES, BilingualDocument, bilingual_document
from authoring.model.release import Release
from authoring.render import Companion, Format, in_language, register_companion, renderer, split_format
from authoring.render.environment import Templates
from authoring.render.html import embedded_stylesheet, render_template
from authoring.render.md import MARKDOWN_TEMPLATE, front_matter

BILINGUAL_TEMPLATE = "html/bilingual.html.j2"
BILINGUAL_STYLESHEET = "html/bilingual.css"
#: The formats a bilingual document is made in.
FORMATS = (Format.DOCX, Format.HTML, Format.PDF, Format.MD)
#: What stands between the Welsh and the English in the Markdown: a thematic break.
MARKDOWN_BREAK = "\n* * *\n\n"


def render_bilingual_html(document: BilingualDocument, templates: Templates | None = None) -> str:
    """The bilingual document as a standalone HTML page, both stylesheets embedded (default: the shipped templates)."""
    templates = templates or Templates.at()
    return render_template(
        templates.html,
        BILINGUAL_TEMPLATE,
        document.english,
        document=document,
        names=LANGUAGE_NAMES,
        stylesheet=embedded_stylesheet(templates),
        bilingual_stylesheet=embedded_stylesheet(templates, BILINGUAL_STYLESHEET),
    )


def render_bilingual_markdown(document: BilingualDocument, templates: Templates | None = None) -> str:
    """The bilingual document as Markdown: its front matter (``lang: cy``), the Welsh release, a thematic break,
    the English release (each as its own file has it, after its front matter)."""
    environment = (templates or Templates.at()).markdown
    welsh, english = (render_template(environment, MARKDOWN_TEMPLATE, release) for release in document.languages)
    return front_matter(document.language) + welsh.rstrip("\n") + "\n" + MARKDOWN_BREAK + english


def render_bilingual_pdf(document: BilingualDocument, html: str | None, templates: Templates | None = None) -> bytes:
    """The bilingual page (``html``, or rendered now) printed by WeasyPrint, each part tagged with its language."""
    from authoring.render.pdf import lay_out, write

    if html is None:
        html = render_bilingual_html(document, templates)
    with tagged_languages():
        return write(document.english, lay_out(document.english, html, templates), html)


# --------------------------------------------------------------------------- each part's language in the PDF

_TAGGING = contextvars.ContextVar("tagging_languages", default=False)


@contextlib.contextmanager
def tagged_languages() -> Iterator[None]:
    """While WeasyPrint writes a PDF here, give each element with a ``lang`` its ``/Lang`` in the structure tree.

    WeasyPrint writes the page's language as the document's (``/Lang`` of the catalogue)
    and nothing for a part in another language, so a screen reader would speak the English
    column of a Welsh document in Welsh. Its structure tree is built by one recursive
    function, one structure element per box; :func:`_install` wraps it (once per process)
    so that, in this context only, an element whose HTML element carries ``lang`` is given
    that language (PDF 1.7, 14.9.2: the parts inside inherit it). Every other PDF is
    written as before.
    """
    _install()
    token = _TAGGING.set(True)
    try:
        yield
    finally:
        _TAGGING.reset(token)


@cache
def _install() -> None:
    from authoring.render.weasy import weasyprint_module

    weasyprint_module()
    import pydyf
    from weasyprint.formatting_structure import boxes
    from weasyprint.pdf import tags

    build = getattr(tags, "_build_box_tree", None)
    if build is None:  # pragma: no cover - a WeasyPrint other than the locked one
        raise RenderError("this WeasyPrint builds its PDF structure otherwise: the parts' languages cannot be marked")

    def with_languages(box: Any, parent: Any, *args: Any) -> Iterator[Any]:
        elements = build(box, parent, *args)
        element = getattr(box, "element", None)
        own = not isinstance(box, boxes.PageBox | boxes.MarginBox) and getattr(box, "element_tag", None) not in (
            "html",
            "body",
        )
        language = element.get("lang") if element is not None and own and _TAGGING.get() else None
        for made in elements:
            if language and "Lang" not in made:
                made["Lang"] = pydyf.String(language)
            yield made

    tags._build_box_tree = with_languages


# --------------------------------------------------------------------------- the companion: files with the release's


class BilingualDocumentFiles(Companion):
    """A bilingual release's one bilingual document, where its campaign asks for one, in every format wanted."""

    def names(self, release: Release, formats: Iterable[Format]) -> dict[Format, str]:
        document = bilingual_document(release)
        if document is None:
            return {}
        names = {}
        for fmt in formats:
            base, language = split_format(fmt)
            if base in FORMATS and language in (None, BILINGUAL_KEY):
                names[in_language(base, BILINGUAL_KEY)] = f"{document.file_stem}.{renderer(base).extension}"
        return names

    def render(self, release: Release, formats: frozenset[Format], templates: Templates) -> dict[Format, bytes]:
        document = bilingual_document(release)
        if document is None:
            return {}
        made: dict[Format, bytes] = {}
        html = render_bilingual_html(document, templates) if {Format.HTML, Format.PDF} & formats else None
        for fmt in FORMATS:
            if fmt not in formats:
                continue
            if fmt == Format.DOCX:
                from authoring.render.bilingual_docx import render_bilingual_docx

                made[fmt] = render_bilingual_docx(document, templates)
            elif fmt == Format.HTML and html is not None:
                made[fmt] = html.encode()
            elif fmt == Format.PDF:
                made[fmt] = render_bilingual_pdf(document, html, templates)
            elif fmt == Format.MD:
                made[fmt] = render_bilingual_markdown(document, templates).encode()
        return {in_language(fmt, BILINGUAL_KEY): data for fmt, data in made.items()}


register_companion(BilingualDocumentFiles())
