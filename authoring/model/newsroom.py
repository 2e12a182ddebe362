"""The newsroom's own words (``authoring site``): its links, headings, labels and dates, as data.

Every word a newsroom page prints around a release — "Skip to main content", "Home",
"Updated 12 December 2012:", "Published", "Word document (DOCX)" … — is one of
:data:`WORDS`. The press office's house file (``authoring/data/house.yaml``) gives each
under ``newsroom:`` in English and under ``cy: newsroom:`` in Welsh; a campaign changes
any of them under ``sentences: newsroom:`` (English) and ``cy: sentences: newsroom:``
(Welsh). A page in Welsh prints the Welsh ones, a page in English the English ones.

Each word is a small template, phrased as the campaign's sentences are
(:func:`authoring.model.phrasing.phrase`, in the page's language), that may use only the
names :data:`WORDS` gives it: ``{{ date }}`` in "Updated {{ date }}:", ``{{ count }}`` in
"{{ count }} {{ plural(count, 'release') }}". ``authoring validate`` checks a campaign's
words as it checks its sentences (:data:`SAMPLES` are the values it tries them with).
"""

from __future__ import annotations

import difflib
from typing import Any

from pydantic_core import PydanticCustomError

#: Each word: what it is for, and the names its template may use.
WORDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "skip_link": ("Every page's first link, to its main content.", ()),
    "home": ("The home page, in the breadcrumbs and as its title.", ()),
    "breadcrumb": ("What a screen reader calls the breadcrumbs (the trail of links above a page).", ()),
    "accessibility": ("The link to the accessibility statement, and its title.", ()),
    "another_format_link": ("The link to the page on asking for another format, and its title.", ()),
    "feed": ("The link to the Atom feed of every release, at the foot of every page.", ()),
    "follow_everything": ("On the home page: the link to the feed of every release.", ()),
    "no_releases": ("On the home page, before any release is published.", ()),
    "published_on": ("On the home page, under each round: when it was published.", ("when",)),
    "release_count": ("On the home page: how many releases a round has.", ("count",)),
    "published_by": ("On a round's and a national release's page: when, and by whom.", ("when", "organisation")),
    "national_release": ("The national release's heading and breadcrumb.", ()),
    "national_link": ("On a round's page: the link to its national release.", ()),
    "national_title": ("The national release page's title.", ("title",)),
    "releases_by_force": ("On a round's page: the heading of its table of releases.", ()),
    "releases_caption": ("The caption of that table.", ()),
    "force": ("That table's first column.", ()),
    "verdict": ("That table's second column, and a release page's verdict.", ()),
    "release": ("That table's third column.", ()),
    "updated_in_list": ("In that table, beside a corrected release.", ("date",)),
    "follow_round": ("On a round's page: the link to its feed.", ()),
    "languages": ("What a screen reader calls the links to a release's other languages.", ()),
    "updated": ("Above a corrected release, before each correction's note (in the feeds too).", ("date",)),
    "jump": ("Above a release: when it was published, and the formats to download.", ("when", "formats")),
    "web_page": ("In that line, for a release with nothing to download.", ()),
    "about": ("The heading under a release: what it is, and its downloads.", ()),
    "published": ("Under it: when the release was published.", ()),
    "from": ("Under it: who published it.", ()),
    "download": ("The heading of the downloads.", ()),
    "pdf": ("A PDF to download.", ()),
    "docx": ("A Word document to download.", ()),
    "md": ("A Markdown file to download.", ()),
    "bilingual": ("The bilingual document (both languages in one file) in a format.", ("format",)),
    "round_figures": ("A national release's figures (JSON) to download.", ()),
    "chart_figures": ("The figures of one of its charts (CSV) to download.", ("chart",)),
    "bytes": ("After a file's size, when it is under 1 KB.", ()),
    "when": ("A time and date: '12:01am on 11 December 2012'.", ("time", "date")),
}

#: The values :func:`authoring.inputs.phrasing_check.check_phrasing` tries each word with.
SAMPLES: tuple[dict[str, Any], ...] = (
    {
        "when": "12:01am on 11 December 2012",
        "time": "12:01am",
        "date": "11 December 2012",
        "count": 1,
        "organisation": "Her Majesty's Inspectorate of Constabulary",
        "title": "Revisiting Police Relationships",
        "formats": "PDF, DOCX, MD",
        "format": "PDF",
        "chart": "verdicts",
    },
    {"count": 2},
    {"count": 0},
)


def known_words(value: dict[str, str] | None) -> dict[str, str] | None:
    """A campaign's newsroom words: only names of :data:`WORDS` (a validator)."""
    for name in value or {}:
        if name not in WORDS:
            close = difflib.get_close_matches(name, WORDS, n=1, cutoff=0.6)
            hint = f"did you mean '{close[0]}'?" if close else "docs/site.md lists them"
            raise PydanticCustomError(
                "no_newsroom_word",
                "the newsroom has no word '{name}'; {hint}",
                {"name": name, "hint": hint, "field": name},
            )
    return value


def every_word(value: dict[str, str]) -> dict[str, str]:
    """The house file's newsroom words: every one of :data:`WORDS`, and no other (a validator)."""
    known_words(value)
    missing = [name for name in WORDS if name not in value]
    if missing:
        raise PydanticCustomError(
            "missing_newsroom_words", "the house file lacks the newsroom's words {names}", {"names": ", ".join(missing)}
        )
    return value
