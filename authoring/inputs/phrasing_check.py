"""A campaign's words: its sentences and kinds of finding phrased, and checked before any build.

Every sentence of a release that is not copied from a form or the campaign's paragraphs
is a template in the campaign (``sentences``, each kind of finding's ``phrase``) or a
press-office default (``authoring/data/house.yaml``). :func:`check_phrasing` compiles
each one, checks the names it uses, runs it once for every verdict and inspector, and
runs every example of every kind of finding, comparing the sentence with what the
example says: a mistake is a :class:`Problem` at its line in ``campaign.yaml``.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from authoring.exceptions import Problem
from authoring.inputs.summary_check import check_summary
from authoring.inputs.yamlsource import Loc, SourceDocument, field_path
from authoring.model.bilingual import HOUSE_WORDS
from authoring.model.campaign import Campaign
from authoring.model.findings import FindingKindSpec, finding_model
from authoring.model.gaps import Todo
from authoring.model.newsroom import SAMPLES, WORDS
from authoring.model.phrasing import PhrasingError, names_used, phrase, template_mistakes
from authoring.model.sentences import (
    COMMON_NAMES,
    EXTRA_NAMES,
    FINDING_NAMES,
    SITE_NAMES,
    SITE_WORDS,
    common,
    finding_context,
    inspector_names,
)
from authoring.model.types import PROPERTY_LIMIT
from authoring.registry import forces

# --------------------------------------------------------------------------- checks

#: Records a problem: where (None: a press-office default), the message, and the line within the template.
Report = Callable[[Loc | None, str, int | None], None]


def _templates(campaign: Campaign) -> Iterator[tuple[Loc | None, str, str, tuple[str, ...]]]:
    """Every sentence template: where it is in campaign.yaml (None: the house default), its name, text, names."""
    words = campaign.words
    own = campaign.sentences
    for name in ("headline", "findings_lead_in", "attribution", "full_report"):
        yield ("sentences", name), name, getattr(own, name), (*COMMON_NAMES, *EXTRA_NAMES.get(name, ()))
    for name in HOUSE_WORDS:
        loc: Loc | None = ("sentences", name) if getattr(own, name) is not None else None
        yield loc, name, getattr(words, name), (*COMMON_NAMES, *EXTRA_NAMES.get(name, ()))
    for index, note in enumerate(words.press_office_notes):
        loc = ("sentences", "press_office_notes", index) if own.press_office_notes is not None else None
        yield loc, "press_office_notes", note, COMMON_NAMES
    for name in SITE_WORDS:
        value = getattr(words, name)
        for index, text in enumerate([value] if isinstance(value, str) else value):
            at = ("sentences", name) if isinstance(value, str) else ("sentences", name, index)
            yield (at if getattr(own, name) is not None else None), name, text, SITE_NAMES


def check_phrasing(document: SourceDocument, campaign: Campaign) -> list[Problem]:
    """Every mistake in the campaign's templates and examples, each at its line; [] if there is none."""
    lines = _lines(document.path)
    problems: list[Problem] = []

    def problem(loc: Loc | None, message: str, line_in_template: int | None) -> None:
        if loc is None:  # a press-office default: it is shipped, and tested
            problems.append(Problem(document.path, None, None, "", message))
            return
        line, column = _position(document, lines, loc, line_in_template)
        problems.append(Problem(document.path, line, column, field_path(loc), message))

    longest = max(forces().values(), key=lambda force: len(force.name))
    names = common(campaign, longest)
    if campaign.embargo is None:  # the embargo line is checked all the same
        names["embargo"] = dt.datetime.combine(campaign.release_date, dt.time())
    for loc, name, source, allowed in _templates(campaign):
        if _names_ok(source, allowed, loc, problem):
            _check_sentence(loc, name, source, campaign, names, problem)
    check_newsroom(campaign.words.newsroom, campaign.sentences.newsroom or {}, problem)
    for key, spec in campaign.findings.items():
        _check_kind(key, spec, campaign, problem)
    for loc, message, line_in_template in check_summary(campaign):
        problem(loc, message, line_in_template)
    return problems


def _check_sentence(
    loc: Loc | None, name: str, source: str, campaign: Campaign, names: dict[str, Any], problem: Report
) -> None:
    """Run one sentence for every verdict (the headline) or inspector (the attribution), with the longest force."""
    if name == "headline":
        runs: list[dict[str, Any]] = [{"verdict": words} for words in campaign.verdicts.values()]
    elif name == "attribution":
        runs = [{"inspector": inspector_names(inspector)} for inspector in campaign.inspectors.values()]
    elif name == "page_number":
        runs = [{"page": 1, "pages": 2}]
    else:
        runs = [{}]
    for extra in runs:
        try:
            text = phrase(source, {**names, **extra})
        except PhrasingError as error:
            problem(loc, error.message, error.line)
            return
        if name in ("headline", "subject") and len(text) > PROPERTY_LIMIT:
            problem(
                loc,
                f"too long: for the longest force name ({names['force']['name']}), the {name} would have "
                f"{len(text)} characters, and at most {PROPERTY_LIMIT} fit; shorten it",
                None,
            )
            return


