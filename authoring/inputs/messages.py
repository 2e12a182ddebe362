"""Load and validate the inputs: the campaign file and per-force form files.

Each loader reads YAML with positions (:mod:`authoring.inputs.yamlsource`), validates it with
the pydantic models, and turns *every* validation error into a :class:`Problem` naming
the file, the line and column of the offending value, and the field path. Every
``TODO`` left in a ``final`` form is reported at its own line.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from functools import cache
from typing import Any, get_args

from pydantic import BaseModel, ValidationError

from authoring.exceptions import Problem
from authoring.inputs.yamlsource import Loc, SourceDocument, field_path
from authoring.model.campaign import Campaign
from authoring.model.form import FINAL_HAS_TODO
from authoring.model.gaps import MARKER, NOTE_HINT
from authoring.model.reference import REFERENCE_PAGE
from authoring.model.types import Key

_KEY_PATTERN = get_args(Key)[1].pattern


def _kind(value: Any) -> str:
    """What a file holds instead of fields, in words."""
    if value is None:
        return "an empty file"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool):
        return "a yes/no value"
    return "a number" if isinstance(value, int | float) else "text only"


def _problems(document: SourceDocument, error: ValidationError, model: type[BaseModel]) -> list[Problem]:
    problems = []
    for item in error.errors(include_url=False):
        if item["type"] == FINAL_HAS_TODO:
            continue  # reported by _final_todos, one problem per TODO
        context = item.get("ctx") or {}
        on_key = item["loc"][-1:] == ("[key]",)  # a dictionary key is wrong, not its value
        raw_loc = item["loc"][:-1] if on_key else item["loc"]
        if "field" in context:  # a rule across fields, about one of them
            parts = str(context["field"]).split(".")
            raw_loc = (*raw_loc, *(int(part) if part.isdigit() else part for part in parts))
        loc = _data_loc(document.data, raw_loc, missing=item["type"] == "missing")
        value = item.get("input")
        if item["type"] == "finding" and isinstance(value, dict) and isinstance(value.get("kind"), str):
            loc = (*loc, "kind")  # an unknown kind: point at it
        if on_key or item["type"] in ("missing", "extra_forbidden"):
            position = document.key_position(loc)
        else:
            position = document.locate(loc)
        line, column = position if position else (None, None)
        message = _message(item, model, document.data, loc)
        other = context.get("other")
        other_at = document.key_position((other,)) if isinstance(other, str) and other in document.data else None
        if other_at is not None:  # a rule between two fields: name the other one's line too
            message += f" ({other}, line {other_at[0]})"
        problems.append(
            Problem(
                path=document.path,
                line=line,
                column=column,
                field=field_path(loc),
                message=message,
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


def _value_at(data: Any, loc: Loc) -> Any:
    """The value at ``loc`` in ``data``; None if there is none."""
    for part in loc:
        if not _has(data, part):
            return None
        data = data[part]
    return data


def _has(node: Any, part: int | str) -> bool:
    if isinstance(node, dict):
        return part in node
    return isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)


def message_for(item: Any, model: type[BaseModel]) -> str:
    """What a press officer reads for one of pydantic's errors (``ValidationError.errors()``)."""
    return _message(item, model)


