"""Build the render context: one :class:`Release`, everything already phrased.

Templates only lay out what is here; they never compose sentences, and hold no words of
their own. Every sentence comes from the campaign's templates or the press office's
defaults (:mod:`authoring.campaigns`). That is what makes every format say the same
thing, and what guarantees the notes to editors and the quote format: they are built
here, from the campaign, and no form can change them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from authoring.exceptions import AuthoringError, Problem
from authoring.model.campaign import Campaign
from authoring.model.findings import StructuredFinding
from authoring.model.form import Correction, ReleaseForm
from authoring.model.gaps import Todo, parse_gap
from authoring.model.inline import Inline, Span, smarten
from authoring.model.phrasing import PhrasingError, long_date, phrase, release_budget, speaking
from authoring.model.sentences import common, finding_context, inspector_names
from authoring.model.types import PdfEngine, QuoteMarks, Status, file_name_part
from authoring.registry import Force, get_force

#: Stand-ins for the page numbers while the page-number words are phrased (the formats put the numbers in).
_PAGE, _PAGES = "@@page@@", "@@pages@@"

OPEN_QUOTE, CLOSE_QUOTE = "“", "”"

#: Where something is in a YAML file: its keys and list indexes, e.g. ``("findings", 0)``.
Place = tuple[str | int, ...]


class SentenceError(AuthoringError):
    """A sentence that cannot be made for one form: which part of the form, and which template.

    ``form_place`` is the part of the form whose values the sentence uses (``("findings", 0)``;
    ``("force",)`` for a fixed sentence); ``template_place`` is the template's place in
    ``campaign.yaml`` (``None`` for a press-office default); ``line`` is the line within the
    template, if known. :func:`authoring.inputs.validate.validate` reports it at the form's line.
    """

    def __init__(self, reason: str, *, form_place: Place, template_place: Place | None, line: int | None) -> None:
        super().__init__(f"the sentence cannot be made from these figures: {reason}")
        self.reason = reason
        self.form_place = form_place
        self.template_place = template_place
        self.line = line


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
    correction_mark: str = "CORRECTION"
    """In the subject of a corrected release sent again (a house word)."""
    correction_note: str = ""
    """At the top of a corrected release sent again: what it replaces (a house word)."""
    page_number: tuple[str, str, str] = ("Page ", " of ", "")
    """The page-number words around the page's number and the number of pages: ('Page ', ' of ', '')."""
    language: str = "en-GB"
    """The release's language (BCP 47): 'en-GB', or 'cy' for the Welsh twin of a bilingual release."""
    translations: tuple[Release, ...] = ()
    """The same release in other languages, built and sent with it (the Welsh of a bilingual force's)."""
    file_name: str | None = None
    """The file stem, where it is not made from the force and the campaign (a translation's: its original's + '-cy')."""
    gaps: tuple[Problem, ...] = ()
    """Where the form still says TODO, one line each, as the check found them (a draft's only)."""
    input_digest: str = ""
    """SHA-256 of the bytes of the form and the campaign it was phrased from (set by the loader)."""

    @property
    def correction_notes(self) -> tuple[tuple[str, str, str], ...]:
        """Each correction as (its date as YYYY-MM-DD, in words, what changed), oldest first, as GOV.UK's."""
        with speaking(self.language):  # the date in the release's language
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
        if self.file_name is not None:
            return self.file_name
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


def build_release(form: ReleaseForm, campaign: Campaign, *, force: Force | None = None) -> Release:
    """Phrase one validated form, with its campaign, into a :class:`Release`.

    A draft's gaps (``TODO``) are printed as ``[TODO: field]`` where their value would be.
    ``force`` is the form's force as the sentences name it (default: the registry's). The
    campaign's templates run within one time budget for the whole release
    (:func:`authoring.model.phrasing.release_budget`).
    """
    with release_budget():
        return _built(form, campaign, force or get_force(form.force))


