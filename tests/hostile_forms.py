"""Hostile form and campaign text, and building a release from it, for the security tests.

:data:`HOSTILE` holds a value for each thing Markdown (or HTML) could make of text;
:data:`VALUE` is a hypothesis strategy for such values. :func:`build_form` writes a form
(and :func:`campaign_copy` a campaign) with the given fields and builds it through the
library, as ``authoring build`` does.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from hypothesis import strategies as st

from authoring.build.pipeline import build
from authoring.fonts import uncovered
from authoring.model.inline import Inline
from authoring.model.release import Release
from authoring.render import Format
from tests.conftest import FORCES

_SPACE = re.compile(r"[ \t\n\r\f\v]+")

#: The two examples of the issue, and a value for each thing Markdown could make of text.
HOSTILE = {
    "image": "https://a.example)![i](http://127.0.0.1:9/p)",
    "script link": "Read this)[x](javascript:alert(1)",
    "fence": "A finding\n~~~\nthat would fence off the rest of the file",
    "backtick fence": "```python\ncode\n```",
    "split list": "One\n\n        indented code\n\n- a new item\n2. a numbered one\n3) another",
    "inline markup": "~~struck~~ ~one~ **bold** __bold__ _em_ `code` <b>html</b> <!-- c --> <http://a.example>",
    "entities": "Smith & Jones &amp; Co &#x41; &#65; &copy; &",
    "blocks": "# heading\n> quote\n---\n===\n+ plus\n| a | b |\n| - | - |\n[ref]: http://a.example\n  \t lead",
    "addresses": "//evil.example ftp://evil.example/x mailto:a@evil.example a@evil.example evil.example xmpp:a@b.ex",
    "escapes": "back\\slash\\ \\*not em\\* \\[x\\](y) trailing\\",
    "hard break": "two spaces  \nand a tab\t\nend",
}

#: Pieces of hostile text (and ordinary words) that :data:`VALUE` strings together.
PIECES = [
    *"\n\r\t `~*_[]()!<>&#|-+.:/\\\"'=@$%^{}0123456789 ",
    *["~~", "~~~", "```", "    ", "        ", "\n\n", "1.", "2)", "---", "===", "***", "- ", "+ ", "> ", "# "],
    *["&amp;", "&#x41;", "&#65;", "&copy;", "<b>", "</p>", "<!--", "<http://a.example>", "[x]", "(y)", "![i](z)"],
    *["www.", "http://", "https://", "a.example", "javascript:", "a@b.example", "//", ":", "|-|", "[^1]", "[!NOTE]"],
    *["word", "Thames", "é", "“", "’", "—", "\u00a0", "\u3000", "£", "©", "😀", "x"],
]


def _printable(value: str) -> str:
    """``value`` less the characters no packaged font can print."""
    return "".join(char for char in value if not uncovered(char))


#: One hostile text value: what a press officer could type, or paste, into a text field.
PIECE = st.sampled_from(PIECES) | st.characters(exclude_categories=["Cc", "Cs", "Zl", "Zp"])
VALUE = (
    st.lists(PIECE, min_size=1, max_size=24)
    .map("".join)
    .map(_printable)  # what no font prints is refused by validation, with its own test
    .filter(lambda value: bool(value.strip()) and "TODO" not in value)
)
#: A paragraph of a quote: more than quotation marks, which the quote's own marks replace
#: (a paragraph of nothing but quotation marks is left empty, and prints as nothing).
QUOTE_VALUE = VALUE.filter(lambda value: bool(value.strip().strip('“”"').strip()))


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True  # forms may not use anchors: every value written out in full


def to_yaml(data: dict[str, Any]) -> str:
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True)


def campaign_copy(folder: Path, **changes: Any) -> Path:
    campaign = yaml.safe_load((FORCES / "campaign.yaml").read_text(encoding="utf-8"))
    campaign.update(changes)
    path = folder / "campaign.yaml"
    path.write_text(to_yaml(campaign), encoding="utf-8")
    return path


def build_form(
    folder: Path, formats: list[Format], campaign: Path | None = None, **fields: Any
) -> tuple[Release, dict[str, bytes]]:
    """Build the Thames Valley release with these form fields; read back each file written."""
    form = {"force": "thames-valley", "status": "final", "grade": "good-progress", "inspector": "zoe-billingham"}
    form |= {"findings": ["A finding."], "quote": ["A quote."]} | fields
    path = folder / "thames-valley.yaml"
    path.write_text(to_yaml(form), encoding="utf-8")
    [built] = build([path], out_dir=folder / "out", formats=formats, campaign=campaign or FORCES / "campaign.yaml")
    return built.release, {file.suffix: file.read_bytes() for file in built.files}


def reading_order(release: Release) -> list[Inline | str]:
    """Every paragraph, heading and item of a release, in reading order."""
    return [
        *(["DRAFT — NOT FOR PUBLICATION"] if release.is_draft else []),
        *([release.embargo] if release.embargo else []),
        f"{release.organisation} · Press release, {release.release_date}",
        release.headline,
        *([release.corrections_heading] if release.corrections else []),
        *(f"{date}: {note}" for _, date, note in release.correction_notes),
        *release.background,
        release.revisit,
        release.findings_intro,
        *release.findings,
        *release.after_findings,
        release.attribution,
        *release.quote,
        release.full_report,
        release.notes_heading,
        *release.notes,
    ]


def text_of(item: Inline | str) -> str:
    return item if isinstance(item, str) else item.text


def link_targets(items: list[Inline | str]) -> list[str]:
    """The target of every link in ``items``, in order."""
    return [span.target for item in items if isinstance(item, Inline) for span in item.spans if span.target]


def folded(text: str) -> str:
    """Text as a reader sees it: runs of white space are one space."""
    return _SPACE.sub(" ", text).strip()
