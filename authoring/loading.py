"""Load and validate the inputs: the campaign file and per-force form files.

Each loader reads YAML with positions (:mod:`authoring.yamlsource`), validates it with
the pydantic models, and turns *every* validation error into a :class:`Problem` naming
the file, the line and column of the offending value, and the field path. Every
``TODO`` left in a ``final`` form is reported at its own line.
"""

from __future__ import annotations

import difflib
from functools import cache
from pathlib import Path
from typing import Any, TypeVar, get_args

from pydantic import BaseModel, ValidationError

from authoring.exceptions import InvalidInputError, Problem
from authoring.gaps import MARKER, NOTE_HINT, find_todos
from authoring.models import FINAL_HAS_TODO, Campaign, Key, ReleaseForm, Status
from authoring.yamlsource import Loc, SourceDocument, load_yaml

#: The campaign file's name; it sits beside the forms that use it.
CAMPAIGN_FILE = "campaign.yaml"
#: Where forms are read from unless told otherwise.
DEFAULT_FORMS_DIR = Path("forces")

M = TypeVar("M", bound=BaseModel)

_KEY_PATTERN = get_args(Key)[1].pattern


def load_campaign(path: Path) -> Campaign:
    """Load and validate a campaign file."""
    return validate_campaign(load_yaml(path))


def validate_campaign(document: SourceDocument) -> Campaign:
    """Validate a campaign file already read (see :func:`load_campaign`)."""
    return _validate(document, Campaign)


def load_form(path: Path, campaign: Campaign | None) -> ReleaseForm:
    """Load and validate one form file against its campaign (inspectors, periods).

    With no campaign (when it is itself invalid), everything else about the form is checked.
    """
    return validate_form(load_yaml(path), campaign)


def validate_form(document: SourceDocument, campaign: Campaign | None) -> ReleaseForm:
    """Validate a form file already read (see :func:`load_form`)."""
    return _validate(document, ReleaseForm, context={"campaign": campaign}, extra=_final_todos(document))


def campaign_for(form_path: Path) -> Path:
    """The campaign file a form uses: ``campaign.yaml`` in the form's folder."""
    return form_path.parent / CAMPAIGN_FILE


def form_files(folder: Path) -> list[Path]:
    """The form files in ``folder``: every ``*.yaml`` but the campaign and hidden files, sorted.

    Hidden files are editors' own (Emacs's lock link ``.#kent.yaml``, a backup
    ``.kent.yaml``), never forms. Anything else named ``*.yaml`` is listed, even if it is
    not a regular file, so that reading it reports the problem instead of skipping it.
    """
    return sorted(p for p in folder.glob("*.yaml") if p.name != CAMPAIGN_FILE and not p.name.startswith("."))


def _validate(
    document: SourceDocument, model: type[M], context: dict[str, Any] | None = None, extra: list[Problem] | None = None
) -> M:
    if not isinstance(document.data, dict):
        raise InvalidInputError(
            [
                Problem(
                    document.path, 1, 1, "", f"expected a mapping of fields (key: value), found {_kind(document.data)}"
                )
            ]
        )
    problems = list(extra or [])
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
    problems = []
    for loc in find_todos(document.data):
        line, column = document.locate(loc) or (None, None)
        message = "TODO left in a final form; fill it in, or set 'status: draft'"
        problems.append(Problem(document.path, line, column, ".".join(str(part) for part in loc), message))
    return problems


def _kind(value: Any) -> str:
    return "an empty file" if value is None else f"a {type(value).__name__}"


def _problems(document: SourceDocument, error: ValidationError, model: type[BaseModel]) -> list[Problem]:
    problems = []
    for item in error.errors(include_url=False):
        if item["type"] == FINAL_HAS_TODO:
            continue  # reported by _final_todos, one problem per TODO
        on_key = item["loc"][-1:] == ("[key]",)  # a dictionary key is wrong, not its value
        loc = _data_loc(document.data, item["loc"][:-1] if on_key else item["loc"], missing=item["type"] == "missing")
        if on_key or item["type"] in ("missing", "extra_forbidden"):
            position = document.key_position(loc)
        else:
            position = document.locate(loc)
        line, column = position if position else (None, None)
        problems.append(
            Problem(
                path=document.path,
                line=line,
                column=column,
                field=".".join(str(part) for part in loc),
                message=_message(item, model),
            )
        )
    return problems