def _built(form: ReleaseForm, campaign: Campaign, force: Force) -> Release:
    names = common(campaign, force)
    words = campaign.words
    sentences = campaign.sentences
    own = sentences.model_dump(exclude_none=True)

    def made(name: str, extra: Mapping[str, Any] | None = None, *, place: Place = ("force",)) -> str:
        """One fixed sentence: the campaign's template, or the press office's default."""
        source = (
            getattr(sentences, name)
            if name in ("headline", "findings_lead_in", "attribution", "full_report")
            else getattr(words, name)
        )
        template: Place | None = ("sentences", name) if name in own else None
        return _phrased(source, {**names, **(extra or {})}, form_place=place, template_place=template)

    verdict = form.grade.placeholder("grade") if isinstance(form.grade, Todo) else campaign.verdicts[form.grade]
    if isinstance(form.inspector, Todo):
        attribution = form.inspector.placeholder("inspector")
    else:
        inspector = inspector_names(campaign.inspectors[form.inspector])
        attribution = made("attribution", {"inspector": inspector}, place=("inspector",))

    background = [Inline.parse(paragraph) for paragraph in campaign.background]
    if form.background_extra:
        background[0] = (
            background[0] + Inline.plain(" ") + Inline.parse(_text(form.background_extra, "background_extra"))
        )

    notes = []
    for index, note in enumerate(words.press_office_notes):
        template: Place | None = ("sentences", "press_office_notes", index) if "press_office_notes" in own else None
        notes.append(Inline.plain(_phrased(note, names, form_place=("force",), template_place=template)))

    return Release(
        force=force,
        campaign=campaign,
        organisation=smarten(campaign.organisation),
        is_draft=form.status is Status.DRAFT,
        headline=made("headline", {"verdict": verdict}, place=("grade",)),
        release_date=long_date(campaign.release_date),
        embargo=made("embargo") if campaign.embargo else None,
        background=tuple(background),
        revisit=Inline.parse(campaign.revisit),
        findings_intro=made("findings_lead_in"),
        findings=tuple(_finding(index, item, campaign, force) for index, item in enumerate(form.findings)),
        after_findings=tuple(Inline.parse(_text(paragraph, "after_findings")) for paragraph in form.after_findings),
        attribution=attribution,
        quote=_quote(
            [
                *(_text(paragraph, "quote") for paragraph in form.quote),
                *(_text(paragraph, "quote_closing") for paragraph in form.quote_closing or campaign.quote_closing),
            ],
            campaign.quote_marks,
        ),
        full_report=_linked(made("full_report"), campaign),
        notes_heading=made("notes_heading"),
        notes=(*(Inline.parse(note) for note in campaign.notes_to_editors), *notes),
        dateline=made("dateline"),
        footer=made("footer"),
        subject=made("subject"),
        draft_mark=made("draft_mark"),
        watermark=made("watermark"),
        category=made("category"),
        corrections=tuple(form.corrections),
        pdf_engine=words.pdf_engine,
        corrections_heading=made("corrections_heading"),
        correction_mark=made("correction_mark"),
        correction_note=made("correction_note"),
        page_number=_page_number(made("page_number", {"page": _PAGE, "pages": _PAGES})),
    )


def page_number_words(source: str, context: Mapping[str, Any]) -> tuple[str, str, str]:
    """The page-number words (``page_number``) phrased, cut around the two numbers: ('Page ', ' of ', '')."""
    return _page_number(phrase(source, {**context, "page": _PAGE, "pages": _PAGES}))


def _page_number(text: str) -> tuple[str, str, str]:
    """The page-number words cut around the two numbers: ('Page ', ' of ', '')."""
    before, _, rest = text.partition(_PAGE)
    between, _, after = rest.partition(_PAGES)
    return before, between, after


def _phrased(source: str, context: Mapping[str, Any], *, form_place: Place, template_place: Place | None) -> str:
    """One sentence phrased; a :class:`SentenceError` saying where, if its template fails for these values."""
    try:
        return phrase(source, context)
    except PhrasingError as error:
        reason = error.message.removeprefix("the template failed: ")
        raise SentenceError(reason, form_place=form_place, template_place=template_place, line=error.line) from None


def _text(value: str, label: str) -> str:
    """A text field as printed: itself, or ``[TODO: label]`` if it is a gap."""
    gap = parse_gap(value)
    return gap.placeholder(label) if gap else value


def _finding(index: int, item: str | StructuredFinding, campaign: Campaign, force: Force) -> Inline:
    """One finding: its text, its standard sentence, or a placeholder naming what is missing."""
    if isinstance(item, str):
        return Inline.parse(_text(item, "findings"))
    gaps = {name: value for name, value in item if isinstance(value, Todo)}
    if gaps:
        notes = "; ".join(gap.note for gap in gaps.values() if gap.note)
        return Inline.plain(Todo(notes).placeholder(f"{item.kind} finding, {', '.join(gaps)}"))
    template = campaign.findings[item.kind].phrase
    context = finding_context(item, campaign, force)
    place: Place = ("findings", item.kind, "phrase")
    return Inline.plain(_phrased(template, context, form_place=("findings", index), template_place=place))


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
