"""The input models: what a campaign file and a per-force form file may say.

Every field carries a description; it flows into the JSON Schema and into scaffolded
form files, so write it for a press officer, not a programmer.

Text fields accept one piece of inline markup: ``*words*`` sets the words in italics
(report titles). Web addresses (``www.…`` or ``https://…``) become links by themselves.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    Strict,
    StringConstraints,
    Tag,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from authoring.gaps import OrTodo, Todo, find_todos
from authoring.registry import forces, unknown_force_message


def file_name_part(text: str) -> str:
    """Text as a file-name part: ASCII letters and digits in lower case, joined by single hyphens.

    ``Dyfed-Powys Police`` → ``dyfed-powys-police``; ``Stop & Search: One Year On`` → ``stop-search-one-year-on``.
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


#: One paragraph or sentence of text: stripped, never empty.
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=5000)]
Key = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")]
#: A count: a whole number, 0 or more (not 2.5, not "3", not true).
Count = Annotated[int, Strict(), Field(ge=0)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)


class Grade(StrEnum):
    """The inspectorate's verdict; it chooses the headline's wording."""

    GOOD_PROGRESS = "good-progress"
    SOME_IMPROVEMENTS = "some-improvements"
    IMPROVEMENTS = "improvements"


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


class Staffing(StrEnum):
    """How anti-corruption unit staffing changed."""

    INCREASE = "increase"
    NO_CHANGE = "no-change"
    REDUCTION = "reduction"


class FindingKind(StrEnum):
    """The structured findings, each phrased one standard way."""

    MEDIA_DISCLOSURES = "media-disclosures"
    SOCIAL_MEDIA = "social-media"
    SECOND_JOBS = "second-jobs"
    ANTI_CORRUPTION_STAFFING = "anti-corruption-staffing"


# --------------------------------------------------------------------------- campaign


class Inspector(_Model):
    """An HM Inspector of Constabulary who may be quoted."""

    name: Text = Field(description="Full name as printed, e.g. 'Zoë Billingham'.")
    honours: list[Annotated[str, StringConstraints(pattern=r"^[A-Z][A-Za-z]*$")]] = Field(
        default_factory=list, description="Post-nominal letters in order, e.g. ['QPM'] or ['CBE']."
    )
    region: Text = Field(description="The region the inspector speaks for, e.g. 'Eastern Region' or 'National Team'.")

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


class Campaign(_Model):
    """What every release of one round shares. Written once, in ``forces/campaign.yaml``."""

    organisation: Text = Field(description="The publishing body in full.")
    organisation_short: Text = Field(description="Its abbreviation, e.g. 'HMIC'.")
    original_report: Text = Field(description="Title of the earlier national report, e.g. 'Without Fear or Favour'.")
    national_report: Text = Field(description="Title of this round's national report.")
    release_date: dt.date = Field(description="Date of publication (YYYY-MM-DD).")
    embargo: dt.datetime | None = Field(default=None, description="Embargo time (YYYY-MM-DD HH:MM), if any.")
    subject: Text = Field(description="What the headline says forces do, after the verdict.")
    headlines: dict[Grade, Text] = Field(
        description="For each grade, the words between the force's name and the subject."
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
        description="Named periods that structured findings cover, e.g. since-sept-2011: 'Since September 2011'."
    )
    default_periods: dict[FindingKind, Key] = Field(
        description=(
            "The period each kind of structured finding covers unless a finding names another; "
            "a kind without one is phrased with no period."
        ),
    )
    inspectors: dict[Key, Inspector] = Field(min_length=1, description="Inspectors who may be quoted, by key.")

    @property
    def slug(self) -> str:
        """The national report's title as a file-name part: 'revisiting-police-relationships'."""
        return file_name_part(self.national_report)

    @field_validator("headlines")
    @classmethod
    def _every_grade(cls, value: dict[Grade, str]) -> dict[Grade, str]:
        missing = [grade.value for grade in Grade if grade not in value]
        if missing:
            raise ValueError(f"give a headline for every grade; missing: {', '.join(missing)}")
        return value

    @model_validator(mode="after")
    def _periods_exist(self) -> Campaign:
        for kind, key in self.default_periods.items():
            if key not in self.periods:
                raise ValueError(f"default_periods.{kind.value}: no period named '{key}' in periods")
        return self


# --------------------------------------------------------------------------- findings


