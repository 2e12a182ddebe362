"""A campaign's summary, checked before any build: its figures, its sentences and its examples.

Every figure the table and charts name must be a number field of a kind of finding; the
verdict labels, the inspector and the sort must be the campaign's own; every sentence
must compile and use only the names a summary sentence has; and every example (a few
invented forces' figures) must give exactly the sentences it says, through the very code
that builds the national release (:mod:`authoring.model.national`). Each problem is
``(where in campaign.yaml, message, line within the template)``, for
:func:`authoring.inputs.phrasing_check.check_phrasing` to place.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator

from authoring.model.campaign import Campaign
from authoring.model.national import ForceFigures, numeric_fields, phrase_summary
from authoring.model.phrasing import PhrasingError, names_used
from authoring.model.summary import SORT_BY_FORCE, SORT_BY_VERDICT, SUMMARY_EXTRA_NAMES, SUMMARY_NAMES, Summary
from authoring.registry import forces, unknown_force_message

Found = tuple[tuple[str | int, ...], str, int | None]


def check_summary(campaign: Campaign) -> list[Found]:
    """Every mistake in the campaign's summary, each with where it is; [] if there is none (or no summary)."""
    summary = campaign.summary
    if summary is None:
        return []
    problems = list(_references(summary, campaign))
    sentences_ok = True
    for loc, name, source in summary.templates():
        base = name.split(".", 1)[0]
        allowed = (*SUMMARY_NAMES, *SUMMARY_EXTRA_NAMES.get(base, ()))
        try:
            unknown = sorted(names_used(source) - set(allowed))
        except PhrasingError as error:
            problems.append((("summary", *loc), error.message, error.line))
            sentences_ok = False
            continue
        for used in unknown:
            close = difflib.get_close_matches(used, allowed, n=1, cutoff=0.6)
            hint = f"did you mean '{close[0]}'?" if close else f"it may use: {', '.join(allowed)}"
            problems.append((("summary", *loc), f"no placeholder '{used}' here; {hint}", None))
            sentences_ok = False
    for loc, source, names in summary.small_templates():
        try:
            unknown = sorted(names_used(source) - set(names))
        except PhrasingError as error:
            problems.append((("summary", *loc), error.message, error.line))
            continue
        for used in unknown:
            hint = f"it may use: {', '.join(names)}" if names else "it uses no placeholder"
            problems.append((("summary", *loc), f"no placeholder '{used}' here; {hint}", None))
    if problems or not sentences_ok:
        return problems
    return list(_examples(summary, campaign))


def _references(summary: Summary, campaign: Campaign) -> Iterator[Found]:
    """Figures, verdicts, the inspector and the sort: each must be the campaign's own."""
    figures = numeric_fields(campaign)
    listed = ", ".join(figures) or "none (no kind of finding has a count, money or percent field)"

    def figure_problem(figure: str) -> str | None:
        if figure in figures:
            return None
        close = difflib.get_close_matches(figure, list(figures), n=1, cutoff=0.6)
        hint = f"did you mean '{close[0]}'?" if close else f"the figures are: {listed}"
        return f"no figure '{figure}': a figure is a count, money or percent field of a kind of finding; {hint}"

    for index, column in enumerate(summary.table.columns):
        if column.figure and (message := figure_problem(column.figure)):
            yield ("summary", "table", "columns", index, "figure"), message, None
    for key, chart in summary.charts.items():
        if chart.figure and (message := figure_problem(chart.figure)):
            yield ("summary", "charts", key, "figure"), message, None
    table_figures = [column.figure for column in summary.table.columns if column.figure]
    sort = summary.table.sort.by
    if sort not in (SORT_BY_FORCE, SORT_BY_VERDICT, *table_figures):
        choices = ", ".join([SORT_BY_FORCE, SORT_BY_VERDICT, *table_figures])
        yield ("summary", "table", "sort", "by"), f"cannot sort by '{sort}'; sort by one of: {choices}", None
    for key in summary.verdict_labels:
        if key not in campaign.verdicts:
            message = f"no verdict '{key}' in verdicts; the verdicts are: {', '.join(campaign.verdicts)}"
            yield ("summary", "verdict_labels", key), message, None
    if summary.inspector not in campaign.inspectors:
        message = f"no inspector '{summary.inspector}' in inspectors; they are: {', '.join(campaign.inspectors)}"
        yield ("summary", "inspector"), message, None
    names = {name for _, name, _ in summary.templates()}
    registry = forces()
    for index, example in enumerate(summary.examples):
        at: tuple[str | int, ...] = ("summary", "examples", index)
        for number, item in enumerate(example.forces):
            where = (*at, "forces", number)
            if item.force not in registry:
                yield (*where, "force"), unknown_force_message(item.force), None
            if item.verdict not in campaign.verdicts:
                message = f"no verdict '{item.verdict}' in verdicts; the verdicts are: {', '.join(campaign.verdicts)}"
                yield (*where, "verdict"), message, None
            for figure in item.figures:
                if message := figure_problem(figure):
                    yield (*where, "figures", figure), message, None
        for name in example.says:
            if name not in names:
                yield (*at, "says", name), f"no sentence '{name}'; the sentences are: {', '.join(names)}", None


def _examples(summary: Summary, campaign: Campaign) -> Iterator[Found]:
    """Each example's forces phrased through the national release's own code: the sentences it says, exactly."""
    registry = forces()
    locations = {name: loc for loc, name, _ in summary.templates()}
    for index, example in enumerate(summary.examples):
        rows = [
            ForceFigures(registry[item.force], item.verdict, item.draft, dict(item.figures)) for item in example.forces
        ]
        try:
            said = phrase_summary(campaign, rows)
        except PhrasingError as error:
            yield ("summary", "examples", index), f"{error.message} (with the figures of this example)", None
            continue
        for name, expected in example.says.items():
            if said[name] != expected:
                where = ("summary", "examples", index, "says", name)
                yield where, f"the template ({'.'.join(map(str, locations[name]))}) gives: {said[name]}", None
