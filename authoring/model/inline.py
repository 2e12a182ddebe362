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
from urllib.parse import quote, urlsplit

_TOKEN = re.compile(
    r"\*(?P<em>[^*\s](?:[^*]*[^*\s])?)\*"  # *italic words*
    r"|(?P<url>(?:https?://|www\.)[^\s<>\"\[\]{}|\\^`]+)"  # a web address (its end is trimmed below)
)
#: Characters a web address never ends with: they end the sentence around it.
_TRAILING = ".,;:!?'’”*_~"
#: What stands in a link target as it is; everything else is percent-encoded.
_NOT_URL_SAFE = re.compile(r"%(?![0-9A-Fa-f]{2})|[^A-Za-z0-9\-._~:/?#@!$&'*+,;=%]")
#: The only link targets any format writes: web addresses.
WEB_SCHEMES = ("http", "https")


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

    @property
    def target(self) -> str | None:
        """Where the span links to, as every format writes it (see :func:`link_target`)."""
        return link_target(self.href) if self.href else None


def link_target(href: str) -> str | None:
    """``href`` as a link target: percent-encoded, and only if it is a web address.

    Every character outside the plain URL set (spaces, ``()<>[]``, quotation marks,
    backslashes, letters beyond ASCII, a ``%`` that starts no escape) is percent-encoded,
    so no format can read the target as more than an address. Anything but an ``http`` or
    ``https`` address with a host gives ``None``: the span is then printed as plain text.
    """
    target = _NOT_URL_SAFE.sub(lambda match: quote(match[0], safe=""), href)
    try:
        parts = urlsplit(target)
    except ValueError:  # e.g. a malformed port
        return None
    if parts.scheme.lower() not in WEB_SCHEMES or not parts.hostname:
        return None
    return target


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
    position = start = 0
    while (match := _TOKEN.search(source, start)) is not None:
        if match["em"] is not None:
            token, span = match[0], Span(smarten(match["em"]), italic=True)
        else:
            url = _web_address(match["url"])
            if url is None:
                start = match.start() + 1
                continue
            token, span = url, Span(url, href=url if url.startswith(("http://", "https://")) else f"http://{url}")
        if match.start() > position:
            spans.append(Span(smarten(source[position : match.start()])))
        spans.append(span)
        position = start = match.start() + len(token)
    if position < len(source):
        spans.append(Span(smarten(source[position:])))
    return _merged(tuple(spans))


def _web_address(candidate: str) -> str | None:
    """The web address that ``candidate`` starts with, less the punctuation of the sentence
    around it (a closing bracket stays if the address opened one); ``None`` if no host follows."""
    url = candidate
    while url and (url[-1] in _TRAILING or (url[-1] == ")" and url.count("(") < url.count(")"))):
        url = url[:-1]
    prefix = "www." if candidate.startswith("www.") else candidate[: candidate.index("://") + 3]
    host = url[len(prefix) :]
    return url if host[:1].isalnum() else None


def _merged(spans: tuple[Span, ...]) -> tuple[Span, ...]:
    """Join neighbouring spans that look the same, so formats never split a run of italics."""
    result: list[Span] = []
    for span in spans:
        if result and (result[-1].italic, result[-1].href) == (span.italic, span.href):
            result[-1] = Span(result[-1].text + span.text, span.italic, span.href)
        else:
            result.append(span)
    return tuple(result)
