"""The input models: what a campaign file and a per-force form file may say.

Every field carries a description; it flows into the JSON Schema and into scaffolded
form files, so write it for a press officer, not a programmer.

Text fields accept one piece of inline markup: ``*words*`` sets the words in italics
(report titles). Web addresses (``www.…`` or ``https://…``) become links by themselves.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from importlib.resources import files
from typing import Annotated, Any

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from authoring.model.findings import FindingKindSpec
from authoring.model.language import CampaignWelsh, WelshSettings
from authoring.model.newsroom import every_word, known_words
from authoring.model.summary import Summary
from authoring.model.types import (
    _DATE,
    _DATE_TIME,
    FIELDS_ALONE,
    FILE_NAME_LIMIT,
    FIRST_YEAR,
    LAST_YEAR,
    MAX_EMBARGO_LEAD_DAYS,
    PROPERTY_LIMIT,
    Key,
    PdfEngine,
    QuoteMarks,
    RoundState,
    Text,
    _all_at_once,
    _Model,
    file_name_part,
)
from authoring.registry import forces

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


class HouseWords(_Model):
    """Words every release of the press office shares; a campaign may change any of them in ``sentences``.

    The shipped defaults are in ``authoring/data/house.yaml``.
    """

    dateline: Text = Field(description="Under the organisation: what the release is, and its date.")
    footer: Text = Field(description="At the foot of every page.")
    subject: Text = Field(description="The document's subject (DOCX and PDF properties, HTML description).")
    embargo: Text = Field(description="The embargo line, if the campaign has an embargo.")
    notes_heading: Text = Field(description="The heading of the notes to editors.")
    corrections_heading: Text = Field(description="The heading of a corrected release's correction notes.")
    correction_mark: Text = Field(description="In the subject of a corrected release sent again: 'CORRECTION'.")
    correction_note: Text = Field(description="At the top of a corrected release sent again: what it replaces.")
    draft_mark: Text = Field(description="Above a draft, and at the top of its every page.")
    watermark: Text = Field(description="Across every printed page of a draft.")
    category: Text = Field(description="The Word document's category.")
    page_number: Text = Field(description="At the foot of every page: 'Page {{ page }} of {{ pages }}'.")
    press_office_notes: list[Text] = Field(description="The last notes to editors: how to reach the press office.")
    pdf_engine: PdfEngine = Field(
        default=PdfEngine.WEASYPRINT,
        description="What prints the PDF: weasyprint (from the HTML page) or typst (see docs/pdf-engines.md).",
    )
    site_title: Text = Field(description="The newsroom's name ('authoring site'), on every page and feed.")
    accessibility_statement: list[Text] = Field(description="The newsroom's accessibility statement, by paragraph.")
    another_format: list[Text] = Field(description="The newsroom's page on asking for a release in another format.")
    newsroom: dict[str, Text] = Field(
        description="The newsroom's links, headings, labels and dates, by name (docs/site.md lists them)."
    )

    _every_word = field_validator("newsroom")(every_word)


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
    corrections_heading: Text | None = Field(default=None, description="The corrections heading, if not the default.")
    correction_mark: Text | None = Field(default=None, description="A correction's subject mark, if not the default.")
    correction_note: Text | None = Field(default=None, description="A correction's note, if not the default.")
    draft_mark: Text | None = Field(default=None, description="The draft mark, if not the default.")
    watermark: Text | None = Field(default=None, description="A draft's watermark, if not the default.")
    category: Text | None = Field(default=None, description="The Word document's category, if not the default.")
    page_number: Text | None = Field(default=None, description="The page number's words, if not the default.")
    press_office_notes: list[Text] | None = Field(
        default=None, description="The press office notes, if not the default."
    )
    pdf_engine: PdfEngine | None = Field(
        default=None, description="What prints the PDF (weasyprint or typst), if not the house's."
    )
    site_title: Text | None = Field(default=None, description="The newsroom's name, if not the default.")
    accessibility_statement: list[Text] | None = Field(
        default=None, description="The newsroom's accessibility statement, if not the default."
    )
    another_format: list[Text] | None = Field(
        default=None, description="The newsroom's 'another format' page, if not the default."
    )
    newsroom: dict[str, Text] | None = Field(
        default=None, description="The newsroom's words it changes, by name (docs/site.md lists them)."
    )

    _known_words = field_validator("newsroom")(known_words)


@cache
def house_words() -> HouseWords:
    """The press office's shared words, shipped as data (``authoring/data/house.yaml``)."""
    return HouseWords.model_validate(house_data()["en"])


@cache
def house_data() -> dict[str, Any]:
    """The house file as read: its English words under "en", and the Welsh ones (its ``cy:``) under "cy"."""
    text = files("authoring").joinpath("data/house.yaml").read_text(encoding="utf-8")
    data = dict(yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)))
    return {"cy": data.pop("cy", {}), "en": data}


@cache
def house_newsroom(language: str) -> dict[str, str]:
    """The newsroom's words in ``language`` ("en", "cy") as the house file gives them; English for another language."""
    if language == "cy":
        return dict(HouseWords.model_validate({**house_data()["en"], **house_data()["cy"]}).newsroom)
    return dict(house_words().newsroom)


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
    revisit: Text = Field(
        description=(
            "The paragraph after the background that says what this round of inspection did, e.g. "
            "'In this round the inspectors revisited every force to track progress against these "
            "recommendations.'; "
            "every release prints it, before the findings."
        )
    )
    website: Website
    notes_to_editors: list[Text] = Field(
        min_length=1, description="Numbered notes to editors, before the press office notes."
    )
    press_office: PressOffice
    quote_closing: list[Text] = Field(
        min_length=1, description="Default closing paragraphs of every inspector's quote."
    )
    quote_marks: QuoteMarks = Field(default=QuoteMarks.FIRST_AND_LAST, description="Quotation-mark convention.")
    round: RoundState = Field(
        default=RoundState.OPEN,
        description="'open' (its releases go out), 'closed' (all sent) or 'example' (invented, never sent): "
        "'send' and 'pack' without folders skip a closed or example round; 'site' leaves an example round out.",
    )
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
    welsh: WelshSettings = Field(
        default_factory=WelshSettings, description="Which forces' releases are bilingual (docs/welsh.md)."
    )
    cy: CampaignWelsh | None = Field(default=None, description="The campaign's words in Welsh (docs/welsh.md).")
    summary: Summary | None = Field(
        default=None, description="The round's national release: its words, table and charts (docs/national.md)."
    )

    @property
    def slug(self) -> str:
        """The national report's title as a file-name part: 'revisiting-police-relationships'."""
        return file_name_part(self.national_report)

    @property
    def words(self) -> HouseWords:
        """The press office's words, with the campaign's own where it gives them."""
        own = self.sentences.model_dump(exclude_none=True, exclude={"headline", "findings_lead_in", "attribution"})
        own.pop("full_report", None)
        words = house_words()
        return words.model_copy(update={**own, "newsroom": {**words.newsroom, **own.get("newsroom", {})}})

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
