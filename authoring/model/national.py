"""The national release of a round: every counted force's figures, added up and phrased.

:func:`force_figures` reads one valid form's verdict and figures; :func:`aggregates` adds
up those of every counted force into what the summary's sentences see (``total``,
``mean``, ``least``, ``most``, ``given``, ``verdicts``, ``forces``, ``drafts``);
:func:`build_national` phrases the campaign's summary into a :class:`NationalRelease`,
everything already phrased and laid out as rows and cells, so that every format says the
same thing. The release states nothing the campaign or the forms do not: a figure no
counted force gives has no total (a sentence that uses it fails, saying so), and a cell
of a force that does not give it says so.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from authoring.model.campaign import Campaign
from authoring.model.findings import FieldType, StructuredFinding
from authoring.model.form import ReleaseForm
from authoring.model.gaps import Todo
from authoring.model.inline import Inline, smarten
from authoring.model.phrasing import PhrasingError, long_date, money, percent, phrase
from authoring.model.release import _quote as quoted
from authoring.model.release import page_number_words
from authoring.model.sentences import inspector_names, round_names
from authoring.model.summary import (
    SORT_BY_FORCE,
    SORT_BY_VERDICT,
    SUMMARY_NAMES,
    Aggregate,
    ChartKind,
    Drafts,
    Order,
    Summary,
)
from authoring.model.types import Status
from authoring.registry import Force, get_force


@dataclass(frozen=True)
class ForceFigures:
    """One counted force: its verdict (``None``: not yet given), whether its form is a draft, its figures."""

    force: Force
    verdict: str | None
    draft: bool
    values: Mapping[str, float]
    """Figures by ``kind.field``; a figure the form does not give is absent."""


def numeric_fields(campaign: Campaign) -> dict[str, FieldType]:
    """Every figure of the campaign, ``kind.field``, with its type: the count, money and percent fields."""
    numeric = (FieldType.COUNT, FieldType.MONEY, FieldType.PERCENT)
    return {
        f"{kind}.{name}": spec.type
        for kind, kind_spec in campaign.findings.items()
        for name, spec in kind_spec.fields.items()
        if spec.type in numeric
    }


def force_figures(form: ReleaseForm, campaign: Campaign) -> ForceFigures:
    """A valid form's verdict and figures. Counts and money of several findings of one kind add up;
    a percentage is the first finding's. A gap (TODO) is no figure."""
    types = numeric_fields(campaign)
    values: dict[str, float] = {}
    for item in form.findings:
        if not isinstance(item, StructuredFinding):
            continue
        for name, value in item.values().items():
            figure = f"{item.kind}.{name}"
            if figure not in types or isinstance(value, Todo) or value is None or isinstance(value, bool):
                continue
            if figure in values and types[figure] is not FieldType.PERCENT:
                values[figure] += value
            else:
                values.setdefault(figure, value)
    verdict = None if isinstance(form.grade, Todo) else str(form.grade)
    return ForceFigures(get_force(form.force), verdict, form.status is Status.DRAFT, values)


