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
import unicodedata
from enum import Enum, StrEnum
from functools import cache
from importlib.resources import files
from typing import Annotated, Any, ClassVar, Literal, Union

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    Strict,
    StringConstraints,
    Tag,
    ValidationError,
    ValidationInfo,
    create_model,
    field_validator,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

from authoring.gaps import OrTodo, Todo, find_todos
from authoring.registry import forces, unknown_force_message


def file_name_part(text: str) -> str:
    """Text as a file-name part: ASCII letters and digits in lower case, joined by single hyphens.

    ``Dyfed-Powys Police`` → ``dyfed-powys-police``; ``Stop & Search: One Year On`` → ``stop-search-one-year-on``.
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


#: A validation context key: check each field of a campaign alone, not the checks between them.
FIELDS_ALONE = "fields_alone"


def _all_at_once(model: BaseModel, problems: list[PydanticCustomError]) -> None:
    """Raise every problem a model's checks across its fields found, together.

    Pydantic stops at the first model validator that raises; a model whose checks
    collect their problems and raise them here has each one reported at once, each at
    the line of the field its ``field`` names.
    """
    if problems:
        details = [InitErrorDetails(type=problem, loc=(), input=model) for problem in problems]
        raise ValidationError.from_exception_data(type(model).__name__, details)


#: Word's document properties (title, subject, author, keywords) stop at 255 characters.
PROPERTY_LIMIT = 255
#: The longest file name a release may have: most file systems allow 255, less the temporary file's suffix.
FILE_NAME_LIMIT = 200
#: The years a DOCX file (a ZIP archive) can date its contents in.
FIRST_YEAR, LAST_YEAR = 1980, 2107
#: An embargo that ends more days than this before the release date contradicts it.
MAX_EMBARGO_LEAD_DAYS = 7
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DATE_TIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[ T][0-9]{2}:[0-9]{2}")

#: One paragraph or sentence of text: stripped, never empty.
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=5000)]
Key = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")]
#: A count: a whole number, 0 or more (not 2.5, not "3", not true).
Count = Annotated[int, Strict(), Field(ge=0)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)


class Status(StrEnum):
    """Whether a release may be published."""

    DRAFT = "draft"
    FINAL = "final"


class QuoteMarks(StrEnum):
    """Where opening quotation marks go in a quote of several paragraphs."""

    FIRST_AND_LAST = "first-and-last"
    """An opening mark on the first paragraph, a closing mark on the last (the seeds' style)."""
    EVERY_PARAGRAPH = "every-paragraph"
    """An opening mark on every paragraph, a closing mark on the last (the GOV.UK style guide)."""


# --------------------------------------------------------------------------- campaign


class Inspector(_Model):
    """Someone who may be quoted: an inspector, a chief executive…"""

    name: Text = Field(description="Full name as printed, e.g. 'Zoë Billingham'.")
    honours: list[Annotated[str, StringConstraints(pattern=r"^[A-Z][A-Za-z]*$")]] = Field(
        default_factory=list, description="Post-nominal letters in order, e.g. ['QPM'] or ['CBE']."
    )
    region: Text | None = Field(
        default=None, description="The region the inspector speaks for, e.g. 'Eastern Region' or 'National Team'."
    )
    role: Text | None = Field(default=None, description="The inspector's title as printed, if the sentences use it.")

    @property
    def display_name(self) -> str:
        """Name followed by honours: 'Stephen Otter QPM'."""
        return " ".join([self.name, *self.honours])


class Website(_Model):
    """Where the reports are published."""

    text: Text = Field(description="The address as printed, e.g. 'www.hmic.gov.uk'.")
    url: Annotated[str, StringConstraints(pattern=r"^https?://\S+$")] = Field(description="The link target.")


class PressOffice(_Model):
    """How journalists reach the press office; printed as the last notes to editors."""

    hours: Text = Field(description="Office hours as printed, e.g. '8:30am – 5:30pm Monday – Friday'.")
    phone: Text = Field(description="Phone number during office hours.")
    out_of_hours_phone: Text = Field(description="Phone number for urgent enquiries out of hours.")


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
    max: Annotated[float, Strict()] | None = Field(default=None, description="The largest value allowed (numbers).")
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


class HouseWords(_Model):
    """Words every release of the press office shares; a campaign may change any of them in ``sentences``.

    The shipped defaults are in ``authoring/data/house.yaml``.
    """

    dateline: Text = Field(description="Under the organisation: what the release is, and its date.")
    footer: Text = Field(description="At the foot of every page.")
    subject: Text = Field(description="The document's subject (DOCX and PDF properties, HTML description).")
    embargo: Text = Field(description="The embargo line, if the campaign has an embargo.")
    notes_heading: Text = Field(description="The heading of the notes to editors.")
    draft_mark: Text = Field(description="Above a draft, and at the top of its every page.")
    watermark: Text = Field(description="Across every printed page of a draft.")
    category: Text = Field(description="The Word document's category.")
    press_office_notes: list[Text] = Field(description="The last notes to editors: how to reach the press office.")


class Sentences(_Model):
    """The campaign's fixed sentences, each a template with named placeholders (see docs/campaigns.md)."""

    headline: Text = Field(description="The headline: '{{ force.name }} {{ verdict }} …'.")
    findings_lead_in: Text = Field(description="Before the list of findings.")
    attribution: Text = Field(description="Before the quote: who speaks ({{ inspector.display_name }}, …).")
    full_report: Text = Field(description="After the quote: where the full report is.")
    dateline: Text | None = Field(default=None, description="The press office's dateline, if not the default.")
    footer: Text | None = Field(default=None, description="The press office's footer, if not the default.")
    subject: Text | None = Field(default=None, description="The document subject, if not the default.")
    embargo: Text | None = Field(default=None, description="The embargo line, if not the default.")
    notes_heading: Text | None = Field(default=None, description="The notes heading, if not the default.")
    draft_mark: Text | None = Field(default=None, description="The draft mark, if not the default.")
    watermark: Text | None = Field(default=None, description="A draft's watermark, if not the default.")
    category: Text | None = Field(default=None, description="The Word document's category, if not the default.")
    press_office_notes: list[Text] | None = Field(
        default=None, description="The press office notes, if not the default."
    )


@cache
def house_words() -> HouseWords:
    """The press office's shared words, shipped as data (``authoring/data/house.yaml``)."""
    text = files("authoring").joinpath("data/house.yaml").read_text(encoding="utf-8")
    return HouseWords.model_validate(yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)))


