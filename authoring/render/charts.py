"""Charts of the national release: Vega-Lite specifications written as data, drawn by vl-convert.

:func:`chart_spec` turns a :class:`~authoring.model.national.ChartData` into a Vega-Lite
specification (plain data: no Altair, no browser); :func:`draw` has vl-convert
(:mod:`authoring.chart_engine`) draw it as
vector SVG (for the HTML page, and so for the PDF printed from it) and as a PNG at three
times its size (for the Word document), in the house font (vl-convert loads the font
package's own folder). The charts use one colour, the house blue (5.2:1 against white, above
the 3:1 graphics need), so that nothing depends on telling colours apart: bars are told
apart by their labels, and each bar carries its value as text. Vega's own ARIA
attributes are dropped: the chart is one image, named by its title and described by its
description (``<title>`` and ``<desc>``, ``role="img"``), and its figures are in the
table beside it.

The SVG is checked before it is used: only drawing elements, no scripts, no links, no
event handlers; anything else stops the render.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from authoring import chart_engine
from authoring.chart_engine import ChartEngineError
from authoring.exceptions import RenderError
from authoring.fonts import CSS_FAMILY, FALLBACK_CSS_FAMILY, HOUSE_FONT, text_width
from authoring.model.national import ChartData
from authoring.model.summary import ChartKind

#: The one colour of the bars: GOV.UK blue, 5.2:1 against white.
BAR_COLOUR = "#1d70b8"
TEXT_COLOUR = "#0b0c0c"
#: The PNG's scale: three times the SVG's size (about 216 dots per inch at 72 CSS pixels per inch).
PNG_SCALE = 3
WIDTH = 420
#: The widest a bar's name may be drawn, in pixels; a longer one is cut short with an ellipsis.
LABEL_LIMIT = 260
#: The size of the names on the axis: Vega-Lite's default for axis labels, in pixels.
LABEL_SIZE = 10
_SVG = "{http://www.w3.org/2000/svg}"
#: The elements a drawn chart may contain.
_ELEMENTS = frozenset({"svg", "g", "path", "rect", "line", "text", "title", "desc", "defs", "clipPath", "tspan"})


@dataclass(frozen=True)
class DrawnChart:
    """One chart, drawn: its SVG (ready to stand in an HTML page) and its PNG."""

    svg: Markup
    png: bytes
    width: int
    height: int


def chart_spec(chart: ChartData) -> dict[str, Any]:
    """The chart as a Vega-Lite specification: horizontal bars, each labelled with its value."""
    values = [{"category": name, "value": value, "label": _label(chart, name, value)} for name, value in chart.points]
    axis: dict[str, Any] = {"title": chart.axis, "labelColor": TEXT_COLOUR, "titleColor": TEXT_COLOUR, "grid": False}
    if chart.money:
        axis["labelExpr"] = (
            "abs(datum.value) >= 1e9 ? '£' + format(datum.value / 1e9, ',') + 'bn' : "
            "abs(datum.value) >= 1e6 ? '£' + format(datum.value / 1e6, ',') + 'm' : '£' + format(datum.value, ',')"
        )
    elif chart.percent:
        axis["labelExpr"] = "format(datum.value, ',') + '%'"
    else:
        axis["format"] = ",d" if chart.kind is ChartKind.VERDICTS else ","
        if chart.kind is ChartKind.VERDICTS:
            axis["tickMinStep"] = 1
    category = {
        "field": "category",
        "type": "nominal",
        "sort": None,
        "title": chart.label,
        "axis": {
            "labelLimit": _label_limit(chart),
            "labelColor": TEXT_COLOUR,
            "titleColor": TEXT_COLOUR,
            "ticks": False,
        },
    }
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "title": {"text": chart.title, "color": TEXT_COLOUR, "anchor": "start"},
        "width": WIDTH,
        "height": {"step": 22},
        "background": "white",
        "config": {"font": HOUSE_FONT, "aria": False, "view": {"stroke": None}},
        "data": {"values": values},
        "encoding": {
            "y": category,
            "x": {"field": "value", "type": "quantitative", "axis": axis, "scale": {"zero": True}},
        },
        "layer": [
            {"mark": {"type": "bar", "color": BAR_COLOUR}},
            {
                "mark": {"type": "text", "align": "left", "dx": 4, "color": TEXT_COLOUR},
                "encoding": {"text": {"field": "label"}},
            },
        ],
    }


def _label_limit(chart: ChartData) -> int:
    """How wide a bar's name may be (:data:`LABEL_LIMIT`), or 0 (no limit) where every name is sure to fit.

    With a limit, Vega measures every name to see whether it must be cut short: a third of the
    drawing's time for 44 forces. Measured here from the font's own widths (with room for
    kerning), names that fit need no limit.
    """
    for name, _ in chart.points:
        width = text_width(name, size=LABEL_SIZE)
        if width is None or width > LABEL_LIMIT * 0.9:
            return LABEL_LIMIT
    return 0


def _label(chart: ChartData, name: str, value: float) -> str:
    """The value as the chart's table prints it."""
    for row in chart.table.rows:
        if row[0].text == name:
            return row[1].text
    return f"{value:,g}"


