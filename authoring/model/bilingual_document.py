"""One document in both languages: a bilingual release's Welsh and English set out together.

A campaign may ask for it (``welsh: bilingual_document:``, :class:`BilingualLayout`): each
bilingual release then gets, beside its English and Welsh files, one more document holding
both — the whole Welsh release then the whole English one (``welsh-first``), or the two
side by side, Welsh on the left, passage by passage (``side-by-side``). Welsh comes first
either way: the Welsh Language Standards ask that Welsh be treated no less favourably, and
in a bilingual document that means read first.

:func:`bilingual_document` finds it for a release; :attr:`BilingualDocument.rows` pairs the
two releases' passages for a side-by-side layout. Nothing here is phrased anew: the
document is made of the two :class:`Release` objects as they are, so it says exactly what
the two separate releases say.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from authoring.model.language import ENGLISH, WELSH, BilingualLayout
from authoring.model.release import Release

#: What a bilingual document's files add to the English file name: ``…-value-for-money-cy-en.pdf``.
BILINGUAL_SUFFIX = "-cy-en"
#: The key its files have in a build's outputs and the manifest, after the format: ``pdf@cy+en``.
BILINGUAL_KEY = "cy+en"
#: Each language's name for itself, over its column of a side-by-side document.
LANGUAGE_NAMES = {WELSH: "Cymraeg", ENGLISH: "English"}
#: How Word names the two languages (``w:lang``).
WORD_LANGUAGES = {WELSH: "cy-GB", ENGLISH: "en-GB"}

#: The passages of a release, in reading order: each is one row of a side-by-side document.
#: A passage of a list (``finding``) is one row per item; the others are one row each, when present.
PASSAGES = (
    "draft_mark",
    "embargo",
    "masthead",
    "headline",
    "corrections",
    "background",
    "revisit",
    "findings_intro",
    "finding",
    "after_findings",
    "quote",
    "full_report",
    "notes_heading",
    "note",
)


def passage_count(release: Release, kind: str) -> int:
    """How many of this kind of passage the release has (0 where it has none: no embargo, a final release)."""
    lists = {
        "background": release.background,
        "finding": release.findings,
        "after_findings": release.after_findings,
        "note": release.notes,
    }
    if kind in lists:
        return len(lists[kind])
    present = {
        "draft_mark": release.is_draft,
        "embargo": release.embargo is not None,
        "corrections": bool(release.corrections),
    }
    return int(present.get(kind, True))


@dataclass(frozen=True)
class Row:
    """One passage of a side-by-side document: its kind, which one of that kind, and whether each language has it."""

    kind: str
    index: int
    welsh: bool
    english: bool

    @property
    def number(self) -> int:
        """The passage's number among its kind, from 1 (a note's number)."""
        return self.index + 1


@dataclass(frozen=True)
class BilingualDocument:
    """A bilingual release's Welsh and English, as one document laid out by :attr:`layout`."""

    welsh: Release
    english: Release
    layout: BilingualLayout

    @property
    def language(self) -> str:
        """The document's language (BCP 47): Welsh, which comes first; each passage is marked with its own."""
        return WELSH

    @property
    def languages(self) -> tuple[Release, Release]:
        """The two releases in the order the document gives them: Welsh, then English."""
        return self.welsh, self.english

    @property
    def file_stem(self) -> str:
        """The English file stem and '-cy-en': ``2013-07-18-dyfed-powys-police-…-cy-en``."""
        return f"{self.english.file_stem}{BILINGUAL_SUFFIX}"

    @property
    def is_draft(self) -> bool:
        """Whether it is a draft (both languages are, or neither: they come from one form)."""
        return self.welsh.is_draft or self.english.is_draft

    @cached_property
    def rows(self) -> tuple[Row, ...]:
        """The passages of both releases paired, in reading order: a row each for a side-by-side layout.

        Both releases come from one form and one campaign, so they have the same passages;
        where one language has more of a kind (the press office's notes, if the Welsh house
        words have another number of them), the other's cell stays empty.
        """
        rows: list[Row] = []
        for kind in PASSAGES:
            welsh, english = passage_count(self.welsh, kind), passage_count(self.english, kind)
            rows.extend(Row(kind, index, index < welsh, index < english) for index in range(max(welsh, english)))
        return tuple(rows)


def bilingual_document(release: Release) -> BilingualDocument | None:
    """The bilingual document of ``release``, if its campaign asks for one and the release has a Welsh twin."""
    layout = release.campaign.welsh.bilingual_document
    welsh = next((twin for twin in release.translations if twin.language == WELSH), None)
    if layout is None or welsh is None:
        return None
    return BilingualDocument(welsh=welsh, english=release, layout=layout)


__all__ = [
    "BILINGUAL_KEY",
    "BILINGUAL_SUFFIX",
    "LANGUAGE_NAMES",
    "PASSAGES",
    "BilingualDocument",
    "BilingualLayout",
    "Row",
    "bilingual_document",
    "passage_count",
]