class Campaign(_Model):
    """What every release of one round shares. Written once, in ``forces/<campaign>/campaign.yaml``."""

    organisation: Text = Field(description="The publishing body in full.")
    organisation_short: Text = Field(description="Its abbreviation, as the sentences print it.")
    original_report: Text | None = Field(default=None, description="Title of an earlier report, if the round has one.")
    national_report: Text = Field(description="Title of this round's national report.")
    release_date: dt.date = Field(description="Date of publication (YYYY-MM-DD).")
    embargo: dt.datetime | None = Field(default=None, description="Embargo time (YYYY-MM-DD HH:MM), if any.")
    verdicts: dict[Key, Text] = Field(
        min_length=1, description="The verdicts a form may give, each with the words it puts in the headline."
    )
    background: list[Text] = Field(min_length=1, description="Background paragraphs, in order.")
    revisit: Text = Field(description="The sentence that says what this round did.")
    website: Website
    notes_to_editors: list[Text] = Field(
        min_length=1, description="Numbered notes to editors, before the press office notes."
    )
    press_office: PressOffice
    quote_closing: list[Text] = Field(
        min_length=1, description="Default closing paragraphs of every inspector's quote."
    )
    quote_marks: QuoteMarks = Field(default=QuoteMarks.FIRST_AND_LAST, description="Quotation-mark convention.")
    periods: dict[Key, Text] = Field(
        default_factory=dict,
        description="Named periods that structured findings cover, e.g. since-sept-2011: 'Since September 2011'.",
    )
    default_periods: dict[Key, Key] = Field(
        default_factory=dict,
        description=(
            "The period each kind of structured finding covers unless a finding names another; "
            "a kind without one is phrased with no period."
        ),
    )
    inspectors: dict[Key, Inspector] = Field(min_length=1, description="People who may be quoted, by key.")
    findings: dict[Key, FindingKindSpec] = Field(
        default_factory=dict, description="The kinds of structured finding a form may use, by key."
    )
    sentences: Sentences = Field(description="The fixed sentences of every release, as templates.")

    @property
    def slug(self) -> str:
        """The national report's title as a file-name part: 'revisiting-police-relationships'."""
        return file_name_part(self.national_report)

    @property
    def words(self) -> HouseWords:
        """The press office's words, with the campaign's own where it gives them."""
        own = self.sentences.model_dump(exclude_none=True, exclude={"headline", "findings_lead_in", "attribution"})
        own.pop("full_report", None)
        return house_words().model_copy(update=own)

    @field_validator("release_date", mode="before")
    @classmethod
    def _date_as_written(cls, value: Any) -> Any:
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return value
        if not isinstance(value, str) or not _DATE.fullmatch(value.strip()):
            raise PydanticCustomError("written_date", "write the date as YYYY-MM-DD, e.g. 2012-12-11")
        return value.strip()

    @field_validator("release_date")
    @classmethod
    def _date_in_range(cls, value: dt.date) -> dt.date:
        if not FIRST_YEAR <= value.year <= LAST_YEAR:
            raise PydanticCustomError(
                "year_range",
                "is the year right? A release date must fall between {first} and {last} "
                "(a Word file cannot carry other dates)",
                {"first": FIRST_YEAR, "last": LAST_YEAR},
            )
        return value

    @field_validator("embargo", mode="before")
    @classmethod
    def _time_as_written(cls, value: Any) -> Any:
        if value is None or isinstance(value, dt.datetime):
            return value
        if isinstance(value, str) and _DATE.fullmatch(value.strip()):
            raise PydanticCustomError(
                "embargo_time", "give the time too: write YYYY-MM-DD HH:MM, e.g. 2012-12-11 00:01"
            )
        if not isinstance(value, str) or not _DATE_TIME.fullmatch(value.strip()):
            raise PydanticCustomError(
                "written_time", "write the date and time as YYYY-MM-DD HH:MM, e.g. 2012-12-11 00:01"
            )
        return value.strip()

    @model_validator(mode="after")
    def _consistent(self, info: ValidationInfo) -> Campaign:
        """Checks across fields: every problem found is reported, each at its field's line.

        Validated with ``context={FIELDS_ALONE: True}``, a campaign skips them (its fields
        are checked one by one only): :meth:`check_between_fields` runs them later.
        """
        if not (info.context or {}).get(FIELDS_ALONE):
            self.check_between_fields()
        return self

    def check_between_fields(self) -> None:
        """Raise a ``ValidationError`` with every problem between the campaign's fields, if there is one."""
        _all_at_once(self, [*self._period_problems(), *self._embargo_problems(), *self._document_problems()])

    def _period_problems(self) -> list[PydanticCustomError]:
        """Each default period names a kind of finding and a period of this campaign."""
        problems = []
        for kind, key in self.default_periods.items():
            if kind not in self.findings:
                problems.append(
                    PydanticCustomError(
                        "no_kind",
                        "no kind of finding '{kind}' in findings; the kinds are: {kinds}",
                        {"kind": kind, "kinds": ", ".join(self.findings) or "none", "field": f"default_periods.{kind}"},
                    )
                )
            elif key not in self.periods:
                problems.append(
                    PydanticCustomError(
                        "no_period",
                        "no period named '{key}' in periods",
                        {"key": key, "field": f"default_periods.{kind}"},
                    )
                )
        return problems

    def _embargo_problems(self) -> list[PydanticCustomError]:
        """An embargo ends on the release date, or at most a week before it."""
        if self.embargo is None:
            return []
        ends, dated = self.embargo, self.release_date
        when = f"{ends:%H:%M} on {ends.day} {ends:%B %Y}"
        if ends.date() > dated:
            message = f"the embargo ends after the release date: a release embargoed until {when} cannot be dated"
        elif (dated - ends.date()).days > MAX_EMBARGO_LEAD_DAYS:
            days = (dated - ends.date()).days
            message = f"the embargo ends at {when}, {days} days before the release is dated"
        else:
            return []
        return [
            PydanticCustomError(
                "embargo_date",
                "{message} {dated}; correct one of the two",
                {
                    "message": message,
                    "dated": f"{dated.day} {dated:%B %Y}",
                    "field": "embargo",
                    "other": "release_date",
                },
            )
        ]

    def _document_problems(self) -> list[PydanticCustomError]:
        """What ends up in file names and in DOCX and PDF properties must fit there, for every force."""
        problems = []
        if len(self.organisation) > PROPERTY_LIMIT:
            problems.append(
                PydanticCustomError(
                    "too_long_for_documents",
                    "too long: a document's author takes at most {limit} characters, and this has {length}; shorten it",
                    {"limit": PROPERTY_LIMIT, "length": len(self.organisation), "field": "organisation"},
                )
            )
        if not self.slug:
            problems.append(
                PydanticCustomError(
                    "no_file_name",
                    "the title needs some letters or digits (a to z, 0 to 9): file names are made from it",
                    {"field": "national_report"},
                )
            )
            return problems
        longest = max((force.name for force in forces().values()), key=len)
        stem = len(f"{self.release_date.isoformat()}-{file_name_part(longest)}-{self.slug}.docx")
        checks: list[tuple[int, int, str]] = [
            (stem, FILE_NAME_LIMIT, "file names"),
            (len(f"{self.national_report}: {longest}"), PROPERTY_LIMIT, "the document subject"),
            (
                len(", ".join((longest, self.national_report, self.organisation_short))),
                PROPERTY_LIMIT,
                "the document keywords",
            ),
        ]
        for length, limit, used in checks:
            if length > limit:
                problems.append(
                    PydanticCustomError(
                        "too_long_for_documents",
                        "too long: for the longest force name ({force}), {used} would have {length} characters, "
                        "and at most {limit} fit; shorten it",
                        {"force": longest, "used": used, "length": length, "limit": limit, "field": "national_report"},
                    )
                )
                break  # one problem with the title's length is enough to shorten it
        return problems