def _nested(flat: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    nested: dict[str, dict[str, Any]] = {}
    for figure, value in flat.items():
        kind, name = figure.split(".", 1)
        nested.setdefault(kind, {})[name] = value
    return nested


def aggregates(rows: Sequence[ForceFigures], campaign: Campaign) -> dict[str, Any]:
    """What the summary's sentences see besides the campaign: the round's figures, added up.

    ``total``, ``mean``, ``least`` and ``most`` of a figure no counted force gives are
    ``None``; ``given`` says how many forces give each figure.
    """
    totals: dict[str, Any] = {}
    means: dict[str, Any] = {}
    least: dict[str, Any] = {}
    most: dict[str, Any] = {}
    given: dict[str, int] = {}
    for figure in numeric_fields(campaign):
        values = [row.values[figure] for row in rows if figure in row.values]
        given[figure] = len(values)
        totals[figure] = _sum(values) if values else None
        means[figure] = statistics.fmean(values) if values else None
        least[figure] = min(values) if values else None
        most[figure] = max(values) if values else None
    verdicts = {key: sum(1 for row in rows if row.verdict == key) for key in campaign.verdicts}
    return {
        "forces": len(rows),
        "drafts": sum(1 for row in rows if row.draft),
        "total": _nested(totals),
        "mean": _nested(means),
        "least": _nested(least),
        "most": _nested(most),
        "given": _nested(given),
        "verdicts": verdicts,
    }


def _sum(values: Iterable[float]) -> float:
    total = sum(values)
    return round(total, 2) if isinstance(total, float) else total


def summary_context(campaign: Campaign, rows: Sequence[ForceFigures]) -> dict[str, Any]:
    """Every name a summary sentence may use (:data:`authoring.model.summary.SUMMARY_NAMES`)."""
    context = {**round_names(campaign), **aggregates(rows, campaign)}
    assert set(context) == set(SUMMARY_NAMES)
    return context


def phrase_summary(campaign: Campaign, rows: Sequence[ForceFigures]) -> dict[str, str]:
    """Every sentence of the summary, by its name in examples (``headline``, ``lead.1``, …).

    Raises :class:`~authoring.model.phrasing.PhrasingError` (its ``args`` end with the sentence's name).
    """
    summary = _summary(campaign)
    names = summary_context(campaign, rows)
    inspector = campaign.inspectors.get(summary.inspector)
    extra = {"inspector": inspector_names(inspector)} if inspector else {}
    said: dict[str, str] = {}
    for _, name, source in summary.templates():
        context = {**names, **extra} if name == "attribution" else names
        try:
            said[name] = phrase(source, context)
        except PhrasingError as error:
            raise PhrasingError(f"{name}: {error.message}", error.line) from None
    return said


def _summary(campaign: Campaign) -> Summary:
    if campaign.summary is None:
        raise ValueError("the campaign declares no summary")
    return campaign.summary


# --------------------------------------------------------------------------- the release


@dataclass(frozen=True)
class Cell:
    """One cell: its text as printed, and its value (for sorting, the CSV and the JSON)."""

    text: str
    value: float | str | None = None


@dataclass(frozen=True)
class TableData:
    """A table: caption, header cells, one row per force (its first cell the force's name), a totals row."""

    caption: str
    header: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    totals: tuple[Cell, ...] | None = None


@dataclass(frozen=True)
class ChartData:
    """One chart: what it shows, in words and as a table of its figures (the same figures it draws)."""

    key: str
    kind: ChartKind
    title: str
    description: str
    label: str
    """The category's name (force, verdict)."""
    axis: str
    """What the values are (the value axis)."""
    points: tuple[tuple[str, float], ...]
    """(category, value), in the order drawn."""
    table: TableData
    alt: str = ""
    """The short text alternative."""
    money: bool = False
    percent: bool = False


@dataclass(frozen=True)
class NationalRelease:
    """Everything the national release's templates need, in reading order."""

    campaign: Campaign
    round: str
    """The round's folder name (``value-for-money-2013``): the release's folder under ``national/``."""
    organisation: str
    is_draft: bool
    forces: int
    drafts: int
    headline: str
    release_date: str
    embargo: str | None
    dateline: str
    lead: tuple[Inline, ...]
    counted: str
    table: TableData
    charts: tuple[ChartData, ...]
    attribution: str
    quote: tuple[Inline, ...]
    notes_heading: str
    notes: tuple[Inline, ...]
    footer: str
    subject: str
    draft_mark: str
    watermark: str
    category: str
    figures: dict[str, Any] = field(default_factory=dict)
    """The round's figures as data (the JSON file beside the release)."""
    csv_link: str = ""
    """Before the link to a chart's CSV file."""
    page_number: tuple[str, str, str] = ("Page ", " of ", "")
    """At the foot of every page of the PDF: the words before, between and after the two numbers."""

    @property
    def file_stem(self) -> str:
        """``2013-07-18-national-value-for-money-in-policing-2013-example``."""
        return f"{self.campaign.release_date.isoformat()}-national-{self.campaign.slug}"

    @property
    def keywords(self) -> tuple[str, ...]:
        return (self.campaign.national_report, self.campaign.organisation_short)


def counted_rows(items: Iterable[tuple[ReleaseForm, Campaign]], campaign: Campaign) -> list[ForceFigures]:
    """The forces the national release counts: final forms, and drafts if the summary says to mark them."""
    summary = _summary(campaign)
    rows = []
    for form, _ in items:
        if form.status is Status.DRAFT and summary.drafts is Drafts.LEAVE_OUT:
            continue
        rows.append(force_figures(form, campaign))
    return rows


def build_national(campaign: Campaign, rows: Sequence[ForceFigures], *, round_name: str) -> NationalRelease:
    """Phrase the campaign's summary with the counted forces' figures into a :class:`NationalRelease`.

    Raises :class:`~authoring.model.phrasing.PhrasingError` if a sentence cannot be phrased
    (a figure no counted force gives, say).
    """
    summary = _summary(campaign)
    said = phrase_summary(campaign, rows)
    names = summary_context(campaign, rows)
    house = campaign.words
    scope = {"name": summary.name, "short_name": summary.name, "slug": "national"}
    words = {**names, "force": scope}
    types = numeric_fields(campaign)
    drafts = sum(1 for row in rows if row.draft)
    table = _table(summary, campaign, rows, types, said["table.caption"])
    charts = tuple(
        _chart(key, summary, campaign, rows, types, said[f"charts.{key}.title"], said[f"charts.{key}.description"])
        for key in summary.charts
    )
    quote = quoted([said[f"quote.{index + 1}"] for index in range(len(summary.quote))], campaign.quote_marks)
    return NationalRelease(
        campaign=campaign,
        round=round_name,
        organisation=smarten(campaign.organisation),
        is_draft=drafts > 0,
        forces=len(rows),
        drafts=drafts,
        headline=said["headline"],
        release_date=long_date(campaign.release_date),
        embargo=phrase(house.embargo, words) if campaign.embargo else None,
        dateline=phrase(house.dateline, words),
        lead=tuple(Inline.parse(said[f"lead.{index + 1}"]) for index in range(len(summary.sentences.lead))),
        counted=said["counted"],
        table=table,
        charts=charts,
        attribution=said["attribution"],
        quote=quote,
        notes_heading=phrase(house.notes_heading, words),
        notes=(
            *(Inline.parse(said[f"notes.{index + 1}"]) for index in range(len(summary.notes))),
            *(Inline.plain(phrase(note, words)) for note in house.press_office_notes),
        ),
        footer=phrase(summary.sentences.footer or house.footer, words),
        subject=phrase(summary.sentences.subject or house.subject, words),
        draft_mark=phrase(house.draft_mark, words),
        watermark=phrase(house.watermark, words),
        category=phrase(house.category, words),
        figures=_figures_json(campaign, rows, names, types, round_name),
        csv_link=phrase(summary.csv_link, {}),
        page_number=page_number_words(house.page_number, words),
    )


def formatted(value: float, kind: FieldType) -> str:
    """A figure as a table prints it: money and percentages in house style, counts with thousands separators."""
    if kind is FieldType.MONEY:
        return money(value)
    if kind is FieldType.PERCENT:
        return percent(value)
    if value == int(value):
        return f"{int(value):,}"
    return f"{value:,.1f}"


def _sort_key(summary: Summary, campaign: Campaign, row: ForceFigures) -> tuple[Any, ...]:
    by = summary.table.sort.by
    order = list(campaign.verdicts)
    if by == SORT_BY_VERDICT:
        return (order.index(row.verdict) if row.verdict in order else len(order), row.force.name)
    if by == SORT_BY_FORCE:
        return (row.force.name,)
    value = row.values.get(by)
    return (value is None, value if value is not None else 0, row.force.name)


def _sorted(summary: Summary, campaign: Campaign, rows: Sequence[ForceFigures]) -> list[ForceFigures]:
    ordered = sorted(rows, key=lambda row: _sort_key(summary, campaign, row))
    if summary.table.sort.order is Order.DESCENDING:
        by = summary.table.sort.by
        if by in (SORT_BY_FORCE, SORT_BY_VERDICT):
            ordered.reverse()
        else:  # largest first, forces that give no value still last, names still A to Z among equals
            given = [row for row in rows if by in row.values]
            ordered = sorted(given, key=lambda row: (-row.values[by], row.force.name))
            ordered += [row for row in rows if by not in row.values]
            ordered[len(given) :] = sorted(ordered[len(given) :], key=lambda row: row.force.name)
    return ordered


def _verdict_cell(summary: Summary, row: ForceFigures) -> Cell:
    if row.verdict is None:
        return Cell(phrase(summary.table.not_given, {}))
    return Cell(summary.verdict_label(row.verdict), row.verdict)


def _table(
    summary: Summary, campaign: Campaign, rows: Sequence[ForceFigures], types: Mapping[str, FieldType], caption: str
) -> TableData:
    columns = summary.table.columns
    not_given = phrase(summary.table.not_given, {})
    body = []
    for row in _sorted(summary, campaign, rows):
        cells = [Cell(row.force.name, row.force.slug)]
        for column in columns:
            if column.figure is None:
                cells.append(_verdict_cell(summary, row))
            elif column.figure in row.values:
                value = row.values[column.figure]
                cells.append(Cell(formatted(value, types[column.figure]), value))
            else:
                cells.append(Cell(not_given))
        body.append(tuple(cells))
    totals = [Cell(summary.table.totals_label)]
    for column in columns:
        if column.figure is None:
            counts = [(key, sum(1 for row in rows if row.verdict == key)) for key in campaign.verdicts]
            text = "; ".join(f"{summary.verdict_label(key)}: {count:,}" for key, count in counts if count)
            totals.append(Cell(text or not_given))
            continue
        values = [row.values[column.figure] for row in rows if column.figure in row.values]
        if column.totals is Aggregate.NONE or not values:
            totals.append(Cell("" if column.totals is Aggregate.NONE else not_given))
            continue
        value = _sum(values) if column.totals is Aggregate.TOTAL else statistics.fmean(values)
        text = formatted(value, types[column.figure])
        if column.totals is Aggregate.MEAN:
            text = f"{text} ({phrase(summary.table.mean_note, {})})"
        if len(values) < len(rows):
            text = f"{text} ({phrase(summary.table.partial_note, {'given': len(values), 'forces': len(rows)})})"
        totals.append(Cell(text, value))
    header = (summary.table.force_label, *(column.label for column in columns))
    return TableData(caption, header, tuple(body), tuple(totals))


def _label_of(summary: Summary, figure: str) -> str:
    for column in summary.table.columns:
        if column.figure == figure:
            return column.label
    return figure


def _chart(
    key: str,
    summary: Summary,
    campaign: Campaign,
    rows: Sequence[ForceFigures],
    types: Mapping[str, FieldType],
    title: str,
    description: str,
) -> ChartData:
    chart = summary.charts[key]
    if chart.kind is ChartKind.VERDICTS:
        points = tuple(
            (summary.verdict_label(verdict), float(sum(1 for row in rows if row.verdict == verdict)))
            for verdict in campaign.verdicts
        )
        axis = chart.axis or "Forces"
        label = next((column.label for column in summary.table.columns if column.verdict), "Verdict")
        table = TableData(title, (label, axis), tuple((Cell(name), Cell(f"{int(n):,}", n)) for name, n in points))
        alt = phrase(summary.chart_alt, {"title": title})
        return ChartData(key, chart.kind, title, description, label, axis, points, table, alt)
    figure = chart.figure or ""
    kind = types[figure]
    given = [row for row in rows if figure in row.values]
    ordered = sorted(given, key=lambda row: (-row.values[figure], row.force.name))
    points = tuple((row.force.name, float(row.values[figure])) for row in ordered)
    axis = chart.axis or _label_of(summary, figure)
    label = summary.table.force_label
    cells = tuple((Cell(name), Cell(formatted(value, kind), value)) for name, value in points)
    table = TableData(title, (label, axis), cells)
    return ChartData(
        key,
        chart.kind,
        title,
        description,
        label,
        axis,
        points,
        table,
        phrase(summary.chart_alt, {"title": title}),
        money=kind is FieldType.MONEY,
        percent=kind is FieldType.PERCENT,
    )


def _figures_json(
    campaign: Campaign,
    rows: Sequence[ForceFigures],
    names: Mapping[str, Any],
    types: Mapping[str, FieldType],
    round_name: str,
) -> dict[str, Any]:
    """The round's figures as data: what each counted force gives, and the aggregates."""
    return {
        "round": round_name,
        "national_report": campaign.national_report,
        "release_date": campaign.release_date.isoformat(),
        "forces_counted": len(rows),
        "drafts_counted": sum(1 for row in rows if row.draft),
        "figures": {figure: {"type": kind.value} for figure, kind in types.items()},
        "verdicts": names["verdicts"],
        "aggregates": {name: names[name] for name in ("total", "mean", "least", "most", "given")},
        "forces": [
            {
                "force": row.force.slug,
                "name": row.force.name,
                "verdict": row.verdict,
                "draft": row.draft,
                "figures": dict(sorted(row.values.items())),
            }
            for row in sorted(rows, key=lambda row: row.force.name)
        ],
    }
