"""A release as plain text for a person: the body a mail client shows when it shows no HTML.

Not Markdown (the ``.md`` output is that): nothing here is escaped or marked up. The
headline is a line underlined with ``=``, the other headings with ``-``; italics are
plain words; a link is its address, exactly as the release has it (so is every e-mail
address: nothing is ever escaped); the findings are a list with hanging indents, the quote
is indented, and the notes to editors are numbered. Paragraphs are wrapped at
:data:`WIDTH` columns, never inside a word, an address or a link.

Every word comes from the :class:`~authoring.model.release.Release`, as in every other
format; this module only lays it out.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable

from authoring.model.inline import Inline
from authoring.model.release import Release

#: Columns of the plain-text body (RFC 3676's advice: at most 78, and room for a quoting "> ").
WIDTH = 72


def plain_text(release: Release, *, preface: str | None = None) -> str:
    """The release as plain text; ``preface`` (a correction notice, say) goes first."""
    blocks: list[str] = []
    if preface:
        blocks.append(_wrap(preface))
    if release.is_draft:
        blocks.append(_wrap(release.draft_mark))
    if release.embargo:
        blocks.append(_wrap(release.embargo))
    blocks.append(_wrap(f"{release.organisation} · {release.dateline}"))
    blocks.append(_heading(release.headline, "="))
    if release.corrections:
        lines = [_heading(release.corrections_heading, "-")]
        lines += [_wrap(f"{date}: {note}", first="  - ", rest="    ") for _, date, note in release.correction_notes]
        blocks.append("\n\n".join(lines))
    blocks += [_wrap(_text(paragraph)) for paragraph in release.background]
    blocks.append(_wrap(_text(release.revisit)))
    blocks.append(_wrap(release.findings_intro))
    if release.findings:
        blocks.append("\n".join(_wrap(_text(item), first="  - ", rest="    ") for item in release.findings))
    blocks += [_wrap(_text(paragraph)) for paragraph in release.after_findings]
    blocks.append(_wrap(release.attribution))
    blocks += [_wrap(_text(paragraph), first="    ", rest="    ") for paragraph in release.quote]
    blocks.append(_wrap(_text(release.full_report)))
    blocks.append(_heading(release.notes_heading, "-"))
    blocks += list(_numbered(release.notes))
    return "\n\n".join(block for block in blocks if block) + "\n"


def _text(inline: Inline) -> str:
    """What a reader sees: italics as plain words, a link as its address as written."""
    return inline.text


def _heading(text: str, rule: str) -> str:
    lines = textwrap.wrap(text, WIDTH, break_long_words=False, break_on_hyphens=False) or [""]
    return "\n".join(lines) + "\n" + rule * max(len(line) for line in lines)


def _numbered(notes: Iterable[Inline]) -> Iterable[str]:
    notes = list(notes)
    width = len(f"{len(notes)}. ")
    for number, note in enumerate(notes, start=1):
        yield _wrap(_text(note), first=f"{number}. ".ljust(width), rest=" " * width)


def _wrap(text: str, *, first: str = "", rest: str = "") -> str:
    """One paragraph wrapped at :data:`WIDTH`, never breaking a word, an address or a link."""
    text = " ".join(text.split())
    lines = textwrap.wrap(
        text,
        WIDTH,
        initial_indent=first,
        subsequent_indent=rest,
        break_long_words=False,
        break_on_hyphens=False,
    )
    return "\n".join(lines)