class Vocabulary(BaseModel):
    """What a campaign's forms may say: its verdicts and kinds of finding (the rest of the campaign ignored).

    When a campaign is invalid elsewhere, its forms are still checked against this.
    """

    model_config = ConfigDict(extra="ignore", frozen=True)

    verdicts: dict[Key, Text] = Field(min_length=1)
    findings: dict[Key, FindingKindSpec] = Field(default_factory=dict)


def vocabulary(data: Any) -> Vocabulary | None:
    """The verdicts and kinds of finding of campaign ``data`` (as read from YAML), if they are valid."""
    try:
        return Vocabulary.model_validate(data)
    except ValidationError:
        return None


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
        campaign = (info.context or {}).get("campaign")
        if value is not None and isinstance(campaign, Campaign) and value not in campaign.periods:
            known = ", ".join(campaign.periods) or "none"
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
            return Annotated[float, Strict(), Field(ge=low, le=high), AfterValidator(_whole_pence)]
        return Annotated[float, Strict(), Field(ge=low, le=high)]
    if spec.type is FieldType.CHOICE:
        members = {choice.upper().replace("-", "_"): choice for choice in spec.choices or ()}
        return StrEnum(f"{_class_name(kind)}{_class_name(name)}", members)
    if spec.type is FieldType.YES_NO:
        return Annotated[bool, Strict()]
    if spec.type is FieldType.DATE:
        return Annotated[dt.date, BeforeValidator(_date_as_written)]
    return Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=SHORT_TEXT_LIMIT)]


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


