"""Build the render context: one :class:`Release`, everything already phrased.

Templates only lay out what is here; they never compose sentences. That is what makes
every format say the same thing, and what guarantees the notes to editors and the
quote format: they are built here, from the campaign, and no form can change them.
"""

from __future__ import annotations

from dataclasses import dataclass

from authoring import phrasing
from authoring.gaps import Todo, parse_gap
from authoring.inline import Inline, Span, smarten
from authoring.models import (
    AntiCorruptionStaffing,
    Campaign,
    MediaDisclosures,
    QuoteMarks,
    ReleaseForm,
    SecondJobs,
    SocialMedia,
    Status,
    StructuredFinding,
    file_name_part,
)
from authoring.registry import Force, get_force

NOTES_HEADING = "Notes to editors"
OPEN_QUOTE, CLOSE_QUOTE = "“", "”"


@dataclass(frozen=True)
class Release:
    """Everything a template needs for one force's release, in reading order."""

    force: Force
    campaign: Campaign
    organisation: str
    is_draft: bool
    headline: str
    release_date: str
    embargo: str | None
    background: tuple[Inline, ...]
    revisit: Inline
    findings_intro: str
    findings: tuple[Inline, ...]
    after_findings: tuple[Inline, ...]
    attribution: str
    quote: tuple[Inline, ...]
    full_report: Inline
    notes_heading: str
    notes: tuple[Inline, ...]

    @property
    def file_stem(self) -> str:
        """File name without extension, sorting by date in an inbox.

        ``2012-12-11-thames-valley-police-revisiting-police-relationships``
        """
        return f"{self.campaign.release_date.isoformat()}-{file_name_part(self.force.name)}-{self.campaign.slug}"

    @property
    def keywords(self) -> tuple[str, ...]:
        """Document keywords: the force and the campaign."""
        return (self.force.name, self.campaign.national_report, self.campaign.organisation_short)


def build_release(form: ReleaseForm, campaign: Campaign) -> Release:
    """Phrase one validated form, with its campaign, into a :class:`Release`.

    A draft's gaps (``TODO``) are printed as ``[TODO: field]`` where their value would be.
    """
    force = get_force(form.force)
    organisation = campaign.organisation_short
    verdict = form.grade.placeholder("grade") if isinstance(form.grade, Todo) else campaign.headlines[form.grade]
    if isinstance(form.inspector, Todo):
        attribution = f"{form.inspector.placeholder('inspector')} said:"
    else:
        attribution = phrasing.attribution(campaign.inspectors[form.inspector])

    background = [Inline.parse(paragraph) for paragraph in campaign.background]
    if form.background_extra:
        background[0] = (
            background[0] + Inline.plain(" ") + Inline.parse(_text(form.background_extra, "background_extra"))
        )

    return Release(
        force=force,
        campaign=campaign,
        organisation=smarten(campaign.organisation),
        is_draft=form.status is Status.DRAFT,
        headline=f"{force.name} {verdict} {campaign.subject}",
        release_date=phrasing.long_date(campaign.release_date),
        embargo=phrasing.embargo_line(campaign.embargo) if campaign.embargo else None,
        background=tuple(background),
        revisit=Inline.parse(campaign.revisit),
        findings_intro=f"In {force.name}, {organisation} found:",
        findings=tuple(_finding(item, campaign, force) for item in form.findings),
        after_findings=tuple(Inline.parse(_text(paragraph, "after_findings")) for paragraph in form.after_findings),
        attribution=attribution,
        quote=_quote(
            [
                *(_text(paragraph, "quote") for paragraph in form.quote),
                *(_text(paragraph, "quote_closing") for paragraph in form.quote_closing or campaign.quote_closing),
            ],
            campaign.quote_marks,
        ),
        full_report=_full_report(force, campaign),
        notes_heading=NOTES_HEADING,
        notes=tuple(_notes(campaign)),
    )


def _text(value: str, label: str) -> str:
    """A text field as printed: itself, or ``[TODO: label]`` if it is a gap."""
    gap = parse_gap(value)
    return gap.placeholder(label) if gap else value


def _finding(item: str | StructuredFinding, campaign: Campaign, force: Force) -> Inline:
    """One finding: its text, its standard sentence, or a placeholder naming what is missing."""
    if isinstance(item, str):
        return Inline.parse(_text(item, "findings"))
    gaps = {name: value for name, value in item if isinstance(value, Todo)}
    if gaps:
        notes = "; ".join(gap.note for gap in gaps.values() if gap.note)
        return Inline.plain(Todo(notes).placeholder(f"{item.kind} finding, {', '.join(gaps)}"))
    return Inline.plain(_phrase(item, campaign, force))


def _phrase(finding: StructuredFinding, campaign: Campaign, force: Force) -> str:
    key = finding.period or campaign.default_periods.get(finding.kind)  # type: ignore[call-overload]
    period = campaign.periods[key] if key else None
    organisation = campaign.organisation_short
    match finding:
        case MediaDisclosures():
            return phrasing.media_disclosures(finding, period)
        case SocialMedia():
            return phrasing.social_media(finding, period, force_name=force.name, organisation=organisation)
        case SecondJobs():
            return phrasing.second_jobs(finding, period)
        case AntiCorruptionStaffing():
            return phrasing.anti_corruption_staffing(finding, period, organisation=organisation)


def _quote(paragraphs: list[str], marks: QuoteMarks) -> tuple[Inline, ...]:
    """Quote paragraphs in italics with typographic marks, per the campaign's convention."""
    quoted = []
    last = len(paragraphs) - 1
    for index, paragraph in enumerate(paragraphs):
        text = Inline.parse(paragraph.strip(OPEN_QUOTE + CLOSE_QUOTE + '"')).italicised()
        if index == 0 or marks is QuoteMarks.EVERY_PARAGRAPH:
            text = Inline.plain(OPEN_QUOTE).italicised() + text
        if index == last:
            text = text + Inline.plain(CLOSE_QUOTE).italicised()
        quoted.append(text)
    return tuple(quoted)


def _full_report(force: Force, campaign: Campaign) -> Inline:
    website = campaign.website
    return Inline(
        (
            Span(f"The full report for {force.name}, along with the national thematic review, "),
            Span(campaign.national_report, italic=True),
            Span(", can be found at "),
            Span(website.text, href=website.url),
        )
    )


def _notes(campaign: Campaign) -> list[Inline]:
    office = campaign.press_office
    organisation = campaign.organisation_short
    return [
        *(Inline.parse(note) for note in campaign.notes_to_editors),
        Inline.plain(
            f"For further information, {organisation}’s press office can be contacted during office hours "
            f"from {office.hours} on {office.phone}."
        ),
        Inline.plain(
            f"{organisation}’s out-of-hours press office line for urgent media enquiries "
            f"is {office.out_of_hours_phone}."
        ),
    ]
