"""DOCX: the Word template (``templates/docx/release.docx``) rendered by docxtpl.

Core properties match the PDF's metadata: title = the headline, author = the
organisation, subject, keywords (force, campaign), language, and the release date as
creation date. The result is deterministic: the ZIP entries carry a fixed timestamp,
so the same inputs give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from typing import Any

import jinja2
from jinja2.runtime import Context
from jinja2.utils import pass_context

from authoring.context import Release
from authoring.exceptions import TemplateProblemError
from authoring.inline import Inline
from authoring.render.environment import docx_environment, templates_dir

DOCX_TEMPLATE = "docx/release.docx"
LINK_COLOUR = "1D70B8"
#: Context key of the function that gives a link its relationship id in the document.
LINKS = "_link_id"
#: The document's language (core properties; the template's styles say the same).
LANGUAGE = "en-GB"


def render_docx(release: Release) -> bytes:
    """The release as a Word document."""
    from docxtpl import DocxTemplate

    template = DocxTemplate(str(templates_dir() / DOCX_TEMPLATE))
    context = {"release": release, LINKS: template.build_url_id}
    try:
        template.render(context, jinja_env=docx_environment(_runs), autoescape=True)
    except jinja2.TemplateError as exc:
        raise TemplateProblemError(f"template {DOCX_TEMPLATE}: {exc}") from exc

    moment = dt.datetime.combine(release.campaign.release_date, dt.time())
    properties = template.docx.core_properties
    properties.title = release.headline
    properties.subject = release.subject
    properties.author = properties.last_modified_by = release.organisation
    properties.keywords = ", ".join(release.keywords)
    properties.language = LANGUAGE
    properties.comments = ""
    properties.category = release.category
    properties.created = properties.modified = moment
    properties.revision = 1

    buffer = io.BytesIO()
    template.save(buffer)
    return _fixed_timestamps(buffer.getvalue(), moment)


@pass_context
def _runs(context: Context, value: Inline) -> Any:
    """The ``inline`` filter: inline text as Word runs (italics; links get a relationship)."""
    from docxtpl import RichText

    link_id = context[LINKS]
    text = RichText()
    for span in value.spans:
        link: dict[str, Any] = {}
        if span.href:
            link = {"url_id": link_id(span.href), "color": LINK_COLOUR, "underline": True}
        text.add(span.text, italic=span.italic, **link)
    return text


def _fixed_timestamps(data: bytes, moment: dt.datetime) -> bytes:
    """Rewrite the ZIP with one fixed timestamp on every entry (determinism)."""
    stamp = (max(moment.year, 1980), moment.month, moment.day, 0, 0, 0)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, source.read(info.filename))
    return out.getvalue()
