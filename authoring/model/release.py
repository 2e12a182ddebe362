"""Build the render context: one :class:`Release`, everything already phrased.

Templates only lay out what is here; they never compose sentences, and hold no words of
their own. Every sentence comes from the campaign's templates or the press office's
defaults (:mod:`authoring.campaigns`). That is what makes every format say the same
thing, and what guarantees the notes to editors and the quote format: they are built
here, from the campaign, and no form can change them.
"""

from __future__ import annotations

from dataclasses import dataclass

from authoring.model.campaign import Campaign
from authoring.model.findings import StructuredFinding
from authoring.model.form import Correction, ReleaseForm
from authoring.model.gaps import Todo, parse_gap
from authoring.model.inline import Inline, Span, smarten
from authoring.model.phrasing import long_date, phrase, release_budget
from authoring.model.sentences import common, inspector_names, phrase_finding
from authoring.model.types import PdfEngine, QuoteMarks, Status, file_name_part
from authoring.registry import Force, get_force

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
    dateline: str
    footer: str
    subject: str
    draft_mark: str
    watermark: str
    category: str
    corrections: tuple[Correction, ...] = ()
    """Changes made after first publication, oldest first (from the form)."""
    pdf_engine: PdfEngine = PdfEngine.WEASYPRINT
    """What prints the PDF: the house's choice, the campaign's, or the run's (``--pdf-engine``)."""
    corrections_heading: str = ""
    """The heading of the correction notes (a house word)."""

    @property
    def correction_notes(self) -> tuple[tuple[str, str, str], ...]:
        """Each correction as (its date as YYYY-MM-DD, in words, what changed), oldest first, as GOV.UK's."""
        return tuple((item.date.isoformat(), long_date(item.date), item.note) for item in self.corrections)

    @property
    def last_modified(self) -> str:
        """The date of the last correction, or of publication (YYYY-MM-DD)."""
        dates = [self.campaign.release_date, *(item.date for item in self.corrections)]
        return max(dates).isoformat()

    @property
    def file_stem(self) -> str:
        """File name without extension, sorting by date in an inbox.

        ``2012-12-11-thames-valley-police-revisiting-police-relationships``
        """
        return f"{self.campaign.release_date.isoformat()}-{file_name_part(self.force.name)}-{self.campaign.slug}"

    @property
    def dateline_parts(self) -> tuple[str, str, str]:
        """The dateline cut around the release date, so that a page can mark the date up: (before, date, after)."""
        before, date, after = self.dateline.partition(self.release_date)
        return (before, date, after) if date else (self.dateline, "", "")

    @property
    def keywords(self) -> tuple[str, ...]:
        """Document keywords: the force and the campaign."""
        return (self.force.name, self.campaign.national_report, self.campaign.organisation_short)


def build_release(form: ReleaseForm, campaign: Campaign) -> Release:
    """Phrase one validated form, with its campaign, into a :class:`Release`.

    A draft's gaps (``TODO``) are printed as ``[TODO: field]`` where their value would be.
    The campaign's templates run within one time budget for the whole release
    (:func:`authoring.model.phrasing.release_budget`).
    """
    with release_budget():
        return _built(form, campaign)


def _built(form: ReleaseForm, campaign: Campaign) -> Release:
    force = get_force(form.force)
    names = common(campaign, force)
    words = campaign.words
    sentences = campaign.sentences
    verdict = form.grade.placeholder("grade") if isinstance(form.grade, Todo) else campaign.verdicts[form.grade]
    if isinstance(form.inspector, Todo):
        attribution = form.inspector.placeholder("inspector")
    else:
        inspector = inspector_names(campaign.inspectors[form.inspector])
        attribution = phrase(sentences.attribution, {**names, "inspector": inspector})

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
        headline=phrase(sentences.headline, {**names, "verdict": verdict}),
        release_date=long_date(campaign.release_date),
        embargo=phrase(words.embargo, names) if campaign.embargo else None,
        background=tuple(background),
        revisit=Inline.parse(campaign.revisit),
        findings_intro=phrase(sentences.findings_lead_in, names),
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
        full_report=_linked(phrase(sentences.full_report, names), campaign),
        notes_heading=phrase(words.notes_heading, names),
        notes=(
            *(Inline.parse(note) for note in campaign.notes_to_editors),
            *(Inline.plain(phrase(note, names)) for note in words.press_office_notes),
        ),
        dateline=phrase(words.dateline, names),
        footer=phrase(words.footer, names),
        subject=phrase(words.subject, names),
        draft_mark=phrase(words.draft_mark, names),
        watermark=phrase(words.watermark, names),
        category=phrase(words.category, names),
        corrections=tuple(form.corrections),
        pdf_engine=words.pdf_engine,
        corrections_heading=phrase(words.corrections_heading, names),
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
    return Inline.plain(phrase_finding(item, campaign, force))


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


def _linked(text: str, campaign: Campaign) -> Inline:
    """A sentence with inline markup, where the campaign's web address, as printed, links to its target.

    The address is found as written (``website.text``), whether or not it looks like a web
    address by itself, so that the link never depends on how the text happens to parse.
    """
    website = campaign.website
    pieces = text.split(website.text)
    linked = Inline.parse(pieces[0])
    for piece in pieces[1:]:
        linked = linked + Inline((Span(website.text, href=website.url),)) + Inline.parse(piece)
    return linked
