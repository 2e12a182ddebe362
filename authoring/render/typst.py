"""PDF by Typst: the release handed to one Typst template as data, laid out and written as PDF/UA-1.

The second PDF engine (``pdf_engine: typst`` in the house words or a campaign, or
``--pdf-engine typst``); :mod:`authoring.render.pdf` chooses between it and WeasyPrint
for each release. About ten times less CPU than printing the HTML page (figures:
``docs/pdf-engines.md``).

- **Data, never markup.** The release reaches Typst as one JSON string in
  ``sys.inputs.release`` (:func:`release_data`); the template (``templates/typst/release.typ``)
  places every text as a string, which Typst prints literally. No form value is ever part
  of Typst source, so nothing a form says (``#``, ``$``, ``[``, ``<label>``, a raw block)
  can run as Typst.
- **The house fonts only.** Typst reads the two font packages' folders
  (:func:`authoring.fonts.font_dirs`), neither the machine's fonts nor the fonts Typst
  embeds; a character neither family prints stops the build, as with WeasyPrint. A
  bilingual release (both its languages) is set in one family alone,
  :data:`authoring.fonts.BILINGUAL_FAMILY`, as WeasyPrint sets it (:func:`font_data`).
- **Nothing else.** The template's root is its own folder: it can read no file outside it.
- **The same bytes.** The creation date is the release date, never the time of the build.

Typst is imported lazily (with its fonts, once per process: :func:`warm_up`), so commands
that make no PDF, or make it with WeasyPrint, never load it.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import unicodedata
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Protocol

from authoring.exceptions import RenderError, TemplateProblemError
from authoring.fonts import BILINGUAL_FAMILY, FALLBACK, HOUSE, Family, _family_covered, font_dirs
from authoring.model.campaign import Campaign
from authoring.model.inline import Inline
from authoring.model.language import WELSH
from authoring.model.release import Release
from authoring.render.environment import Templates
from authoring.render.unprintable import refuse_unprintable

if TYPE_CHECKING:
    import typst

#: The Typst template of the release, in the templates folder.
TYPST_TEMPLATE = "typst/release.typ"
#: The PDF standard Typst checks and declares: tagged, accessible PDF.
PDF_STANDARD: Final = "ua-1"
#: The name under which the release's JSON reaches the template (``sys.inputs.release``).
INPUT = "release"


def render_typst_pdf(release: Release, templates: Templates | None = None) -> bytes:
    """The release as a tagged PDF/UA-1 file laid out by Typst (default: the shipped templates).

    Raises :class:`UnprintableCharacterError` for a character no house font prints,
    :class:`TemplateProblemError` if the template is missing or has a mistake.
    """
    templates = templates or Templates.at()
    data = release_data(release)
    _check_printable(release, data)
    pdf = compile_pdf(templates, TYPST_TEMPLATE, data, date=release.campaign.release_date)
    if pdf is None:  # pragma: no cover - compile() without an output returns the bytes
        raise RenderError(f"{release.force.slug}: Typst returned no PDF")
    return pdf


def compile_pdf(
    templates: Templates, name: str, data: dict[str, Any], *, date: dt.date, inputs: dict[str, str] | None = None
) -> bytes | None:
    """Lay out the Typst template ``name`` with ``data`` (``sys.inputs.release``) and ``inputs``, as PDF/UA-1.

    The document's creation date is midnight UTC of ``date`` (never the time of the build).
    Raises :class:`TemplateProblemError` if the template is missing or has a mistake.
    """
    global _laid_out_in
    compiler = _compiler(_template(templates, name))
    _laid_out_in = os.getpid()
    try:
        pdf = compiler.compile(
            format="pdf",
            sys_inputs={
                INPUT: json.dumps(settable(data), ensure_ascii=False),
                **{name: typst_text(value) for name, value in (inputs or {}).items()},
            },
            pdf_standards=PDF_STANDARD,
            timestamp=dt.datetime.combine(date, dt.time(), tzinfo=dt.UTC),
        )
    except _typst().TypstError as exc:
        raise TemplateProblemError(f"template {name}: {_message(exc)}") from None
    return pdf if isinstance(pdf, bytes) else None


def settable(value: Any) -> Any:
    """``value`` (the template's data) with every string as Typst can set it (:func:`typst_text`)."""
    if isinstance(value, str):
        return typst_text(value)
    if isinstance(value, dict):
        return {key: settable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [settable(item) for item in value]
    return value


def typst_text(text: str) -> str:
    """``text`` as Typst may set it in a PDF/UA file: the invisible format characters it refuses left out.

    Format characters print nothing (WeasyPrint draws nothing for them either), and checks
    pass them (:func:`authoring.fonts.uncovered`); but Typst stops a PDF/UA file at a
    zero-width no-break space (U+FEFF, a byte-order mark pasted inside a text) and at some
    others no font draws. A zero-width no-break space becomes the word joiner (U+2060) that
    stands for it; the soft hyphen, zero-width space, joiners and direction marks stay;
    every other format character is left out.
    """
    if text.isprintable():  # the usual case: no format (nor control) character
        return text
    return "".join(
        _WORD_JOINER if char == "\ufeff" else char
        for char in text
        if char in _KEPT_FORMAT or char == "\ufeff" or unicodedata.category(char) != "Cf"
    )


_WORD_JOINER = "\u2060"
#: Format characters Typst sets (tested): soft hyphen, zero-width space, (non-)joiner, direction marks, word joiner.
_KEPT_FORMAT = frozenset("\u00ad\u200b\u200c\u200d\u200e\u200f\u2060")


def release_data(release: Release) -> dict[str, Any]:
    """What the template reads: every text of the release, inline text as spans, nothing phrased here.

    A span is ``{"t": text, "i": italic, "u": link target or None}``; the link target is the
    one every format writes (:attr:`authoring.model.inline.Span.target`): a web address or nothing.
    """
    return {
        **house_data(release, language=_language(release), dateline=list(release.dateline_parts)),
        "corrections_heading": release.corrections_heading,
        "corrections": [[date, note] for _, date, note in release.correction_notes],
        "background": [spans(paragraph) for paragraph in release.background],
        "revisit": spans(release.revisit),
        "findings_intro": release.findings_intro,
        "findings": [spans(finding) for finding in release.findings],
        "after_findings": [spans(paragraph) for paragraph in release.after_findings],
        "attribution": release.attribution,
        "quote": [spans(paragraph) for paragraph in release.quote],
        "full_report": spans(release.full_report),
        "notes_heading": release.notes_heading,
        "notes": [spans(note) for note in release.notes],
        "font": font_data(one_family(release)),
    }


class Document(Protocol):
    """What ``house.typ`` reads of any document it lays out (a force's release, a round's national release)."""

    @property
    def campaign(self) -> Campaign: ...
    @property
    def headline(self) -> str: ...
    @property
    def organisation(self) -> str: ...
    @property
    def subject(self) -> str: ...
    @property
    def keywords(self) -> tuple[str, ...]: ...
    @property
    def is_draft(self) -> bool: ...
    @property
    def draft_mark(self) -> str: ...
    @property
    def watermark(self) -> str: ...
    @property
    def embargo(self) -> str | None: ...
    @property
    def footer(self) -> str: ...
    @property
    def page_number(self) -> tuple[str, str, str]: ...


def house_data(document: Document, *, language: str, dateline: list[str]) -> dict[str, Any]:
    """The data ``house.typ`` reads (``house``, ``masthead``): the document's metadata, masthead and page words.

    Raises :class:`RenderError` if the headline prints nothing (invisible characters only):
    a PDF/UA file's heading must say something.
    """
    if not typst_text(document.headline).strip():
        raise RenderError(
            "the headline has no character that prints (only invisible ones); write it out in the form or campaign file"
        )
    date = document.campaign.release_date
    language, _, region = language.partition("-")
    return {
        "lang": language.lower(),
        "region": region.lower() or None,
        "title": document.headline,
        "author": document.organisation,
        "subject": document.subject,
        "keywords": list(document.keywords),
        "date": [date.year, date.month, date.day],
        "draft": document.is_draft,
        "draft_mark": document.draft_mark,
        "watermark": document.watermark,
        "embargo": document.embargo,
        "organisation": document.organisation,
        "dateline": dateline,
        "headline": document.headline,
        "footer": document.footer,
        "page_number": list(document.page_number),
    }


def one_family(release: Release) -> Family | None:
    """The one family a release is set in, if it is bilingual (either language); None: the house font and its fallback.

    The same releases as WeasyPrint's (:func:`authoring.render.pdf.lay_out`) and the Word document's.
    """
    return BILINGUAL_FAMILY if release.language == WELSH or release.translations else None


def font_data(family: Family | None) -> dict[str, Any]:
    """The template's font: the families in order, whether Typst may look further, and the line metrics.

    ``None``: the house font for the characters its own table has (:func:`house_covers`), the
    fallback for every other character, one by one, as WeasyPrint falls back. A ``family``:
    that family alone, every letter from it (``fallback: false``: Typst takes no glyph from
    another family; :data:`~authoring.fonts.BILINGUAL_FAMILY` prints every character the
    house font does, a test checks it, and a character neither prints is refused before).
    The ascent and descent (in em) place the lines as the browser places them in that font.
    """
    first = family or HOUSE
    ascent, descent = line_metrics(first)
    if family is None:
        families = [{"name": HOUSE.name, "covers": house_covers()}, {"name": FALLBACK.name, "covers": None}]
    else:
        families = [{"name": family.name, "covers": None}]
    return {"families": families, "fallback": family is None, "ascent": ascent, "descent": descent}


@cache
def line_metrics(family: Family) -> tuple[float, float]:
    """The family's ascent and descent in em (its regular face's), as the browser's text shaper reads them.

    HarfBuzz (under WeasyPrint) takes the OS/2 table's typographic ascent and descent where the
    font asks for them (``USE_TYPO_METRICS``), else the ``hhea`` table's.
    """
    from fontTools.ttLib import TTFont

    with TTFont(family.folder() / family.faces[0].file, lazy=True) as font:
        units = font["head"].unitsPerEm
        os2, hhea = font["OS/2"], font["hhea"]
        if os2.fsSelection & _USE_TYPO_METRICS:
            ascent, descent = os2.sTypoAscender, -os2.sTypoDescender
        else:
            ascent, descent = hhea.ascent, -hhea.descent
    return round(ascent / units, 6), round(descent / units, 6)


#: The OS/2 ``fsSelection`` bit that tells a shaper to use the typographic metrics.
_USE_TYPO_METRICS = 1 << 7


@cache
def house_covers() -> str:
    """A regular expression of the characters every face of the house font prints.

    Typst, given a letter the house font lacks as one character (``ŷ``), would print it from the
    house font as a letter and a combining accent, and its text would then copy wrong; told
    which characters the house font covers, it takes every other one from the fallback,
    character by character, as WeasyPrint does. Made from the font's own table, never from a form.
    """
    codes = sorted(_family_covered(HOUSE))
    ranges: list[list[int]] = []
    for code in codes:
        if ranges and code == ranges[-1][1] + 1:
            ranges[-1][1] = code
        else:
            ranges.append([code, code])
    return "[" + "".join(f"\\x{{{low:X}}}-\\x{{{high:X}}}" for low, high in ranges) + "]"


def warm_up(templates: Templates | None = None) -> None:
    """Import Typst, load the house fonts and read the template, once per process; lay out nothing.

    A batch calls this before it forks its workers, so that each inherits them. It lays no
    page out: once Typst has laid out a page, its threads are running, and a process forked
    from that one would wait for them for ever (see :func:`fork_safe`).
    """
    templates = templates or Templates.at()
    try:
        _compiler(_template(templates))
    except TemplateProblemError:  # each release reports it when rendered
        return


def fork_safe() -> bool:
    """Whether a process forked from this one can still lay out with Typst: not once this one has.

    Typst lays out with a pool of threads that starts with the first page it lays out; a
    fork copies no thread, and the child would wait for the pool for ever. A batch asks
    this before it forks its workers, and starts them afresh if not.
    """
    return _laid_out_in != os.getpid()


#: The process that last laid a page out with Typst (its pool of threads runs there).
_laid_out_in: int | None = None


def spans(text: Inline) -> list[dict[str, Any]]:
    return [{"t": span.text, "i": span.italic, "u": span.target} for span in text.spans]


def _language(release: Release) -> str:
    """The release's language tag, as the HTML page declares it (``en-GB``)."""
    return str(getattr(release, "language", None) or "en-GB")


def _template(templates: Templates, name: str = TYPST_TEMPLATE) -> Path:
    path = templates.root / name
    if not path.is_file():
        raise TemplateProblemError(f"template {name}: not found in {templates.root}")
    return path


@cache
def _typst() -> Any:
    import typst

    return typst


@cache
def _fonts() -> typst.Fonts:
    """The house font and its fallback, from their packages: no system font, none of Typst's own."""
    fonts: typst.Fonts = _typst().Fonts(
        include_system_fonts=False, include_embedded_fonts=False, font_paths=[str(path) for path in font_dirs()]
    )
    return fonts


@cache
def _compiler(template: Path) -> typst.Compiler:
    """One compiler per template, kept for the process: it keeps the fonts and the parsed template."""
    compiler: typst.Compiler = _typst().Compiler(
        template, root=template.parent, font_paths=_fonts(), ignore_system_fonts=True
    )
    return compiler


def _message(error: Any) -> str:
    """A Typst error in one line: where in the template (line and column), its message, and its hints."""
    message = str(getattr(error, "message", "") or error).splitlines()[0] if str(error) else "error"
    where = _LOCATION.search(str(getattr(error, "diagnostic", "") or ""))
    hints = [str(hint) for hint in getattr(error, "hints", None) or []]
    place = f"line {where['line']}, column {where['column']}: " if where else ""
    return place + "; ".join([message, *hints])


#: Where a diagnostic points: ``┌─ release.typ:12:4``.
_LOCATION = re.compile(r"─ \S+?:(?P<line>\d+):(?P<column>\d+)")


def _check_printable(release: Release, data: dict[str, Any]) -> None:
    """Refuse text no house font can print, in the words WeasyPrint's engine uses (the text in reading order)."""
    refuse_unprintable(release, " ".join(strings({key: data[key] for key in _PRINTED})))


#: The printed texts of :func:`release_data`, in reading order.
_PRINTED = (
    "draft_mark",
    "embargo",
    "organisation",
    "dateline",
    "headline",
    "background",
    "revisit",
    "findings_intro",
    "findings",
    "after_findings",
    "attribution",
    "quote",
    "full_report",
    "notes_heading",
    "notes",
    "footer",
    "watermark",
)


def strings(value: Any) -> list[str]:
    """Every printed string in the data (the link targets are not printed)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [text for key, item in value.items() if key != "u" for text in strings(item)]
    if isinstance(value, list):
        return [text for item in value for text in strings(item)]
    return []