def _message(item: Any, model: type[BaseModel], data: Any = None, loc: Loc = ()) -> str:
    """What a press officer reads: pydantic's message, reworded where it speaks Python (``loc``: where, in ``data``)."""
    kind, value, context = item["type"], item.get("input"), item.get("ctx") or {}
    if isinstance(value, dict) and MARKER in value:  # "- TODO: note" unquoted is a mapping in YAML
        return NOTE_HINT
    if kind in ("finding", "string_type"):
        colon = _colon_in_text(value, model, structured=kind == "finding")
        if colon:
            return colon
    if kind == "finding":
        return _finding_message(value, model)
    if kind == "missing":
        return "required field is missing"
    if kind == "extra_forbidden":
        name = str(item["loc"][-1])
        here = _fields_at(model, data, loc[:-1]) or _field_names(model)
        finding_kind = _value_at(data, (*loc[:-1], "kind"))
        close = difflib.get_close_matches(name, here, n=1, cutoff=0.6)
        if isinstance(finding_kind, str) and "kind" in here and not close:  # a structured finding: its kind's fields
            return f"a {finding_kind} finding has no field '{name}'; it has: {', '.join(here)}"
        listed = "fields are listed by 'authoring schema'"
        if issubclass(model, Campaign):
            listed = f"every field of a campaign file is described in {REFERENCE_PAGE}"
        if name in _field_names(model) and name not in here:  # a field of the file, but not at this place
            return f"unknown field at this place; check its indentation ({listed})"
        if close:
            guess = f"unknown field; did you mean '{close[0]}'?"
            return f"{guess} (every field is described in {REFERENCE_PAGE})" if issubclass(model, Campaign) else guess
        return f"unknown field; check its spelling ({listed})"
    if kind == "string_type":
        quote = "; put it in quotes if it is meant as text" if isinstance(value, bool | int | float) else ""
        return f"expected text, found {_describe(value)}{quote}"
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return _count_message(value)
    if kind in ("float_type", "float_parsing"):
        return _amount_message(value)
    if kind == "greater_than_equal":
        return f"must be {_bound(context['ge'])} or more"
    if kind == "less_than_equal":
        return f"must be {_bound(context['le'])} or less"
    if kind == "enum":
        meant = slip(value, re.findall(r"'([^']*)'", context["expected"])) if isinstance(value, str) else None
        hint = f"; did you mean '{meant}'?" if meant else ""
        return f"expected {context['expected']}, found {_describe(value)}{hint}"
    if kind in ("bool_type", "bool_parsing"):
        if isinstance(value, str) and value.strip().lower() in ("true", "false"):
            return f"expected true or false, found the text {_describe(value)}: remove the quotes"
        return f"expected true or false, found {_describe(value)}"
    if kind == "string_pattern_mismatch" and context.get("pattern") == _KEY_PATTERN:
        return f"expected a key: lower-case words joined by hyphens, e.g. 'zoe-billingham'; found {_describe(value)}"
    if kind == "list_type":
        dash = "; put a space after the '-'" if isinstance(value, str) and re.match(r"-[^\s-]", value) else ""
        return f"expected a list (one item per line, each starting with '- '), found {_describe(value)}{dash}"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return f"expected fields (key: value lines), found {_describe(value)}"
    if kind == "string_too_short" and context.get("min_length") == 1:
        return "must not be empty"
    if kind == "too_short" and context.get("min_length") == 1:
        return "give at least one item"
    if kind == "string_too_long":
        return f"too long: at most {context['max_length']:,} characters, and this has {len(str(value)):,}; shorten it"
    if kind.startswith("datetime"):  # pydantic's reason is about its fallback to a date: not useful
        return "not a real date and time; write YYYY-MM-DD HH:MM, e.g. 2012-12-11 00:01"
    if kind.startswith("date"):
        return f"not a real date ({context.get('error', 'unreadable')}); write YYYY-MM-DD, e.g. 2012-12-11"
    message: str = item["msg"]
    return message.removeprefix("Value error, ")


#: Word beginnings that turn a word into its opposite ('adequate', 'inadequate'), and words that negate the next.
_NEGATING_PREFIXES = ("non", "un", "in", "im", "il", "ir", "dis", "de", "mis", "anti", "counter")
_NEGATING_WORDS = frozenset({"not", "no", "non", "never", "without"})


def slip(value: str, options: list[str]) -> str | None:
    """The option ``value`` is a slip of, if it is one; ``None`` if it may mean something else.

    A slip is a difference of case, a space or underscore for a hyphen, or one or two
    letters (one in a word of five letters or fewer) that do not add or remove a negation:
    'Good' and 'good progress' are slips, but 'adequate' for 'inadequate' and 'not good' for
    'good' are not; a verdict or a choice is never guessed into its opposite.
    """
    written = _spelt(value)
    if not written:
        return None
    best: tuple[int, str] | None = None
    for option in options:
        wanted = _spelt(option)
        if written == wanted:
            return option
        if _stripped(written) == _stripped(wanted):  # the difference is a negation
            continue
        distance = _edits(written, wanted)
        if distance <= (1 if len(wanted) <= 5 else 2) and (best is None or distance < best[0]):
            best = (distance, option)
    return best[1] if best else None


def _spelt(text: str) -> str:
    """Lower case, words joined by single hyphens."""
    return "-".join(re.split(r"[\s_-]+", text.strip().casefold())).strip("-")


def _stripped(text: str) -> str:
    """``text`` less every negating word and word beginning (to tell a negation from a slip)."""
    words = []
    for word in text.split("-"):
        if word in _NEGATING_WORDS:
            continue
        prefix = next((p for p in _NEGATING_PREFIXES if word.startswith(p) and len(word) > len(p) + 2), "")
        words.append(word[len(prefix) :])
    return "-".join(words)