def _data_loc(data: Any, loc: tuple[int | str, ...], *, missing: bool) -> Loc:
    """Keep the parts of a pydantic location that are keys in the data.

    Pydantic inserts union tags ('media-disclosures', 'text', 'value') into locations;
    they are dropped. For a missing field, the last part is kept: it names the field.
    """
    result: list[str | int] = []
    node = data
    for index, part in enumerate(loc):
        if _has(node, part):
            node = node[part]
        elif missing and index == len(loc) - 1:
            node = None
        else:
            continue
        result.append(part)
    return tuple(result)


def _has(node: Any, part: int | str) -> bool:
    if isinstance(node, dict):
        return part in node
    return isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)


def _message(item: Any, model: type[BaseModel]) -> str:
    """What a press officer reads: pydantic's message, reworded where it speaks Python."""
    kind, value, context = item["type"], item.get("input"), item.get("ctx") or {}
    if isinstance(value, dict) and MARKER in value:  # "- TODO: note" unquoted is a mapping in YAML
        return NOTE_HINT
    if kind == "missing":
        return "required field is missing"
    if kind == "extra_forbidden":
        close = difflib.get_close_matches(str(item["loc"][-1]), _field_names(model), n=1, cutoff=0.6)
        if close:
            return f"unknown field; did you mean '{close[0]}'?"
        return "unknown field; check its spelling (fields are listed by 'authoring schema')"
    if kind == "string_type":
        quote = "; put it in quotes if it is meant as text" if isinstance(value, bool | int | float) else ""
        return f"expected text, found {_describe(value)}{quote}"
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return f"expected a whole number such as 3 (or TODO in a draft), found {_describe(value)}"
    if kind == "greater_than_equal":
        return f"must be {context['ge']} or more"
    if kind == "enum":
        return f"expected {context['expected']}, found {_describe(value)}"
    if kind in ("bool_type", "bool_parsing"):
        return f"expected true or false, found {_describe(value)}"
    if kind == "string_pattern_mismatch" and context.get("pattern") == _KEY_PATTERN:
        return f"expected a key: lower-case words joined by hyphens, e.g. 'zoe-billingham'; found {_describe(value)}"
    if kind == "list_type":
        return f"expected a list (one item per line, each starting with '- '), found {_describe(value)}"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return f"expected fields (key: value lines), found {_describe(value)}"
    if kind == "string_too_short" and context.get("min_length") == 1:
        return "must not be empty"
    if kind == "too_short" and context.get("min_length") == 1:
        return "give at least one item"
    if kind.startswith("datetime"):  # pydantic's reason is about its fallback to a date: not useful
        return "not a real date and time; write YYYY-MM-DD HH:MM, e.g. 2012-12-11 00:01"
    if kind.startswith("date"):
        return f"not a real date ({context.get('error', 'unreadable')}); write YYYY-MM-DD, e.g. 2012-12-11"
    message: str = item["msg"]
    return message.removeprefix("Value error, ")


def _describe(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"'{str(value).lower()}' (yes/no)"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, str):
        return f"'{value}'" if len(value) <= 40 and "\n" not in value else "text"
    return "a list" if isinstance(value, list) else "fields (key: value lines)"


@cache
def _field_names(model: type[BaseModel]) -> list[str]:
    """Every field name a file of this model may use, at any depth (for 'did you mean')."""
    names: set[str] = set()
    schema = model.model_json_schema()
    for part in [schema, *schema.get("$defs", {}).values()]:
        names.update(part.get("properties", {}))
    return sorted(names)
