"""DOCX: the Word template (``templates/docx/release.docx``) rendered by docxtpl.

Core properties match the PDF's metadata: title = the headline, author = the
organisation, subject, keywords (force, campaign), language, and the release date as
creation date. The result is deterministic: the ZIP entries carry a fixed timestamp
(the release date), so the same inputs give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import struct
import zipfile
from collections.abc import Mapping
from typing import Any

import jinja2
from jinja2.runtime import Context
from jinja2.utils import pass_context

from authoring.exceptions import TemplateProblemError
from authoring.fonts import BILINGUAL_FAMILY, HOUSE_FONT
from authoring.model.inline import Inline
from authoring.model.language import WELSH
from authoring.model.release import Release
from authoring.render import Format, Renderer, register
from authoring.render.environment import Templates, docx_environment, template_problem

DOCX_TEMPLATE = "docx/release.docx"
LINK_COLOUR = "1D70B8"
#: Context key of the function that gives a link its relationship id in the document.
LINKS = "_link_id"
#: The document's language (core properties; the template's styles say the same).
LANGUAGE = "en-GB"
#: How Word names the languages of releases that are not in British English.
WORD_LANGUAGES = {WELSH: "cy-GB"}


def render_docx(release: Release, templates: Templates | None = None) -> bytes:
    """The release as a Word document (default: the shipped templates)."""
    from docxtpl import DocxTemplate

    template = DocxTemplate(str((templates or Templates.at()).root / DOCX_TEMPLATE))
    context = {"release": release, LINKS: template.build_url_id}
    try:
        template.render(context, jinja_env=docx_environment(_runs), autoescape=True)
    except jinja2.TemplateError as exc:
        raise template_problem(DOCX_TEMPLATE, exc) from exc

    moment = dt.datetime.combine(release.campaign.release_date, dt.time())
    properties = template.docx.core_properties
    properties.title = release.headline
    properties.subject = release.subject
    properties.author = properties.last_modified_by = release.organisation
    properties.keywords = ", ".join(release.keywords)
    properties.language = _in_language(template.docx, release)
    properties.comments = ""
    properties.category = release.category
    properties.created = properties.modified = moment
    properties.revision = 1

    buffer = io.BytesIO()
    template.save(buffer)
    return _fixed_timestamps(buffer.getvalue(), moment)


def _in_language(document: Any, release: Release) -> str:
    """Mark the document's language (every run's default, ``w:lang``) and, if bilingual, its one font family.

    Returns the language as Word names it, for the core properties.
    """
    from docx.oxml.ns import qn

    language = WORD_LANGUAGES.get(release.language, release.language)
    bilingual = release.language == WELSH or bool(release.translations)
    if language == LANGUAGE and not bilingual:
        return LANGUAGE  # the template says so already
    styles = document.styles.element
    for lang in styles.iter(qn("w:lang")):
        for attribute in ("w:val", "w:eastAsia"):
            lang.set(qn(attribute), language)
    if bilingual:  # the family with every Welsh letter, as in the PDF (authoring.fonts.BILINGUAL_FAMILY)
        for fonts in styles.iter(qn("w:rFonts")):
            for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
                if fonts.get(qn(attribute)) == HOUSE_FONT:
                    fonts.set(qn(attribute), BILINGUAL_FAMILY.name)
    return language


@pass_context
def _runs(context: Context, value: Inline) -> Any:
    """The ``inline`` filter: inline text as Word runs (italics; links get a relationship)."""
    from docxtpl import RichText

    link_id = context[LINKS]
    text = RichText()
    for span in value.spans:
        link: dict[str, Any] = {}
        if span.target:
            link = {"url_id": link_id(span.target), "color": LINK_COLOUR, "underline": True}
        text.add(span.text, italic=span.italic, **link)
    return text


def _fixed_timestamps(data: bytes, moment: dt.datetime) -> bytes:
    """Set one fixed timestamp on every entry of the ZIP (determinism), in place.

    python-docx stamps each entry with the time of writing. Only those two fields (in
    each entry's local header and again in the central directory) change, so they are
    overwritten where they stand rather than the archive recompressed (which cost about
    6 ms a document: deflating every part a second time).
    """
    date = (max(moment.year, 1980) - 1980) << 9 | moment.month << 5 | moment.day  # DOS date; the time is 00:00:00
    patched = bytearray(data)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        entries, central = archive.infolist(), archive.start_dir
    for entry in entries:
        _stamp(patched, entry.header_offset, _LOCAL_HEADER, date)
        _stamp(patched, central, _CENTRAL_HEADER, date)
        names, extra, comment = struct.unpack_from("<HHH", patched, central + 28)
        central += 46 + names + extra + comment  # the next central directory header
    return bytes(patched)


#: Signature of a ZIP local file header, and where its time and date fields stand in it.
_LOCAL_HEADER = (b"PK\x03\x04", 10)
#: The same for a central directory header.
_CENTRAL_HEADER = (b"PK\x01\x02", 12)


def _stamp(data: bytearray, offset: int, header: tuple[bytes, int], date: int) -> None:
    """Set the time (midnight) and date of the ZIP header at ``offset``."""
    signature, field = header
    if data[offset : offset + 4] != signature:  # pragma: no cover - zipfile has just read this very archive
        raise TemplateProblemError("the Word document's ZIP archive is not laid out as zipfile read it")
    struct.pack_into("<HH", data, offset + field, 0, date)


class DocxRenderer(Renderer):
    """The Word document."""

    format = Format.DOCX
    extension = "docx"
    warms_up = True

    def warm_up(self, templates: Templates) -> None:
        """Import docxtpl (and python-docx, lxml): 0.15 CPU-seconds, once before a batch forks its workers."""
        import docxtpl  # noqa: F401

    def render(self, release: Release, templates: Templates, needed: Mapping[Format, bytes]) -> bytes:
        return render_docx(release, templates)


register(DocxRenderer())