class _Structured(_Model):
    period: Key | None = Field(
        default=None, description="Key of a campaign period, if not the campaign's default for this kind."
    )

    @field_validator("period")
    @classmethod
    def _period_known(cls, value: str | None, info: ValidationInfo) -> str | None:
        campaign = (info.context or {}).get("campaign")
        if value is not None and isinstance(campaign, Campaign) and value not in campaign.periods:
            raise ValueError(f"no period named '{value}'; the campaign has: {', '.join(campaign.periods)}")
        return value


class MediaDisclosures(_Structured):
    """Inappropriate disclosures to the media that the force investigated."""

    kind: Literal["media-disclosures"]
    investigated: OrTodo[Count] = Field(description="How many instances the force investigated.")
    ongoing: OrTodo[Count] | None = Field(
        default=None, description="How many were still being investigated at the time of the inspection, if stated."
    )

    @field_validator("ongoing")
    @classmethod
    def _ongoing_le_investigated(cls, value: int | Todo | None, info: ValidationInfo) -> int | Todo | None:
        investigated = info.data.get("investigated")
        if isinstance(value, int) and isinstance(investigated, int) and value > investigated:
            raise ValueError(f"ongoing ({value}) cannot exceed investigated ({investigated})")
        return value


class SocialMedia(_Structured):
    """Cases of inappropriate behaviour on social media that HMIC's research found."""

    kind: Literal["social-media"]
    cases: OrTodo[Count] = Field(description="How many cases the research identified.")
    potentially: bool = Field(default=False, description="Say 'potentially inappropriate' rather than 'inappropriate'.")
    referred: bool = Field(default=True, description="Say that the cases have been referred back to the force.")


class SecondJobs(_Structured):
    """Applications for second jobs, and how many were approved."""

    kind: Literal["second-jobs"]
    applications: OrTodo[Count] = Field(description="How many applications were made.")
    approved: OrTodo[Count] = Field(description="How many of them were approved.")

    @field_validator("approved")
    @classmethod
    def _approved_le_applications(cls, value: int | Todo, info: ValidationInfo) -> int | Todo:
        applications = info.data.get("applications")
        if isinstance(value, int) and isinstance(applications, int) and value > applications:
            raise ValueError(f"approved ({value}) cannot exceed applications ({applications})")
        return value


class AntiCorruptionStaffing(_Structured):
    """How the number of staff in the anti-corruption unit changed."""

    kind: Literal["anti-corruption-staffing"]
    change: OrTodo[Staffing] = Field(description="increase, no-change or reduction.")


def _finding_tag(value: Any) -> str | None:
    if isinstance(value, str):
        return "text"
    if isinstance(value, dict):
        kind = value.get("kind")
        return kind if isinstance(kind, str) else None
    return getattr(value, "kind", None)


StructuredFinding = MediaDisclosures | SocialMedia | SecondJobs | AntiCorruptionStaffing
Finding = Annotated[
    Annotated[Text, Tag("text")]
    | Annotated[MediaDisclosures, Tag("media-disclosures")]
    | Annotated[SocialMedia, Tag("social-media")]
    | Annotated[SecondJobs, Tag("second-jobs")]
    | Annotated[AntiCorruptionStaffing, Tag("anti-corruption-staffing")],
    Discriminator(
        _finding_tag,
        custom_error_type="finding",
        custom_error_message=(
            "a finding is either text, or a mapping whose 'kind' is one of: "
            "media-disclosures, social-media, second-jobs, anti-corruption-staffing"
        ),
    ),
]


# --------------------------------------------------------------------------- the form


class ReleaseForm(_Model):
    """One force's release: the only file a press officer edits."""

    force: str = Field(description="The force's registry key, e.g. 'thames-valley' (see 'authoring forces').")
    status: Status = Field(
        default=Status.DRAFT,
        description="'draft' (marked as such, and may have gaps written TODO) or 'final' (complete, no TODO).",
    )
    grade: OrTodo[Grade] = Field(
        description="The verdict: good-progress, some-improvements or improvements. It chooses the headline."
    )
    inspector: OrTodo[Key] = Field(
        description="Key of the quoted inspector in the campaign file, e.g. 'zoe-billingham'."
    )
    background_extra: Text | None = Field(
        default=None, description="A sentence added to the end of the first background paragraph, if any."
    )
    findings: list[Finding] = Field(min_length=1, description="What HMIC found, in order: text or structured findings.")
    after_findings: list[Text] = Field(default_factory=list, description="Paragraphs after the list of findings.")
    quote: list[Text] = Field(min_length=1, description="The force-specific opening paragraph(s) of the quote.")
    quote_closing: list[Text] | None = Field(
        default=None, description="Closing paragraphs of the quote, only if not the campaign's default."
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
