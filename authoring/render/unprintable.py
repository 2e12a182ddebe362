"""The one check both PDF engines make before they lay anything out: every character has a house font."""

from __future__ import annotations

from authoring.exceptions import UnprintableCharacterError
from authoring.fonts import FAMILIES, describe, uncovered
from authoring.model.release import Release


def refuse_unprintable(release: Release, text: str) -> None:
    """Raise :class:`UnprintableCharacterError` if no house font prints a character of ``text`` (the page's
    text), naming it and the words around it; either engine calls it before it lays anything out."""
    missing = uncovered(text)
    if not missing:
        return
    char = missing[0]
    index = text.index(char)
    words = text[max(0, index - 40) : index + 40].split()
    snippet = " ".join(words[1 if index > 40 else 0 : -1 if index + 40 < len(text) else None])  # whole words
    others = f" (and {', '.join(describe(c) for c in missing[1:])})" if missing[1:] else ""
    raise UnprintableCharacterError(
        f"{release.force.slug}: no font the PDF may use ({_family_names()}) has {describe(char)}{others}, "
        f"in “{snippet}”; replace it in the form or campaign file"
    )


def _family_names() -> str:
    return " or ".join(family.name for family in FAMILIES)
