"""The national release in every format: HTML (and the PDF printed from it), Markdown, Word.

:func:`render_national` draws the charts once (:mod:`authoring.render.charts`) and renders
each format from the same :class:`~authoring.model.national.NationalRelease`:

- HTML: ``templates/html/national.html.j2``, the house stylesheet and ``national.css``
  embedded; each table a ``<table>`` with ``<caption>``, ``<th scope>`` header cells and a
  ``<tfoot>`` totals row; each chart an inline SVG (``role="img"``, ``<title>``, ``<desc>``)
  with its description and its table after it;
- PDF: Typst lays the same release out (``templates/typst/national.typ``, the house style of
  ``house.typ``) as tagged PDF/UA-1: tables tagged ``Table``/``TH``/``TD`` with their
  captions, each chart (its SVG) a ``Figure`` whose alternative text is the chart's; about a
  sixth of the CPU WeasyPrint takes to print the page (docs/national.md);
- Markdown: ``templates/markdown/national.md.j2``, GFM tables, each chart as an image of its
  SVG file beside its table;
- Word: python-docx on the house template's styles (``templates/docx/release.docx``), each
  table with a caption, a header row that repeats on every page and a bold totals row, each
  chart a PNG at three times its size with its alternative text and description.

Besides those: the round's figures as JSON, and each chart's figures as CSV and its SVG.
"""

from __future__ import annotations

import datetime as dt
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
from authoring.model.national import Cell, NationalRelease, TableData
from authoring.render import Format
from authoring.render.assets import stylesheet_text
from authoring.render.charts import DrawnChart, alt_text, chart_csv, draw
from authoring.render.docx import DOCX_TEMPLATE, LANGUAGE, LINK_COLOUR, _fixed_timestamps
from authoring.render.environment import Templates, template_problem
from authoring.render.html import embedded_stylesheet
from authoring.render.md import front_matter
from authoring.render.typst import compile_pdf, font_data, house_data, spans, strings

HTML_TEMPLATE = "html/national.html.j2"
TYPST_TEMPLATE = "typst/national.typ"
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
    files, svgs = render_national_parts(release, formats, templates, charts)
    if Format.PDF in formats:
        files[file_names(release, formats)["pdf"]] = render_national_pdf(release, svgs, templates)
    return files


def render_national_parts(
    release: NationalRelease,
    formats: Sequence[Format],
    templates: Templates | None = None,
    charts: dict[str, DrawnChart] | None = None,
) -> tuple[dict[str, bytes], dict[str, str]]:
    """Every file of :func:`render_national` but the PDF, and each chart's SVG (by key), for the PDF.

    A batch makes these apart from the PDF (:mod:`authoring.build.national`), in another process.
    """
    templates = templates or Templates.at()
    names = file_names(release, formats)
    charts = charts if charts is not None else draw_charts(release)
    links = {chart.key: names[f"{chart.key}.csv"] for chart in release.charts}
    links |= {f"{chart.key}.svg": names[f"{chart.key}.svg"] for chart in release.charts}
    out: dict[str, bytes] = {}
    if Format.HTML in formats:
        out[names["html"]] = render_national_html(release, charts, templates, links).encode()
    if Format.DOCX in formats:
        out[names["docx"]] = render_national_docx(release, charts, templates)
    if Format.MD in formats:
        out[names["md"]] = render_national_markdown(release, templates, links).encode()
    out[names[JSON_EXTENSION]] = figures_json(release)
    for chart in release.charts:
        out[names[f"{chart.key}.csv"]] = chart_csv(chart)
        out[names[f"{chart.key}.svg"]] = _standalone_svg(charts[chart.key])
    return out, {key: str(drawn.svg) for key, drawn in charts.items()}


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


def render_national_pdf(release: NationalRelease, svgs: dict[str, str], templates: Templates | None = None) -> bytes:
    """Lay the national release out with Typst as tagged PDF/UA-1, its charts from their SVG (``svgs``, by key).

    The same sentences, tables and charts as the page, from the same
    :class:`~authoring.model.national.NationalRelease`, handed to ``templates/typst/national.typ``
    as data (never markup), in the house fonts only (:mod:`authoring.render.typst`). Raises
    :class:`UnprintableCharacterError` for a character no house font prints,
    :class:`TemplateProblemError` if the template is missing or has a mistake.
    """
    templates = templates or Templates.at()
    data = national_data(release)
    missing = uncovered(" ".join(strings(data)))
    if missing:
        raise UnprintableCharacterError(
            f"national release of {release.round}: no font the PDF may use has {describe(missing[0])}; "
            "replace it in the campaign file"
        )
    data["font"] = font_data(None)
    inputs = {f"chart-{index}": svgs[chart.key] for index, chart in enumerate(release.charts)}
    pdf = compile_pdf(templates, TYPST_TEMPLATE, data, date=release.campaign.release_date, inputs=inputs)
    if pdf is None:  # pragma: no cover - compile() without an output returns the bytes
        raise RenderError(f"national release of {release.round}: Typst returned no PDF")
    return pdf


def national_data(release: NationalRelease) -> dict[str, Any]:
    """What ``national.typ`` reads: every text of the release (inline text as spans), each table's cells.

    A cell is ``{"t": text, "n": whether it is a figure}`` (set right-aligned in tabular digits);
    each chart names the ``sys.inputs`` entry that holds its SVG (``chart-0`` …).
    """
    return {
        **house_data(release, language=LANGUAGE, dateline=[release.dateline]),
        "lead": [spans(paragraph) for paragraph in release.lead],
        "counted": release.counted,
        "table": _table_data(release.table),
        "charts": [
            {
                "svg": f"chart-{index}",
                "title": chart.title,
                "alt": alt_text(chart),
                "description": chart.description,
                "table": _table_data(chart.table),
                "csv": [release.csv_link, file_names(release, ())[f"{chart.key}.csv"]] if release.csv_link else None,
            }
            for index, chart in enumerate(release.charts)
        ],
        "attribution": release.attribution,
        "quote": [spans(paragraph) for paragraph in release.quote],
        "notes_heading": release.notes_heading,
        "notes": [spans(note) for note in release.notes],
    }


def _table_data(table: TableData) -> dict[str, Any]:
    first = table.rows[0] if table.rows else ()
    figures = [0 < index < len(first) and _cell(first[index])["n"] for index in range(len(table.header))]
    return {
        "caption": table.caption,
        "header": [{"t": text, "n": figure} for text, figure in zip(table.header, figures, strict=True)],
        "rows": [[_cell(cell) for cell in row] for row in table.rows],
        "totals": [_cell(cell) for cell in table.totals] if table.totals else None,
    }


def _cell(cell: Cell) -> dict[str, Any]:
    return {"t": cell.text, "n": isinstance(cell.value, int | float)}


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
