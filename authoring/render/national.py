"""The national release in every format: HTML (and the PDF printed from it), Markdown, Word.

:func:`render_national` draws the charts once (:mod:`authoring.render.charts`) and renders
each format from the same :class:`~authoring.model.national.NationalRelease`:

- HTML: ``templates/html/national.html.j2``, the house stylesheet and ``national.css``
  embedded; each table a ``<table>`` with ``<caption>``, ``<th scope>`` header cells and a
  ``<tfoot>`` totals row; each chart an inline SVG (``role="img"``, ``<title>``, ``<desc>``)
  with its description and its table after it;
- PDF: WeasyPrint prints that page as tagged PDF/UA-1 (tables tagged ``Table``/``TH``/``TD``,
  each chart a ``Figure`` whose alternative text is the SVG's title), fetching nothing but
  the project's own assets (:mod:`authoring.render.assets`);
- Markdown: ``templates/markdown/national.md.j2``, GFM tables, each chart as an image of its
  SVG file beside its table;
- Word: python-docx on the house template's styles (``templates/docx/release.docx``), each
  table with a caption, a header row that repeats on every page and a bold totals row, each
  chart a PNG at three times its size with its alternative text and description.

Besides those: the round's figures as JSON, and each chart's figures as CSV and its SVG.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import jinja2
from markupsafe import Markup

from authoring.exceptions import RenderError, TemplateProblemError, UnprintableCharacterError
from authoring.fonts import describe, uncovered
from authoring.model.inline import Inline
from authoring.model.national import NationalRelease, TableData
from authoring.render import Format
from authoring.render.assets import assets_fetcher, base_url, font_config, house_font_stylesheet, stylesheet_text
from authoring.render.charts import DrawnChart, alt_text, chart_csv, draw
from authoring.render.docx import DOCX_TEMPLATE, LANGUAGE, LINK_COLOUR, _fixed_timestamps
from authoring.render.environment import Templates, template_problem
from authoring.render.html import embedded_stylesheet
from authoring.render.md import front_matter
from authoring.render.pdf import PDF_VARIANT, _printed_text
from authoring.render.weasy import fatal_class, forbidden_class, use_fast_compression, weasyprint_module

HTML_TEMPLATE = "html/national.html.j2"
NATIONAL_STYLESHEET = "html/national.css"
MARKDOWN_TEMPLATE = "markdown/national.md.j2"
#: The files besides the four formats: the figures as JSON; per chart, its CSV and SVG.
JSON_EXTENSION = "json"


@dataclass(frozen=True)
class NationalFiles:
    """The national release's files, by name (relative to its folder), as bytes."""

    files: dict[str, bytes]


def file_names(release: NationalRelease, formats: Sequence[Format]) -> dict[str, str]:
    """Each output's name: a format's (``html``) or the extras' (``json``, ``<chart>.csv``, ``<chart>.svg``)."""
    stem = release.file_stem
    names = {str(fmt): f"{stem}.{fmt}" for fmt in formats}
    names[JSON_EXTENSION] = f"{stem}.{JSON_EXTENSION}"
    for chart in release.charts:
        names[f"{chart.key}.csv"] = f"{stem}-{chart.key}.csv"
        names[f"{chart.key}.svg"] = f"{stem}-{chart.key}.svg"
    return names


def draw_charts(release: NationalRelease) -> dict[str, DrawnChart]:
    """Every chart of the release, drawn (SVG and PNG), by key."""
    return {chart.key: draw(chart, ident=f"chart-{chart.key}") for chart in release.charts}


def render_national(
    release: NationalRelease,
    formats: Sequence[Format],
    templates: Templates | None = None,
    charts: dict[str, DrawnChart] | None = None,
) -> dict[str, bytes]:
    """Every file of the national release, by file name: the ``formats`` asked for, the JSON, the CSVs and SVGs.

    ``charts`` are the release's charts if already drawn (:func:`draw_charts`), else they are drawn here.
    """
    files, html = render_national_parts(release, formats, templates, charts)
    if Format.PDF in formats:
        files[file_names(release, formats)["pdf"]] = render_national_pdf(release, html, templates)
    return files


