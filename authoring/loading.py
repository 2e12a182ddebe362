"""Load and validate the inputs: the campaign file and per-force form files.

Each loader reads YAML with positions (:mod:`authoring.yamlsource`), validates it with
the pydantic models, and turns *every* validation error into a :class:`Problem` naming
the file, the line and column of the offending value, and the field path.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from authoring.exceptions import InvalidInputError, Problem
from authoring.models import Campaign, ReleaseForm
from authoring.yamlsource import Loc, SourceDocument, load_yaml

#: The campaign file's name; it sits beside the forms that use it.
CAMPAIGN_FILE = "campaign.yaml"

M = TypeVar("M", bound=BaseModel)


def load_campaign(path: Path) -> Campaign:
    """Load and validate a campaign file."""
    return _validate(load_yaml(path), Campaign)


def load_form(path: Path, campaign: Campaign | None) -> ReleaseForm:
    """Load and validate one form file against its campaign (inspectors, periods).

    With no campaign (it failed to load), everything but those references is checked.
    """
    return _validate(load_yaml(path), ReleaseForm, context={"campaign": campaign})


def campaign_for(form_path: Path) -> Path:
    """The campaign file a form uses: ``campaign.yaml`` in the form's folder."""
    return form_path.parent / CAMPAIGN_FILE


def form_files(folder: Path) -> list[Path]:
    """The form files in ``folder``: every ``*.yaml`` but the campaign, sorted."""
    return sorted(p for p in folder.glob("*.yaml") if p.name != CAMPAIGN_FILE)


def _validate(document: SourceDocument, model: type[M], context: dict[str, Any] | None = None) -> M:
    if not isinstance(document.data, dict):
        raise InvalidInputError(
            [
                Problem(
                    document.path, 1, 1, "", f"expected a mapping of fields (key: value), found {_kind(document.data)}"
                )
            ]
        )
    try:
        return model.model_validate(document.data, context=context)
    except ValidationError as exc:
        raise InvalidInputError(_problems(document, exc)) from exc


def _kind(value: Any) -> str:
    return "an empty file" if value is None else f"a {type(value).__name__}"


def _problems(document: SourceDocument, error: ValidationError) -> list[Problem]:
    problems = []
    for item in error.errors(include_url=False):
        names_key = item["type"] in ("missing", "extra_forbidden")
        loc = _data_loc(document.data, item["loc"], keep_last=names_key)
        position = document.key_position(loc) if names_key else document.locate(loc)
        line, column = position if position else (None, None)
        problems.append(
            Problem(
                path=document.path,
                line=line,
                column=column,
                field=".".join(str(part) for part in loc),
                message=_message(item),
            )
        )
    return problems


def _data_loc(data: Any, loc: tuple[int | str, ...], *, keep_last: bool) -> Loc:
    """Keep the parts of a pydantic location that are keys in the data.

    Pydantic inserts union tags ('media-disclosures', 'text') into locations; they are
    dropped. With ``keep_last``, the last part is kept even when absent: it names a
    missing field.
    """
    result: list[str | int] = []
    node = data
    for index, part in enumerate(loc):
        if _has(node, part):
            node = node[part]
        elif keep_last and index == len(loc) - 1:
            node = None
        else:
            continue
        result.append(part)
    return tuple(result)


def _has(node: Any, part: int | str) -> bool:
    if isinstance(node, dict):
        return part in node
    return isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)


def _message(item: Any) -> str:
    kind = item["type"]
    if kind == "missing":
        return "required field is missing"
    if kind == "extra_forbidden":
        return "unknown field; check its spelling (fields are listed by 'authoring schema')"
    message: str = item["msg"]
    return message.removeprefix("Value error, ")