def draw(chart: ChartData, *, ident: str) -> DrawnChart:
    """Draw ``chart``: an SVG whose ``<title>`` and ``<desc>`` carry ``ident``-based ids, and a PNG.

    Raises :class:`RenderError` if vl-convert fails or draws anything but shapes and text.
    """
    spec = chart_spec(chart)
    try:
        svg = chart_engine.svg(spec)
        png = chart_engine.png(svg, scale=PNG_SCALE)  # the same drawing, rasterised (no second Vega run)
    except ChartEngineError as exc:
        raise RenderError(f"the chart '{chart.key}' could not be drawn: {exc}") from None
    root = _checked(svg, chart.key)
    width, height = int(float(root.get("width", "0"))), int(float(root.get("height", "0")))
    return DrawnChart(_accessible(svg, chart, ident), png, width, height)


def _checked(svg: str, key: str) -> ElementTree.Element:
    """The parsed SVG, if it holds drawing elements only; else :class:`RenderError`."""
    try:
        root = ElementTree.fromstring(svg)
    except ElementTree.ParseError as exc:
        raise RenderError(f"the chart '{key}' is not a valid SVG image: {exc}") from None
    for element in root.iter():
        name = element.tag.removeprefix(_SVG)
        bad = [attribute for attribute in element.attrib if attribute.lower().startswith("on") or "href" in attribute]
        if name not in _ELEMENTS or bad:
            raise RenderError(f"the chart '{key}' holds something other than shapes and text ({name})")
    return root


_ARIA = re.compile(r'\s(?:role|aria-[a-z]+)="[^"]*"')
_FONT = re.compile(rf'font-family="{re.escape(HOUSE_FONT)}"')


def _accessible(svg: str, chart: ChartData, ident: str) -> Markup:
    """The SVG as one image: Vega's ARIA attributes dropped, ``role="img"``, a title and a description.

    The font is named by the house stylesheet's private name first (what WeasyPrint loads), then by its own.
    """
    svg = _ARIA.sub("", svg)
    svg = _FONT.sub(f"font-family=\"'{CSS_FAMILY}', '{HOUSE_FONT}', '{FALLBACK_CSS_FAMILY}', sans-serif\"", svg)
    head, _, rest = svg.partition(">")
    if not head.startswith("<svg"):
        raise RenderError(f"the chart '{chart.key}' is not an SVG image")
    title_id, desc_id = f"{ident}-title", f"{ident}-desc"
    opening = Markup('{} role="img" aria-labelledby="{}" aria-describedby="{}" focusable="false">').format(
        Markup(head), title_id, desc_id
    )
    labels = Markup('<title id="{}">{}</title><desc id="{}">{}</desc>').format(
        title_id, alt_text(chart), desc_id, chart.description
    )
    return Markup("{}{}{}").format(opening, labels, Markup(rest))


def alt_text(chart: ChartData) -> str:
    """The chart's short text alternative (the summary's ``chart_alt``: what kind of chart, and its title)."""
    return chart.alt or chart.title


def chart_csv(chart: ChartData) -> bytes:
    """The chart's figures as CSV (UTF-8 with a byte-order mark, for spreadsheets): category, value."""
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([_cell(chart.label), _cell(chart.axis)])
    for name, value in chart.points:
        writer.writerow([_cell(name), _number(value)])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _cell(text: str) -> str:
    """A text cell no spreadsheet runs as a formula."""
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _number(value: float) -> str:
    return str(int(value)) if value == int(value) else repr(value)