# --------------------------------------------------------------------------- the form


class ReleaseForm(_Model):
    """One force's release: the only file a press officer edits.

    Its ``grade`` and ``findings`` come from the campaign: :func:`form_model` makes the
    class of a campaign's forms.
    """

    finding_kinds: ClassVar[dict[str, type[StructuredFinding]]] = {}

    force: str = Field(description="The force's registry key, e.g. 'thames-valley' (see 'authoring forces').")
    status: Status = Field(
        default=Status.DRAFT,
        description="'draft' (marked as such, and may have gaps written TODO) or 'final' (complete, no TODO).",
    )
    grade: OrTodo[Key] = Field(description="The verdict. It chooses the headline.")
    inspector: OrTodo[Key] = Field(description="Key of the quoted inspector in the campaign file (its 'inspectors').")
    background_extra: Text | None = Field(
        default=None, description="A sentence added to the end of the first background paragraph, if any."
    )
    findings: list[Any] = Field(min_length=1, description="What was found, in order: text or structured findings.")
    after_findings: list[Text] = Field(default_factory=list, description="Paragraphs after the list of findings.")
    quote: list[Text] = Field(min_length=1, description="The force-specific opening paragraph(s) of the quote.")
    quote_closing: list[Text] | None = Field(
        default=None,
        min_length=1,
        description="Closing paragraphs of the quote, only if not the campaign's default (leave it out for that).",
    )

    @field_validator("force")
    @classmethod
    def _force_known(cls, value: str) -> str:
        if value not in forces():
            raise ValueError(unknown_force_message(value))
        return value

    @field_validator("inspector")
    @classmethod
    def _inspector_known(cls, value: str | Todo, info: ValidationInfo) -> str | Todo:
        campaign = (info.context or {}).get("campaign")
        if isinstance(value, str) and isinstance(campaign, Campaign) and value not in campaign.inspectors:
            raise ValueError(f"no inspector '{value}' in the campaign; it has: {', '.join(campaign.inspectors)}")
        return value

    def todos(self) -> list[str]:
        """The field paths that are gaps (``TODO``) or whose text mentions TODO, e.g. ``findings.3.approved``."""
        return [".".join(str(part) for part in loc) for loc in find_todos(self.model_dump())]

    @model_validator(mode="after")
    def _final_is_complete(self) -> ReleaseForm:
        todos = self.todos()
        if self.status is Status.FINAL and todos:
            raise PydanticCustomError(
                FINAL_HAS_TODO,
                "a final form cannot contain TODO; fill in {fields}, or set 'status: draft'",
                {"fields": ", ".join(todos)},
            )
        return self