def render_national_parts(
    release: NationalRelease,
    formats: Sequence[Format],
    templates: Templates | None = None,
    charts: dict[str, DrawnChart] | None = None,
) -> tuple[dict[str, bytes], str]:
    """Every file of :func:`render_national` but the PDF, and the HTML page the PDF is printed from.

    A batch makes these apart from the PDF (:mod:`authoring.build.national`): they need no WeasyPrint.
    """
    templates = templates or Templates.at()
    names = file_names(release, formats)
    charts = charts if charts is not None else draw_charts(release)
    links = {chart.key: names[f"{chart.key}.csv"] for chart in release.charts}
    links |= {f"{chart.key}.svg": names[f"{chart.key}.svg"] for chart in release.charts}
    out: dict[str, bytes] = {}
    html = render_national_html(release, charts, templates, links)
    if Format.HTML in formats:
        out[names["html"]] = html.encode()
    if Format.DOCX in formats:
        out[names["docx"]] = render_national_docx(release, charts, templates)
    if Format.MD in formats:
        out[names["md"]] = render_national_markdown(release, templates, links).encode()
    out[names[JSON_EXTENSION]] = figures_json(release)
    for chart in release.charts:
        out[names[f"{chart.key}.csv"]] = chart_csv(chart)
        out[names[f"{chart.key}.svg"]] = _standalone_svg(charts[chart.key])
    return out, html


def figures_json(release: NationalRelease) -> bytes:
    """The round's figures (:attr:`NationalRelease.figures`) as JSON text."""
    return (json.dumps(release.figures, indent=2, ensure_ascii=False) + "\n").encode()


def _standalone_svg(drawn: DrawnChart) -> bytes:
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + str(drawn.svg) + "\n").encode()


def _render(env: jinja2.Environment, name: str, **context: Any) -> str:
    try:
        return env.get_template(name).render(**context)
    except jinja2.TemplateError as exc:
        raise template_problem(name, exc) from exc


def render_national_html(
    release: NationalRelease,
    charts: dict[str, DrawnChart],
    templates: Templates | None = None,
    files: dict[str, str] | None = None,
) -> str:
    """The national release as a standalone HTML page, its stylesheets embedded and its charts inline."""
    templates = templates or Templates.at()
    return _render(
        templates.html,
        HTML_TEMPLATE,
        release=release,
        charts=charts,
        files=files or {},
        stylesheet=Markup(stylesheet_text(templates)),
        national_stylesheet=embedded_stylesheet(templates, NATIONAL_STYLESHEET),
    )


def render_national_markdown(
    release: NationalRelease, templates: Templates | None = None, files: dict[str, str] | None = None
) -> str:
    """The national release as Markdown (GFM tables), after front matter naming its language, as every release's."""
    templates = templates or Templates.at()
    alt = {chart.key: alt_text(chart) for chart in release.charts}
    body = _render(templates.markdown, MARKDOWN_TEMPLATE, release=release, files=files or {}, alt=alt)
    return front_matter(LANGUAGE) + body


# --------------------------------------------------------------------------- PDF


def render_national_pdf(release: NationalRelease, html: str, templates: Templates | None = None) -> bytes:
    """Print the national page as tagged PDF/UA-1, in the house font, fetching only the project's assets."""
    weasyprint = weasyprint_module()
    templates = templates or Templates.at()
    missing = uncovered(_printed_text(html))
    if missing:
        raise UnprintableCharacterError(
            f"national release of {release.round}: no font the PDF may use has {describe(missing[0])}; "
            "replace it in the campaign file"
        )
    options = {"pdf_variant": PDF_VARIANT, "pdf_identifier": hashlib.sha256(html.encode()).hexdigest()[:32].encode()}
    use_fast_compression()
    try:
        page = weasyprint.HTML(string=html, base_url=base_url(templates), url_fetcher=assets_fetcher(templates))
        document = page.render(stylesheets=[house_font_stylesheet()], font_config=font_config(), **options)
        pdf = document.write_pdf(**options)
    except fatal_class() as exc:
        kind = "refused an asset" if isinstance(exc, forbidden_class()) else "failed"
        raise RenderError(f"national release of {release.round}: printing {kind}: {exc}") from None
    if not isinstance(pdf, bytes):  # pragma: no cover - write_pdf() without a target returns bytes
        raise RenderError(f"national release of {release.round}: WeasyPrint returned no PDF")
    return pdf


# --------------------------------------------------------------------------- Word


