"""The newsroom's words in one language: what a page says around a release, its dates and its file sizes.

A page in Welsh says everything in Welsh: its links, headings and labels
(:mod:`authoring.model.newsroom`, from the house file or the campaign, as the batch recorded
them), its dates and times (CLDR's, through Babel: ``00:01 ar 18 Gorffennaf 2013``, as the
Welsh releases print them) and its file sizes (``812 beit``). A page in English says them
in English (``12:01am on 18 July 2013``).

Each word is a template phrased in the page's language
(:func:`authoring.model.phrasing.phrase`): its text is escaped, and what it is given — a
date inside a ``<time>`` element — is put in its place. A word that cannot be phrased
(an edited manifest may hold anything) is replaced by the house file's.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from babel.dates import format_time
from markupsafe import Markup, escape

from authoring.model.campaign import house_newsroom
from authoring.model.inline import Inline
from authoring.model.phrasing import PhrasingError, long_date, phrase, speaking
from authoring.site.clock import LONDON

#: The language of a page that names none, and the tag its ``<html lang>`` then has.
ENGLISH, ENGLISH_TAG = "en", "en-GB"
#: Where a value given as markup goes while its word is phrased: a mark no template writes by chance.
_SLOT = "@@@{}@@@"
_SLOTS = re.compile(r"@@@([0-9]+)@@@")


@dataclass(frozen=True)
class SiteWords:
    """The newsroom's own words in one language, phrased with the press office's names.

    ``newsroom`` holds the links, headings and labels as templates, each phrased by
    :meth:`say` (or :meth:`text`) with the page's values.
    """

    title: str
    accessibility_statement: tuple[Inline, ...]
    another_format: tuple[Inline, ...]
    website: str
    language: str = ENGLISH
    newsroom: Mapping[str, str] = field(default_factory=dict)

    @property
    def tag(self) -> str:
        """The page's language as ``<html lang>`` says it: ``en-GB``, ``cy``."""
        return ENGLISH_TAG if self.language == ENGLISH else self.language

    @property
    def folder(self) -> str:
        """What a page in this language adds to its English page's folder: ``""`` or ``cy/``."""
        return "" if self.language == ENGLISH else f"{self.language}/"

    def text(self, name: str, **values: Any) -> str:
        """The word ``name`` phrased with ``values``, as plain text (for a feed, a title)."""
        given = tuple(sorted(values.items()))
        try:
            return _phrased(self.language, self.newsroom.get(name) or house_newsroom(self.language)[name], given)
        except PhrasingError:
            return _phrased(self.language, house_newsroom(self.language)[name], given)

    def say(self, name: str, **values: Any) -> Markup:
        """The word ``name`` phrased with ``values``, as HTML: its text escaped, a :class:`Markup` value kept."""
        marked = {key: _SLOT.format(index) for index, key in enumerate(values) if isinstance(values[key], Markup)}
        text = self.text(name, **{**values, **marked})
        by_slot = {slot: values[key] for key, slot in marked.items()}
        parts = _SLOTS.split(text)
        out = []
        for index, part in enumerate(parts):
            if index % 2 == 0:
                out.append(str(escape(part)))
            else:
                out.append(str(escape(by_slot.get(_SLOT.format(part), ""))))
        return Markup("".join(out))  # every text escaped above; a Markup value is the site's own

    def when(self, moment: dt.datetime) -> str:
        """A moment (Europe/London): '12:01am on 11 December 2012', '00:01 ar 11 Rhagfyr 2012'."""
        local = moment.astimezone(LONDON)
        if self.language == ENGLISH:
            clock = f"{local:%I:%M}".lstrip("0") + ("am" if local.hour < 12 else "pm")
        else:  # CLDR's time for the language: Welsh writes the 24-hour clock, as the Welsh releases do
            clock = format_time(local.time(), "short", locale=self.language)
        return self.text("when", time=clock, date=self.day(local.date()))

    def day(self, day: dt.date) -> str:
        """A date: '11 December 2012', '11 Rhagfyr 2012' (CLDR's, through Babel)."""
        with speaking(self.language):
            return long_date(day)

    def size(self, n: int) -> str:
        """A file size as GOV.UK prints it: '812 bytes', '27.9 KB', '1.2 MB'."""
        if n < 1024:
            return f"{n} {self.text('bytes')}"
        if n < 1024 * 1024:
            return f"{n / 1024:.1f} KB"
        return f"{n / 1024 / 1024:.1f} MB"

    def label(self, kind: str, *, bilingual: bool = False, chart: str = "") -> str:
        """What a file to download is called: 'PDF', 'Dogfen Word (DOCX)', 'PDF in Welsh and English (bilingual)'."""
        words = {"csv": ("chart_figures", {"chart": chart}), "json": ("round_figures", {})}
        name, values = words.get(kind, (kind, {}))
        label = self.text(name, **values)
        return self.text("bilingual", format=label) if bilingual else label


@lru_cache(maxsize=4096)
def _phrased(language: str, source: str, values: tuple[tuple[str, Any], ...]) -> str:
    """``source`` phrased in ``language`` with ``values`` (a site's pages say the same words many times over)."""
    with speaking(language):
        return phrase(source, dict(values))


def time_element(moment: str, text: str) -> Markup:
    """``<time datetime="moment">text</time>``, both escaped."""
    return Markup('<time datetime="{}">{}</time>').format(moment, text)
