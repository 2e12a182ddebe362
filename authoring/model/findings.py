"""The input models: what a campaign file and a per-force form file may say.

Every field carries a description; it flows into the JSON Schema and into scaffolded
form files, so write it for a press officer, not a programmer.

Text fields accept one piece of inline markup: ``*words*`` sets the words in italics
(report titles). Web addresses (``www.…`` or ``https://…``) become links by themselves.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable
from enum import Enum, StrEnum
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    Field,
    Strict,
    StringConstraints,
    ValidationInfo,
    create_model,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from authoring.model.gaps import OrTodo
from authoring.model.phrasing import money
from authoring.model.types import _DATE, Key, Text, _all_at_once, _Model
from authoring.registry import forces, unknown_force_message

# --------------------------------------------------------------------------- what a campaign declares

#: A field of a kind of finding, as its templates name it: 'applications', 'out_of_hours'.
FieldName = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")]
#: Names a finding's template has besides its fields; no field may take them.
RESERVED_NAMES = frozenset(
    {"kind", "period", "perfect", "force", "organisation", "organisation_short", "national_report", "campaign"}
)


class FieldType(StrEnum):
    """What a field of a structured finding holds."""

    COUNT = "count"
    """A whole number, 0 or more: 3, 129."""
    MONEY = "money"
    """An amount in pounds: 12500, 749000000 (printed £12,500, £749m)."""
    PERCENT = "percent"
    """A percentage, 0 to 100 unless bounded otherwise: 45, 12.5 (printed 45%, 12.5%)."""
    CHOICE = "choice"
    """One of the words in ``choices``."""
    YES_NO = "yes-no"
    """true or false; an optional one is false unless given."""
    DATE = "date"
    """A date, YYYY-MM-DD."""
    TEXT = "text"
    """A short text, up to 500 characters."""


_NUMERIC = frozenset({FieldType.COUNT, FieldType.MONEY, FieldType.PERCENT})
SHORT_TEXT_LIMIT = 500


class FieldSpec(_Model):
    """One field of a kind of finding: its type, whether a form must give it, its bounds."""

    type: FieldType = Field(description="count, money, percent, choice, yes-no, date or text.")
    description: Text = Field(description="What the field holds, for the press officer (shown by 'authoring new').")
    required: bool = Field(default=True, description="Whether a form must give it (false: it may be left out).")
    min: Annotated[float, Strict()] | None = Field(default=None, description="The smallest value allowed (numbers).")
    max: Annotated[float, Strict()] | None = Field(
        default=None,
        description="The largest value allowed (numbers); unless given, 100 for a percent, £1tn for money.",
    )
    choices: list[Key] | None = Field(default=None, description="For a choice: the words a form may give.")

    @model_validator(mode="after")
    def _fits_type(self) -> FieldSpec:
        problems = []
        if self.type is FieldType.CHOICE and not self.choices:
            problems.append(
                PydanticCustomError("choices", "a choice needs 'choices', the words a form may give", {"field": "type"})
            )
        if self.type is not FieldType.CHOICE and self.choices is not None:
            problems.append(PydanticCustomError("choices", "only a choice has 'choices'", {"field": "choices"}))
        for bound in ("min", "max"):
            if getattr(self, bound) is not None and self.type not in _NUMERIC:
                problems.append(
                    PydanticCustomError(
                        "bounds", "only a count, money or percent has '{bound}'", {"bound": bound, "field": bound}
                    )
                )
        if self.min is not None and self.max is not None and self.min > self.max:
            problems.append(PydanticCustomError("bounds", "'min' is more than 'max'", {"field": "min"}))
        _all_at_once(self, problems)
        return self


class Rule(_Model):
    """A rule between two fields of one finding: ``{field: approved, at_most: applications}``."""

    field: FieldName = Field(description="The field the rule is about.")
    at_most: FieldName | None = Field(default=None, description="A field it may not exceed.")
    at_least: FieldName | None = Field(default=None, description="A field it may not be less than.")

    @model_validator(mode="after")
    def _one_comparison(self) -> Rule:
        if (self.at_most is None) == (self.at_least is None):
            raise PydanticCustomError("rule", "give one of 'at_most' or 'at_least'", {"field": "field"})
        return self

    @property
    def other(self) -> str:
        """The field compared with."""
        return self.at_most or self.at_least or ""


class Example(_Model):
    """These values give this exact sentence: ``authoring validate`` checks it."""

    values: dict[str, Any] = Field(description="A finding's fields, as a form would give them (and 'period').")
    says: Text = Field(description="The exact sentence they give.")
    force: str | None = Field(default=None, description="The force of the example (default: the first force).")

    @field_validator("force")
    @classmethod
    def _force_known(cls, value: str | None) -> str | None:
        if value is not None and value not in forces():
            raise ValueError(unknown_force_message(value))
        return value


class FindingKindSpec(_Model):
    """A kind of structured finding: its fields, its rules, and the sentence it makes."""

    description: Text = Field(description="What the finding says, for the press officer.")
    fields: dict[FieldName, FieldSpec] = Field(min_length=1, description="Its fields, by name, in order.")
    rules: list[Rule] = Field(default_factory=list, description="Rules between its fields.")
    phrase: Text = Field(description="The template of its sentence.")
    examples: list[Example] = Field(min_length=1, description="Values and the exact sentence they give.")

    @field_validator("fields")
    @classmethod
    def _not_reserved(cls, value: dict[str, FieldSpec]) -> dict[str, FieldSpec]:
        taken = sorted(RESERVED_NAMES & set(value))
        if taken:
            raise ValueError(f"'{taken[0]}' is a name every finding has; call the field something else")
        return value

    @model_validator(mode="after")
    def _rules_name_fields(self) -> FindingKindSpec:
        problems = []
        for index, rule in enumerate(self.rules):
            for key, name in (("field", rule.field), ("at_most", rule.at_most), ("at_least", rule.at_least)):
                if name is None:
                    continue
                spec = self.fields.get(name)
                where = f"rules.{index}.{key}"
                if spec is None:
                    problems.append(
                        PydanticCustomError(
                            "rule_field",
                            "no field '{name}' in this kind of finding; it has: {fields}",
                            {"name": name, "fields": ", ".join(self.fields), "field": where},
                        )
                    )
                elif spec.type not in _NUMERIC:
                    problems.append(
                        PydanticCustomError(
                            "rule_field",
                            "'{name}' is not a number; rules compare numbers",
                            {"name": name, "field": where},
                        )
                    )
        _all_at_once(self, problems)
        return self


# --------------------------------------------------------------------------- findings, as the campaign declares them


class StructuredFinding(_Model):
    """A structured finding: its kind, its figures, and the period it covers. Its class is made per campaign."""

    kind: str
    period: Key | None = Field(
        default=None, description="Key of a campaign period, if not the campaign's default for this kind."
    )

    @field_validator("period")
    @classmethod
    def _period_known(cls, value: str | None, info: ValidationInfo) -> str | None:
        # the campaign being read (a Campaign; a Vocabulary or nothing has no periods to check)
        periods: dict[str, str] | None = getattr((info.context or {}).get("campaign"), "periods", None)
        if value is not None and periods is not None and value not in periods:
            known = ", ".join(periods) or "none"
            raise ValueError(f"no period named '{value}'; the campaign has: {known}")
        return value

    def values(self) -> dict[str, Any]:
        """The finding's fields by name (choices as their words), without its kind and period."""
        return {
            name: value.value if isinstance(value, Enum) else value
            for name, value in self
            if name not in ("kind", "period")
        }