#: The error type of a final form with gaps (the loader reports each gap at its own line instead).
FINAL_HAS_TODO = "final_has_todo"

_FORM_MODELS: dict[str, type[ReleaseForm]] = {}


def form_model(campaign: Campaign | Vocabulary | None) -> type[ReleaseForm]:
    """The class of a campaign's forms: its verdicts and kinds of finding (made once per campaign content).

    With only a :class:`Vocabulary` (when the campaign is invalid elsewhere), the same; with
    nothing, any verdict key and any kind are let through, so that everything else about a
    form is still checked.
    """
    key = (
        ""
        if campaign is None
        else campaign.model_dump_json(
            include={"verdicts": True, "findings": {"__all__": {"fields", "rules", "description"}}}
        )
    )
    model = _FORM_MODELS.get(key)
    if model is None:
        model = _FORM_MODELS[key] = _make_form_model(campaign)
    return model


def _make_form_model(campaign: Campaign | Vocabulary | None) -> type[ReleaseForm]:
    if campaign is None:
        finding: Any = Annotated[
            Annotated[Text, Tag("text")] | Annotated[dict[str, Any], Tag("structured")],
            Discriminator(
                _any_kind_tag,
                custom_error_type="finding",
                custom_error_message="a finding is either text, or a mapping with a 'kind'",
            ),
        ]
        return create_model("ReleaseForm", __base__=ReleaseForm, findings=(list[finding], Field(min_length=1)))
    kinds = {key: finding_model(key, spec) for key, spec in campaign.findings.items()}
    choices: list[Any] = [Annotated[Text, Tag("text")], *(Annotated[m, Tag(k)] for k, m in kinds.items())]
    names = ", ".join(kinds) or "none (this campaign has text findings only)"
    finding = Annotated[
        Union[tuple(choices)],  # noqa: UP007 - a union of classes made at run time
        Discriminator(
            _finding_tag,
            custom_error_type="finding",
            custom_error_message=f"a finding is either text, or a mapping whose 'kind' is one of: {names}",
        ),
    ]
    keys = list(campaign.verdicts)
    verdict = StrEnum("Verdict", {key.upper().replace("-", "_"): key for key in keys})  # type: ignore[misc]
    listed = f"{', '.join(keys[:-1])} or {keys[-1]}" if len(keys) > 1 else keys[0]
    model = create_model(
        "ReleaseForm",
        __base__=ReleaseForm,
        grade=(_OR_TODO[verdict], Field(description=f"The verdict: {listed}. It chooses the headline.")),
        findings=(
            list[finding],
            Field(min_length=1, description="What was found, in order: text or structured findings."),
        ),
    )
    model.finding_kinds = kinds
    return model