def check_newsroom(words: Mapping[str, str], own: Mapping[str, str], problem: Report) -> None:
    """Each of the newsroom's ``words`` (:mod:`authoring.model.newsroom`): it uses only its names, and phrases.

    Each is run with sample values (a count of 0, 1 and 2); one the campaign gives (in
    ``own``) is reported at its line, a press-office default without one.
    """
    for name, source in words.items():
        loc: Loc | None = ("sentences", "newsroom", name) if name in own else None
        if not _names_ok(source, WORDS[name][1], loc, problem):
            continue
        values: dict[str, Any] = {}
        for sample in SAMPLES:
            values = {**values, **sample}
            try:
                phrase(source, values)
            except PhrasingError as error:
                problem(loc, error.message, error.line)
                break


def _names_ok(source: str, allowed: tuple[str, ...], loc: Loc | None, problem: Report) -> bool:
    """Whether ``source`` reads, uses known helpers and only the names ``allowed``; each mistake reported."""
    mistakes = template_mistakes(source)
    for mistake in mistakes:
        problem(loc, mistake.message, mistake.line)
    if mistakes:
        return False
    try:
        unknown = sorted(names_used(source) - set(allowed))
    except PhrasingError as error:
        problem(loc, error.message, error.line)
        return False
    for name in unknown:
        close = difflib.get_close_matches(name, allowed, n=1, cutoff=0.6)
        hint = (
            f"did you mean '{close[0]}'?"
            if close
            else f"it may use: {', '.join(allowed)}"
            if allowed
            else "it takes none: write it as words alone"
        )
        problem(loc, f"no placeholder '{name}' here; {hint}", _line_naming(source, name))
    return not unknown


def _check_kind(key: str, spec: FindingKindSpec, campaign: Campaign, problem: Report) -> None:
    where: Loc = ("findings", key, "phrase")
    allowed = (*spec.fields, *FINDING_NAMES)
    if not _names_ok(spec.phrase, allowed, where, problem):
        return
    model = finding_model(key, spec)
    registry = forces()
    for index, example in enumerate(spec.examples):
        at: Loc = ("findings", key, "examples", index)
        try:
            finding = model.model_validate({**example.values, "kind": key}, context={"campaign": campaign})
        except ValidationError as error:
            from authoring.inputs.messages import message_for

            first = error.errors(include_url=False)[0]
            field = ".".join(str(part) for part in first["loc"] if part not in ("value", "todo"))
            message = message_for(first, model)
            problem((*at, "values"), f"this example's {field or 'values'}: {message}", None)
            continue
        gaps = [name for name, value in finding.values().items() if isinstance(value, Todo)]
        if gaps:
            problem((*at, "values", gaps[0]), "an example gives every value; write one in place of TODO", None)
            continue
        force = registry[example.force] if example.force else next(iter(registry.values()))
        try:
            text = phrase(spec.phrase, finding_context(finding, campaign, force))
        except PhrasingError as error:
            problem(where, f"{error.message} (with the values of example {index + 1})", error.line)
            return
        if text != example.says:
            problem((*at, "says"), f"the template gives: {_shortened(text)}", None)


#: How much of a sentence a problem quotes.
_QUOTED = 500


def _shortened(text: str) -> str:
    """``text``, cut at :data:`_QUOTED` characters (a problem is one line, not a page)."""
    return text if len(text) <= _QUOTED else f"{text[:_QUOTED]}… ({len(text):,} characters)"


def _line_naming(source: str, name: str) -> int | None:
    """The first line of ``source`` that mentions ``name`` (1-based)."""
    for number, line in enumerate(source.splitlines(), start=1):
        if name in line:
            return number
    return None


def _lines(path: Path) -> list[str]:
    try:
        return path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return []


def _position(
    document: SourceDocument, lines: list[str], loc: Loc, line_in_template: int | None
) -> tuple[int | None, int | None]:
    """The line and column of ``loc``; with a template's own line, that line of the file."""
    position = document.locate(loc)
    if position is None:
        return None, None
    line, column = position
    if line_in_template is None:
        return line, column
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    block = text[column - 1 : column] in ("|", ">")
    if block:  # the template's first line is the one after the '|' or '>'
        indent = len(lines[line]) - len(lines[line].lstrip()) if line < len(lines) else 0
        return line + line_in_template, indent + 1
    return line + line_in_template - 1, column if line_in_template == 1 else 1