def _date_as_written(value: Any) -> Any:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if not isinstance(value, str) or not _DATE.fullmatch(value.strip()):
        raise PydanticCustomError("written_date", "write the date as YYYY-MM-DD, e.g. 2012-12-11")
    return value.strip()


def _class_name(key: str) -> str:
    return "".join(part.capitalize() for part in re.split(r"[-_]", key))


def _field_type(kind: str, name: str, spec: FieldSpec) -> Any:
    """The type a form's value of this field must have (without TODO)."""
    if spec.type is FieldType.COUNT:
        least = 0 if spec.min is None else math.ceil(spec.min)
        most = None if spec.max is None else math.floor(spec.max)
        return Annotated[int, Strict(), Field(ge=least, le=most)]
    if spec.type in (FieldType.MONEY, FieldType.PERCENT):
        low = 0.0 if spec.min is None else spec.min
        high = 100.0 if spec.max is None and spec.type is FieldType.PERCENT else spec.max
        if spec.type is FieldType.MONEY:
            ceiling = ABSURD_AMOUNT if spec.max is None else spec.max
            return Annotated[
                float,
                Strict(),
                Field(ge=low, json_schema_extra={"maximum": ceiling}),
                AfterValidator(_whole_pence),
                AfterValidator(_at_most(ceiling)),
            ]
        return Annotated[float, Strict(), Field(ge=low, le=high)]
    if spec.type is FieldType.CHOICE:
        members = {choice.upper().replace("-", "_"): choice for choice in spec.choices or ()}
        return StrEnum(f"{_class_name(kind)}{_class_name(name)}", members)
    if spec.type is FieldType.YES_NO:
        return Annotated[bool, Strict()]
    if spec.type is FieldType.DATE:
        return Annotated[dt.date, BeforeValidator(_date_as_written)]
    return Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=SHORT_TEXT_LIMIT)]


