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

    @model_validator(mode="after")
    def _embargo_fits_release_date(self) -> Campaign:
        if self.embargo is None:
            return self
        ends, dated = self.embargo, self.release_date
        when = f"{ends:%H:%M} on {ends.day} {ends:%B %Y}"
        if ends.date() > dated:
            message = f"the embargo ends after the release date: a release embargoed until {when} cannot be dated"
        elif (dated - ends.date()).days > MAX_EMBARGO_LEAD_DAYS:
            days = (dated - ends.date()).days
            message = f"the embargo ends at {when}, {days} days before the release is dated"
        else:
            return self
        raise PydanticCustomError(
            "embargo_date",
            "{message} {dated}; correct one of the two",
            {"message": message, "dated": f"{dated.day} {dated:%B %Y}", "field": "embargo", "other": "release_date"},
        )

    @model_validator(mode="after")
    def _fits_documents(self) -> Campaign:
        """What ends up in file names and in DOCX and PDF properties must fit there, for every force."""
        longest = max((force.name for force in forces().values()), key=len)
        stem = len(f"{self.release_date.isoformat()}-{file_name_part(longest)}-{self.slug}.docx")
        if len(self.organisation) > PROPERTY_LIMIT:
            raise PydanticCustomError(
                "too_long_for_documents",
                "too long: a document's author takes at most {limit} characters, and this has {length}; shorten it",
                {"limit": PROPERTY_LIMIT, "length": len(self.organisation), "field": "organisation"},
            )
        checks: list[tuple[str, int, int, str]] = [
            ("national_report", stem, FILE_NAME_LIMIT, "file names"),
            ("national_report", len(f"{self.national_report}: {longest}"), PROPERTY_LIMIT, "the document subject"),
            (
                "national_report",
                len(", ".join((longest, self.national_report, self.organisation_short))),
                PROPERTY_LIMIT,
                "the document keywords",
            ),
        ]
        for grade, words in self.headlines.items():
            field = "subject" if len(self.subject) >= len(words) else f"headlines.{grade.value}"
            checks.append((field, len(f"{longest} {words} {self.subject}"), PROPERTY_LIMIT, "the headline"))
        if not self.slug:
            raise PydanticCustomError(
                "no_file_name",
                "the title needs some letters or digits (a to z, 0 to 9): file names are made from it",
                {"field": "national_report"},
            )
        for field, length, limit, used in checks:
            if length > limit:
                raise PydanticCustomError(
                    "too_long_for_documents",
                    "too long: for the longest force name ({force}), {used} would have {length} characters, "
                    "and at most {limit} fit; shorten it",
                    {"force": longest, "used": used, "length": length, "limit": limit, "field": field},
                )
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
    referred: bool = Field(
        default=False,
        description="Say that the cases have been referred back to the force (write true only if the report says so).",
    )


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
