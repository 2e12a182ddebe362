"""The house font: one family, shipped as a Python package, so every machine prints the same PDF.

The PDF never uses a font the machine happens to have: the stylesheet names only
:data:`HOUSE_FONT`, WeasyPrint loads its four faces with ``@font-face`` from the files of
the ``fontpkg-atkinson-hyperlegible`` package (nowhere else), and :func:`uncovered` finds
any character the family cannot print, which :func:`authoring.render.pdf.render_pdf`
refuses rather than let the machine substitute a font of its own.
Why this family: ``docs/distribution.md``.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

#: The one font family of the house style (PDF, and the Word template's styles).
HOUSE_FONT = "Atkinson Hyperlegible"

#: The name the stylesheet asks for (``templates/html/release.css``), given by ``@font-face``
#: to the package's files only: fontconfig would pick an installed "Atkinson Hyperlegible"
#: (another version, another design) over the package's files if they shared its name.
CSS_FAMILY = "Atkinson Hyperlegible House"


@dataclass(frozen=True)
class Face:
    """One font file of the family, with the CSS weight and style it provides."""

    file: str
    weight: int
    style: str


#: Regular, italic, bold and bold italic: every style the templates use.
FACES: tuple[Face, ...] = (
    Face("AtkinsonHyperlegible-Regular.ttf", 400, "normal"),
    Face("AtkinsonHyperlegible-Italic.ttf", 400, "italic"),
    Face("AtkinsonHyperlegible-Bold.ttf", 700, "normal"),
    Face("AtkinsonHyperlegible-BoldItalic.ttf", 700, "italic"),
)


def font_dir() -> Path:
    """The folder of the package's font files: the only place fonts are read from."""
    import fontpkg_atkinson_hyperlegible

    return (Path(fontpkg_atkinson_hyperlegible.ROOT) / "files").resolve()


def font_face_css() -> str:
    """``@font-face`` rules that load every face of the family from :func:`font_dir`.

    They name the family :data:`CSS_FAMILY`, which no installed font can have, so a
    machine with some other version of the family installed still prints the package's.
    """
    folder = font_dir()
    rules = [
        f'@font-face {{ font-family: "{CSS_FAMILY}"; src: url("{(folder / face.file).as_uri()}") format("truetype"); '
        f"font-weight: {face.weight}; font-style: {face.style}; }}"
        for face in FACES
    ]
    return "\n".join(rules) + "\n"


@cache
def _covered() -> frozenset[int]:
    """Code points that *every* face of the family can print."""
    from fontTools.ttLib import TTFont

    sets = []
    for face in FACES:
        with TTFont(font_dir() / face.file, lazy=True) as font:
            sets.append(frozenset(font.getBestCmap()))
    return frozenset.intersection(*sets)


def uncovered(text: str) -> list[str]:
    """Characters of ``text`` the family has no glyph for, in order of first appearance.

    White space and invisible format characters (which print nothing) are never reported.
    """
    covered = _covered()
    if covered.issuperset(map(ord, text)):  # the usual case, without a loop in Python
        return []
    missing: dict[str, None] = {}
    for char in text:
        if ord(char) in covered or char.isspace() or unicodedata.category(char) in ("Cc", "Cf"):
            continue
        missing[char] = None
    return list(missing)


def describe(char: str) -> str:
    """``'ŵ' (U+0175 LATIN SMALL LETTER W WITH CIRCUMFLEX)``: a character as a message names it."""
    return f"{char!r} (U+{ord(char):04X} {unicodedata.name(char, 'unnamed character')})"
