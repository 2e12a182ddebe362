"""Checking the Welsh: a campaign's Welsh templates and examples, and every Welsh text still missing.

- :func:`check_welsh` checks the campaign's ``cy:`` block as :mod:`authoring.inputs.phrasing_check`
  checks the English: each Welsh template compiles, uses only the names it may, runs for
  every verdict and inspector, and each kind's Welsh examples give exactly the sentence
  they say (phrased in Welsh). A Welsh word for something the English does not have (a
  verdict, a period, a paragraph too many) is a mistake too. Each problem is at its line.
- :func:`campaign_gap_problems` and :func:`form_gap_problems` list every English text of a
  bilingual release whose Welsh is missing, at its line: information for a draft, problems
  for a final release (``authoring validate`` and ``--final``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from authoring.exceptions import Problem
from authoring.inputs.phrasing_check import (
    Report,
    _check_kind,
    _check_sentence,
    _lines,
    _names_ok,
    _position,
    check_newsroom,
)
from authoring.inputs.yamlsource import Loc, SourceDocument, field_path
from authoring.model.bilingual import (
    HOUSE_WORDS,
    OWN_SENTENCES,
    Gap,
    campaign_gaps,
    form_gaps,
    form_texts,
    welsh_campaign,
)
from authoring.model.campaign import Campaign
from authoring.model.form import ReleaseForm
from authoring.model.language import WELSH
from authoring.model.phrasing import speaking
from authoring.model.sentences import COMMON_NAMES, EXTRA_NAMES, SITE_NAMES, SITE_WORDS, common
from authoring.registry import forces

#: The longest Welsh text, as the longest English one (:data:`authoring.model.types.Text`).
TEXT_LIMIT = 5000


def check_welsh(document: SourceDocument, campaign: Campaign) -> list[Problem]:
    """Every mistake in the campaign's ``cy:`` block, each at its line; [] if there is none (or no block)."""
    if campaign.cy is None:
        return []
    lines = _lines(document.path)
    problems: list[Problem] = []

    def problem(loc: Loc | None, message: str, line_in_template: int | None) -> None:
        where: Loc = ("cy", *(loc or ()))
        line, column = _position(document, lines, where, line_in_template)
        problems.append(Problem(document.path, line, column, field_path(where), message))

    _extra_words(campaign, problem)
    view = welsh_campaign(campaign)
    longest = max(forces().values(), key=lambda force: len(force.welsh_name or force.name))
    names = common(view, longest.model_copy(update={"name": longest.welsh_name or longest.name}))
    if campaign.embargo is None:
        names["embargo"] = dt.datetime.combine(campaign.release_date, dt.time())
    given = campaign.cy.sentences
    with speaking(WELSH):
        for name in (*OWN_SENTENCES, *HOUSE_WORDS):
            source = getattr(given, name)
            if source is None:
                continue
            loc: Loc = ("sentences", name)
            if _names_ok(source, (*COMMON_NAMES, *EXTRA_NAMES.get(name, ())), loc, problem):
                _check_sentence(loc, name, source, view, names, problem)
        for index, note in enumerate(given.press_office_notes or ()):
            loc = ("sentences", "press_office_notes", index)
            if _names_ok(note, COMMON_NAMES, loc, problem):
                _check_sentence(loc, "press_office_notes", note, view, names, problem)
        for key in campaign.cy.findings:
            if key in campaign.findings:
                _check_kind(key, view.findings[key], view, problem)
        for name in SITE_WORDS:  # the newsroom's Welsh pages
            value = getattr(given, name)
            for index, text in enumerate([value] if isinstance(value, str) else value or ()):
                loc = ("sentences", name) if isinstance(value, str) else ("sentences", name, index)
                if _names_ok(text, SITE_NAMES, loc, problem):
                    _check_sentence(loc, name, text, view, names, problem)
        check_newsroom(given.newsroom or {}, given.newsroom or {}, problem)
    return problems


def _extra_words(campaign: Campaign, problem: Report) -> None:
    """Welsh for what the English does not have: a key it lacks, or more paragraphs than it has."""
    cy = campaign.cy
    if cy is None:  # pragma: no cover - checked by the caller
        return
    keyed: Iterable[tuple[str, dict[str, Any], dict[str, Any]]] = (
        ("verdicts", cy.verdicts, campaign.verdicts),
        ("verdict_names", cy.verdict_names, campaign.verdicts),
        ("periods", cy.periods, campaign.periods),
        ("inspectors", cy.inspectors, campaign.inspectors),
        ("findings", cy.findings, campaign.findings),
    )
    for field, welsh, english in keyed:
        for key in welsh:
            if key not in english:
                known = ", ".join(english) or "none"
                of = "verdicts" if field == "verdict_names" else field
                problem((field, key), f"the English has no '{key}' in {of}; it has: {known}", None)
    for field in ("background", "notes_to_editors", "quote_closing"):
        welsh_list, english_list = getattr(cy, field), getattr(campaign, field)
        if len(welsh_list) > len(english_list):
            problem(
                (field, len(english_list)),
                f"the Welsh has {len(welsh_list)} paragraphs and the English {len(english_list)}; "
                "give one Welsh paragraph for each English one, in the same order",
                None,
            )
    if cy.sentences.press_office_notes is not None:
        english_notes = campaign.words.press_office_notes
        if len(cy.sentences.press_office_notes) != len(english_notes):
            problem(
                ("sentences", "press_office_notes"),
                f"the Welsh has {len(cy.sentences.press_office_notes)} press office notes and the English "
                f"{len(english_notes)}; give one for each",
                None,
            )


def _at(document: SourceDocument, gap: Gap, what: str) -> Problem:
    line, column = document.locate(gap.loc) or (None, None)
    return Problem(document.path, line, column, field_path(gap.loc), f"{what}: {gap.message}")


def campaign_gap_problems(document: SourceDocument, campaign: Campaign) -> list[Problem]:
    """Every text of the campaign whose Welsh is missing, each at its line (the Welsh TODO's, else the English)."""
    return [_at(document, gap, "Welsh missing") for gap in campaign_gaps(campaign)]


def form_gap_problems(document: SourceDocument, form: ReleaseForm) -> list[Problem]:
    """Every free text of a bilingual force's form whose Welsh twin is missing, each at its line."""
    return [_at(document, gap, "Welsh missing") for gap in form_gaps(form)]


def twin_problems(document: SourceDocument, form: ReleaseForm) -> list[Problem]:
    """Twins that cannot be used: Welsh that is not text or is too long, or a twin where no text goes."""
    texts = {".".join(map(str, loc)) for loc, _ in form_texts(form)}
    for index, finding in enumerate(form.findings):  # a structured finding's short texts may have twins too
        if not isinstance(finding, str):  # a model, or a mapping when the campaign is unknown
            values = finding.items() if isinstance(finding, dict) else iter(finding)
            texts |= {f"findings.{index}.{name}" for name, value in values if isinstance(value, str)}
    problems = []
    for key, welsh in form.welsh_twins.items():
        loc: Loc = (*(int(part) if part.isdigit() else part for part in key.split(".")), "cy")
        if key not in texts:
            message = "only a text has a Welsh twin; write this value alone, without 'en:' and 'cy:'"
        elif not isinstance(welsh, str):
            message = "the Welsh must be text"
        elif len(welsh) > TEXT_LIMIT:
            message = f"too long: at most {TEXT_LIMIT} characters, and this has {len(welsh)}; shorten it"
        else:
            continue
        line, column = document.locate(loc) or (None, None)
        problems.append(Problem(document.path, line, column, field_path(loc), message))
    return problems