#: Money above this is refused unless the field's ``max`` allows it: £1tn is more than any force spends.
ABSURD_AMOUNT = 1_000_000_000_000.0


def _at_most(most: float) -> Callable[[float], float]:
    """A check that an amount is not above ``most`` (a mistyped figure, a few zeros too many)."""

    def check(amount: float) -> float:
        if amount > most:
            limit = f"{_figure(most)} ({money(most)})"
            raise PydanticCustomError(
                "too_much",
                "{amount} is more than this field allows, at most {limit}; check the number of zeros",
                {"amount": f"{_figure(amount)} ({money(amount)})", "limit": limit},
            )
        return amount

    return check


def _whole_pence(amount: float) -> float:
    """Money is pounds and pence: a release cannot print a fraction of a penny."""
    if round(amount, 2) != amount:
        raise PydanticCustomError(
            "whole_pence", "write pounds and pence, at most two figures after the point (e.g. 1250.50)"
        )
    return amount


def _figure(value: float) -> str:
    return str(int(value)) if value == int(value) else str(value)


def _rule_check(rule: Rule, *, on_other: bool) -> Any:
    """A validator of one rule, on whichever of its two fields comes later (so the other is known)."""
    at_most = rule.at_most is not None
    verb = "cannot exceed" if at_most else "cannot be less than"

    def check(cls: type[BaseModel], value: Any, info: ValidationInfo) -> Any:
        earlier: Any = info.data.get(rule.field if on_other else rule.other)
        first, second = (earlier, value) if on_other else (value, earlier)
        numbers = all(isinstance(v, int | float) and not isinstance(v, bool) for v in (first, second))
        if numbers and (first > second if at_most else first < second):
            raise ValueError(f"{rule.field} ({_figure(first)}) {verb} {rule.other} ({_figure(second)})")
        return value

    return field_validator(rule.other if on_other else rule.field)(check)


#: Generic forms used with types made at run time (mypy checks only static types).
_OR_TODO: Any = OrTodo
_LITERAL: Any = Literal


_KIND_MODELS: dict[str, type[StructuredFinding]] = {}


def finding_model(key: str, spec: FindingKindSpec) -> type[StructuredFinding]:
    """The model of one kind of finding, as the campaign declares it (made once per declaration)."""
    cache_key = f"{key}\0{spec.model_dump_json(exclude={'phrase', 'examples'})}"
    model = _KIND_MODELS.get(cache_key)
    if model is None:
        model = _KIND_MODELS[cache_key] = _make_finding_model(key, spec)
    return model


def _make_finding_model(key: str, spec: FindingKindSpec) -> type[StructuredFinding]:
    fields: dict[str, Any] = {"kind": (_LITERAL[key], ...)}
    for name, field in spec.fields.items():
        value_type = _field_type(key, name, field)
        if field.type is FieldType.YES_NO and not field.required:
            fields[name] = (value_type, Field(default=False, description=field.description))
        elif field.required:
            fields[name] = (_OR_TODO[value_type], Field(description=field.description))
        else:
            fields[name] = (_OR_TODO[value_type] | None, Field(default=None, description=field.description))
    order = list(spec.fields)
    validators = {
        f"_rule_{index}": _rule_check(rule, on_other=order.index(rule.other) > order.index(rule.field))
        for index, rule in enumerate(spec.rules)
    }
    model: type[StructuredFinding] = create_model(
        _class_name(key), __base__=StructuredFinding, __doc__=spec.description, __validators__=validators, **fields
    )
    return model


def _finding_tag(value: Any) -> str | None:
    if isinstance(value, str):
        return "text"
    if isinstance(value, dict):
        kind = value.get("kind")
        return kind if isinstance(kind, str) else None
    return getattr(value, "kind", None)


def _any_kind_tag(value: Any) -> str | None:
    if isinstance(value, str):
        return "text"
    return "structured" if isinstance(value, dict) else None