def _edits(a: str, b: str) -> int:
    """How many letters to add, remove, change or swap with a neighbour to make ``a`` into ``b``."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        current = [i]
        for j, y in enumerate(b, 1):
            cost = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x != y))
            if i > 1 and j > 1 and x == b[j - 2] and a[i - 2] == y:
                cost = min(cost, previous2[j - 2] + 1)
            current.append(cost)
        previous2, previous = previous, current
    return previous[-1]


def _finding_message(value: Any, model: type[BaseModel]) -> str:
    """A finding that is neither text nor a known kind of structured finding."""
    known = list(getattr(model, "finding_kinds", {}))
    kinds = ", ".join(known) or "none (this campaign has text findings only)"
    if isinstance(value, dict) and isinstance(value.get("kind"), str):
        wanted = value["kind"]
        spelt = wanted.strip().lower().replace(" ", "-")
        close = difflib.get_close_matches(spelt, known, n=1, cutoff=0.6) or [k for k in known if spelt and spelt in k]
        if close:
            return f"no kind of finding is called '{wanted}'; did you mean '{close[0]}'?"
        return f"no kind of finding is called '{wanted}'; the kinds are: {kinds}"
    if isinstance(value, dict):
        return f"a structured finding needs a 'kind', one of: {kinds}"
    quote = "; put it in quotes if it is meant as text" if isinstance(value, bool | int | float) else ""
    return f"a finding is either text, or fields with a 'kind', one of: {kinds}; found {_describe(value)}{quote}"


def _colon_in_text(value: Any, model: type[BaseModel], *, structured: bool) -> str | None:
    """If ``value`` is a text that YAML read as 'key: value' because of a ': ' in it, say so.

    Where a structured finding may stand, a field name of one is not taken for prose.
    """
    if not isinstance(value, dict) or len(value) != 1:
        return None
    (key,) = value
    if not isinstance(key, str) or (structured and key in _field_names(model)):
        return None
    return (
        f"this text contains ': ' (after '{_short(key)}'), so YAML reads it as a field and its value; "
        "put the whole text in quotes, or write it as a '>-' block"
    )


#: Counts written in a way YAML 1.1 would read as another number, or a person as a number.
_WITH_COMMAS = re.compile(r"^[0-9]{1,3}(,[0-9]{3})+$")


def _count_message(value: Any) -> str:
    """A count that is not a whole number: say how to write it."""
    if isinstance(value, str):
        text = value.strip()
        if re.fullmatch(r"-?(0|[1-9][0-9]*)", text):
            return f"the number is in quotes, which makes it text; remove the quotes: {text}"
        if _WITH_COMMAS.fullmatch(text):
            return f"write numbers without commas: {text.replace(',', '')}"
        if re.fullmatch(r"0[0-9]+", text):
            return f"write the number without a leading zero: {int(text)}"
        if "_" in text and re.fullmatch(r"[0-9][0-9_]*[0-9]", text):
            return f"write numbers without '_': {text.replace('_', '')}"
        if re.fullmatch(r"\+[0-9]+", text):
            return f"write the number without '+': {int(text[1:])}"
        if text and text[0].isdigit():
            return f"write a count in plain digits (0 to 9 only), e.g. 129; found {_describe(value)}"
    return f"expected a whole number such as 3 (or TODO in a draft), found {_describe(value)}"


def _amount_message(value: Any) -> str:
    """A money or percent value that is not a number: say how to write it."""
    if isinstance(value, str) and re.search(r"[0-9]", value):
        return (
            f"write the figure as a plain number, without £, % or commas, e.g. 12500 or 45.5; found {_describe(value)}"
        )
    return f"expected a number such as 12500 or 45.5 (or TODO in a draft), found {_describe(value)}"


def _bound(value: Any) -> str:
    return str(int(value)) if isinstance(value, float) and value == int(value) else str(value)


def _short(text: str) -> str:
    return text if len(text) <= 40 else text[:40] + "…"


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


def _fields_at(model: type[BaseModel], data: Any, loc: Loc) -> list[str]:
    """The field names the mapping at ``loc`` in a file of ``model`` may have (none if the schema does not say).

    Followed through the JSON Schema: a structured finding's fields are those of its own
    kind (the ``kind`` it gives), not of every kind.
    """
    schema = _schema(model)
    definitions = schema.get("$defs", {})

    def options(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
        if "$ref" in node:
            yield from options(definitions.get(node["$ref"].rsplit("/", 1)[-1], {}))
        for key in ("anyOf", "oneOf", "allOf"):
            for option in node.get(key, []):
                yield from options(option)
        yield node

    def child(node: dict[str, Any], part: str | int) -> list[dict[str, Any]]:
        if isinstance(part, int):
            return [node["items"]] if isinstance(node.get("items"), dict) else []
        if part in node.get("properties", {}):
            return [node["properties"][part]]
        extra = node.get("additionalProperties")
        return [extra] if isinstance(extra, dict) else []

    nodes = [schema]
    for part in loc:
        nodes = [found for node in nodes for option in options(node) for found in child(option, part)]
    mapping = _value_at(data, loc)

    def kind_of(properties: dict[str, Any]) -> str | None:  # the kind of finding a schema is of
        const = properties.get("kind", {}).get("const") if isinstance(properties.get("kind"), dict) else None
        return const if isinstance(const, str) else None

    here = [
        option["properties"] for node in nodes for option in options(node) if isinstance(option.get("properties"), dict)
    ]
    kinds = {kind_of(properties) for properties in here} - {None}
    kind = mapping.get("kind") if isinstance(mapping, dict) else None
    if not isinstance(kind, str):  # a list or mapping where the kind's name should be: any kind's fields
        kind = None
    names: set[str] = set()
    for properties in here:
        if kind not in kinds or kind_of(properties) in (None, kind):
            names.update(properties)
    return sorted(names)


@cache
def _schema(model: type[BaseModel]) -> dict[str, Any]:
    return model.model_json_schema()


@cache
def _field_names(model: type[BaseModel]) -> list[str]:
    """Every field name a file of this model may use, at any depth (for 'did you mean')."""
    names: set[str] = set()
    schema = _schema(model)
    for part in [schema, *schema.get("$defs", {}).values()]:
        names.update(part.get("properties", {}))
    return sorted(names)