def render_national_docx(
    release: NationalRelease, charts: dict[str, DrawnChart], templates: Templates | None = None
) -> bytes:
    """The national release as a Word document, in the house template's styles."""
    import docx
    from docx.shared import Mm

    templates = templates or Templates.at()
    try:
        document = docx.Document(str(templates.root / DOCX_TEMPLATE))
    except Exception as exc:  # python-docx raises several kinds for a missing or broken package
        raise TemplateProblemError(f"Word template {templates.root / DOCX_TEMPLATE}: {exc}") from None
    body = document.element.body
    for child in list(body):
        if not child.tag.endswith("}sectPr"):
            body.remove(child)
    _header_and_footer(document, release)
    styles = _Styles(document)

    def para(text: str | Inline, style: str = "Normal") -> Any:
        paragraph = document.add_paragraph(style=styles[style])
        _runs(paragraph, text if isinstance(text, Inline) else Inline.plain(text))
        return paragraph

    if release.is_draft:
        para(release.draft_mark, "Draft Mark")
    if release.embargo:
        para(release.embargo, "Lead In")
    para(release.organisation, "Lead In")
    para(release.dateline)
    para(release.headline, "Heading 1")
    for paragraph in release.lead:
        para(paragraph)
    para(release.counted, "Lead In")
    _table(document, release.table, styles)
    for chart in release.charts:
        para(chart.title, "Heading 2")
        drawn = charts[chart.key]
        picture = document.add_picture(io.BytesIO(drawn.png), width=Mm(min(165, drawn.width * 0.3)))
        properties = picture._inline.docPr
        properties.set("title", alt_text(chart))
        properties.set("descr", f"{alt_text(chart)}. {chart.description}")
        para(chart.description)
        _table(document, chart.table, styles)
    para(release.attribution, "Lead In")
    for paragraph in release.quote:
        para(paragraph, "Quote")
    para(release.notes_heading, "Heading 2")
    for note in release.notes:
        para(note, "List Number")

    moment = dt.datetime.combine(release.campaign.release_date, dt.time())
    properties = document.core_properties
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
    document.save(buffer)
    return _fixed_timestamps(buffer.getvalue(), moment)


def _runs(paragraph: Any, text: Inline) -> None:
    """Inline text as runs: italics kept, links as Word hyperlinks."""
    from docx.opc.constants import RELATIONSHIP_TYPE
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    for span in text.spans:
        if not span.target:
            run = paragraph.add_run(span.text)
            run.italic = span.italic or None
            continue
        rel = paragraph.part.relate_to(span.target, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
        link = OxmlElement("w:hyperlink")
        link.set(qn("r:id"), rel)
        run = paragraph.add_run(span.text)
        run.italic = span.italic or None
        run.font.underline = True
        from docx.shared import RGBColor

        run.font.color.rgb = RGBColor.from_string(LINK_COLOUR)
        link.append(run._r)
        paragraph._p.append(link)


def _header_and_footer(document: Any, release: NationalRelease) -> None:
    """The house template's header (the draft mark on later pages) and footer, with this release's words."""
    section = document.sections[0]
    header = section.header.paragraphs[0]
    for run in header.runs:
        run.text = ""
    if release.is_draft:
        header.add_run(release.draft_mark)
    for footer in (section.footer.paragraphs[0], section.first_page_footer.paragraphs[0]):
        for run in footer.runs:
            if "{{" in run.text:
                run.text = run.text.replace("{{ release.footer }}", release.footer)


class _Styles:
    """The document's styles by name, each looked up once (python-docx searches them all for a name)."""

    def __init__(self, document: Any) -> None:
        self._document = document
        self._found: dict[str, Any] = {}

    def __getitem__(self, name: str) -> Any:
        if name not in self._found:
            self._found[name] = self._document.styles[name] if _has_style(self._document, name) else None
        return self._found[name]


def _table(document: Any, table: TableData, styles: _Styles) -> None:
    """A real Word table: a caption, a header row (repeated on every page), a bold totals row."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.text.paragraph import Paragraph

    caption = document.add_paragraph(style=styles["Caption"] or styles["Lead In"])
    caption.add_run(table.caption)
    rows = [list(table.header), *([cell.text for cell in row] for row in table.rows)]
    if table.totals:
        rows.append([cell.text for cell in table.totals])
    grid = document.add_table(rows=len(rows), cols=len(table.header))
    if styles["Table Grid"] is not None:
        grid.style = styles["Table Grid"]
    properties = grid._tbl.tblPr
    for tag, text in (("w:tblCaption", table.caption), ("w:tblDescription", table.caption)):
        element = OxmlElement(tag)
        element.set(qn("w:val"), text[:255])
        properties.append(element)
    for index, (row, values) in enumerate(zip(grid._tbl.tr_lst, rows, strict=True)):
        bold = index == 0 or (table.totals is not None and index == len(rows) - 1)
        for column, (cell, value) in enumerate(zip(row.tc_lst, values, strict=True)):  # the cells' XML, as made
            paragraph = Paragraph(cell.p_lst[0], grid)
            run = paragraph.add_run(value)
            run.bold = bold or None
            if column:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    header = grid._tbl.tr_lst[0].get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    header.append(repeat)
    document.add_paragraph()


def _has_style(document: Any, name: str) -> bool:
    try:
        document.styles[name]
    except KeyError:
        return False
    return True
