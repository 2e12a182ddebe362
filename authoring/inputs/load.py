"""Load and validate the inputs: the campaign file and per-force form files.

Each loader reads YAML with positions (:mod:`authoring.inputs.yamlsource`), validates it with
the pydantic models, and turns *every* validation error into a :class:`Problem` naming
the file, the line and column of the offending value, and the field path. Every
``TODO`` left in a ``final`` form is reported at its own line.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from authoring.exceptions import InvalidInputError, Problem
from authoring.inputs.messages import _kind, _problems
from authoring.inputs.phrasing_check import check_phrasing
from authoring.inputs.printable import unprintable
from authoring.inputs.translation import check_welsh
from authoring.inputs.yamlsource import SourceDocument, field_path, load_yaml
from authoring.model.campaign import Campaign, Vocabulary
from authoring.model.form import ReleaseForm, form_model
from authoring.model.gaps import find_todos, parse_gap
from authoring.model.types import FIELDS_ALONE, Status

#: The campaign file's name; it sits beside the forms that use it, in the campaign's folder.
CAMPAIGN_FILE = "campaign.yaml"
#: The campaign's distribution list (:mod:`authoring.inputs.distribution`), beside its forms.
DISTRIBUTION_FILE = "distribution.yaml"
#: The files of a campaign folder that are not forms.
NOT_FORMS = frozenset({CAMPAIGN_FILE, DISTRIBUTION_FILE})
#: The folder of campaigns: one folder each (``forces/<campaign>/campaign.yaml`` and its forms).
DEFAULT_FORMS_DIR = Path("forces")

M = TypeVar("M", bound=BaseModel)


def load_campaign(path: Path) -> Campaign:
    """Load and validate a campaign file, its templates and their examples."""
    return validate_campaign(load_yaml(path, keep_going=True))


def validate_campaign(document: SourceDocument) -> Campaign:
    """Validate a campaign file already read: its fields, then its templates and examples (:func:`load_campaign`).

    A field the campaign does not have (a misspelt key) does not hide the rest: the
    campaign is checked without it as well, templates and examples included, and every
    problem is reported at once.
    """
    try:
        campaign = validate_document(document, Campaign)
    except InvalidInputError as error:
        raise InvalidInputError([*error.problems, *_once_its_fields_read(document)]) from error
    problems = [*check_phrasing(document, campaign), *check_welsh(document, campaign)]
    if problems:
        raise InvalidInputError(problems)
    return campaign


def _once_its_fields_read(document: SourceDocument) -> list[Problem]:
    """The problems an invalid campaign's other checks find, if its own fields all read right.

    Its unknown fields (a misspelt key) are left out: then the checks between fields run,
    if they have not, and, if they find nothing, its templates and examples are checked.
    """
    if not isinstance(document.data, dict) or document.problems:
        return []
    unknown = {key for key in document.data if key not in Campaign.model_fields}
    rest = replace(document, data={key: value for key, value in document.data.items() if key not in unknown})
    try:
        campaign = Campaign.model_validate(rest.data, context={FIELDS_ALONE: True})
    except ValidationError:
        return []  # a field of its own is wrong: reported already
    try:
        campaign.check_between_fields()
    except ValidationError as exc:  # reported already, unless an unknown field kept them from running
        return _problems(rest, exc, Campaign) if unknown else []
    return check_phrasing(rest, campaign)  # its templates, which need fields that agree with each other


def load_form(path: Path, campaign: Campaign | None, words: Vocabulary | None = None) -> ReleaseForm:
    """Load and validate one form file against its campaign (verdicts, kinds of finding, inspectors, periods).

    With no campaign (when it is itself invalid), everything else about the form is checked,
    against the campaign's ``words`` (its verdicts and kinds of finding) if they are valid.
    """
    return validate_form(load_yaml(path, keep_going=True), campaign, words)


def validate_form(document: SourceDocument, campaign: Campaign | None, words: Vocabulary | None = None) -> ReleaseForm:
    """Validate a form file already read (see :func:`load_form`), with the form model its campaign makes."""
    model = form_model(campaign or words)
    return validate_document(document, model, context={"campaign": campaign}, extra=_final_todos(document))


def campaign_for(form_path: Path) -> Path:
    """The campaign file a form uses: ``campaign.yaml`` in the form's folder."""
    return form_path.parent / CAMPAIGN_FILE


def form_files(folder: Path) -> list[Path]:
    """The form files in ``folder``: every ``*.yaml`` but the campaign, the distribution list and hidden files, sorted.

    Hidden files are editors' own (Emacs's lock link ``.#kent.yaml``, a backup
    ``.kent.yaml``), never forms. Anything else named ``*.yaml`` is listed, even if it is
    not a regular file, so that reading it reports the problem instead of skipping it.
    """
    return sorted(p for p in folder.glob("*.yaml") if p.name not in NOT_FORMS and not p.name.startswith("."))


def validate_document(
    document: SourceDocument, model: type[M], context: dict[str, Any] | None = None, extra: list[Problem] | None = None
) -> M:
    """Validate a YAML file already read against ``model``; every problem at its line, all at once.

    ``extra`` problems found by the caller are reported with the model's. Raises
    :class:`InvalidInputError`.
    """
    problems = [*document.problems, *(extra or [])]
    if not isinstance(document.data, dict):
        expected = f"expected fields, one per line as key: value, found {_kind(document.data)}"
        raise InvalidInputError([*problems, Problem(document.path, 1, 1, "", expected)])
    problems += unprintable(document)
    try:
        result = model.model_validate(document.data, context=context)
    except ValidationError as exc:
        problems.extend(_problems(document, exc, model))
        raise InvalidInputError(problems) from exc
    if problems:
        raise InvalidInputError(problems)
    return result


def _final_todos(document: SourceDocument) -> list[Problem]:
    """Every TODO left in a form that says ``status: final``, each at its own line."""
    if not isinstance(document.data, dict) or document.data.get("status") != Status.FINAL.value:
        return []
    message = "TODO left in a final form; fill it in, or set 'status: draft'"
    return [replace(problem, message=message) for problem in draft_gaps(document)]


def draft_gaps(document: SourceDocument) -> list[Problem]:
    """Every gap (TODO) in a form, each at its own line: ``quote.0: TODO still to fill: ask Zoë``."""
    found = []
    for loc in find_todos(document.data):
        line, column = document.locate(loc) or (None, None)
        value: Any = document.data
        for part in loc:
            value = value[part]
        gap = parse_gap(value)
        if gap is None:
            message = "TODO in this text, still to fill"
        else:
            message = f"TODO still to fill: {gap.note}" if gap.note else "TODO still to fill"
        found.append(Problem(document.path, line, column, field_path(loc), message))
    return found
