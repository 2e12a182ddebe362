"""Inline text: the small markup that text fields accept, parsed into spans.

Two things only: ``*words*`` for italics (report titles), and bare web addresses
(``www.example.org``, ``https://…``) which become links. Everything else is literal
text, so a press officer never has to escape anything; straight quotation marks and
apostrophes are set as typographic ones (“ ” ‘ ’), as house style asks. Each renderer escapes the
spans for its own format; nothing here is ever treated as template source.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

_TOKEN = re.compile(
    r"\*(?P<em>[^*\s](?:[^*]*[^*\s])?)\*"  # *italic words*
    r"|(?P<url>(?:https?://|www\.)[^\s<>\"]*[^\s<>\".,;:!?)\]'’”])"  # a web address, less trailing punctuation
)


_OPENS_AFTER = r"(^|[\s(\[{—–-])"


def smarten(text: str) -> str:
    """Set straight quotation marks and apostrophes as typographic ones."""
    text = re.sub(_OPENS_AFTER + '"', "\\1“", text).replace('"', "”")
    return re.sub(_OPENS_AFTER + "'", "\\1‘", text).replace("'", "’")


@dataclass(frozen=True)
class Span:
    """A run of text with one set of properties."""

    text: str
    italic: bool = False
    href: str | None = None


@dataclass(frozen=True)
class Inline:
    """A paragraph (or sentence) of text as a sequence of spans."""

    spans: tuple[Span, ...]

    @classmethod
    def parse(cls, source: str) -> Inline:
        """Parse text with ``*italic*`` markup and bare web addresses into spans."""
        return cls(_parse(source))

    @classmethod
    def plain(cls, text: str) -> Inline:
        """Text taken literally: no markup is interpreted."""
        return cls((Span(text),))

    def __add__(self, other: Inline) -> Inline:
        return Inline(_merged(self.spans + other.spans))

    @property
    def text(self) -> str:
        """What a reader sees, without formatting."""
        return "".join(span.text for span in self.spans)

    def italicised(self) -> Inline:
        """The same text, every span in italics (for quotes)."""
        return Inline(_merged(tuple(Span(s.text, True, s.href) for s in self.spans)))


@lru_cache(maxsize=4096)
def _parse(source: str) -> tuple[Span, ...]:
    """The spans of ``source`` (cached: a campaign's paragraphs recur in every release)."""
    spans: list[Span] = []
    position = 0
    for match in _TOKEN.finditer(source):
        if match.start() > position:
            spans.append(Span(smarten(source[position : match.start()])))
        if match.group("em") is not None:
            spans.append(Span(smarten(match.group("em")), italic=True))
        else:
            url = match.group("url")
            spans.append(Span(url, href=url if "://" in url else f"http://{url}"))
        position = match.end()
    if position < len(source):
        spans.append(Span(smarten(source[position:])))
    return tuple(spans)


def _merged(spans: tuple[Span, ...]) -> tuple[Span, ...]:
    """Join neighbouring spans that look the same, so formats never split a run of italics."""
    result: list[Span] = []
    for span in spans:
        if result and (result[-1].italic, result[-1].href) == (span.italic, span.href):
            result[-1] = Span(result[-1].text + span.text, span.italic, span.href)
        else:
            result.append(span)
    return tuple(result)
