"""The PDF's fonts: the house family and one fallback family, both shipped as Python packages.

Every machine prints the same PDF because the PDF never uses a font the machine happens
to have: the stylesheet names only the two families' private names (:data:`CSS_FAMILY`,
then :data:`FALLBACK_CSS_FAMILY`), and WeasyPrint loads their faces with ``@font-face``
from the files of the ``fontpkg-atkinson-hyperlegible`` and ``fontpkg-fira-sans``
packages, nowhere else.

- :data:`HOUSE_FONT`, Atkinson Hyperlegible, prints everything it can: English text,
  Latin-1, typographic punctuation.
- :data:`FALLBACK_FONT`, Fira Sans, prints the letters the house font lacks: the rest
  of the Latin script (Welsh ŵ and ŷ, Polish ł, Czech ř, Vietnamese ễ …), Greek and
  Cyrillic. Text shaping falls back to it character by character, so a release that
  needs none of those letters embeds the house font only.

:func:`uncovered` finds any character neither family can print (emoji, CJK …), which
:mod:`authoring.inputs.printable` reports when a form is checked and
:func:`authoring.render.pdf.render_pdf` refuses, rather than let the machine substitute a
font of its own. Why these families: ``docs/distribution.md``.
"""

from __future__ import annotations

import importlib
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path


@dataclass(frozen=True)
class Face:
    """One font file of a family, with the CSS weight and style it provides."""

    file: str
    weight: int
    style: str


@dataclass(frozen=True)
class Family:
    """A font family shipped as a Python package: its name, the private CSS name it gets, its faces."""

    name: str
    css_family: str
    package: str
    faces: tuple[Face, ...]

    def folder(self) -> Path:
        """The folder of the package's font files: the only place this family is read from."""
        module = importlib.import_module(self.package)
        return (Path(module.ROOT) / "files").resolve()


#: The one font family of the house style (PDF, and the Word template's styles).
HOUSE_FONT = "Atkinson Hyperlegible"

#: The name the stylesheet asks for (``templates/html/release.css``), given by ``@font-face``
#: to the package's files only: fontconfig would pick an installed "Atkinson Hyperlegible"
#: (another version, another design) over the package's files if they shared its name.
CSS_FAMILY = "Atkinson Hyperlegible House"

#: The family that prints what the house font cannot: Latin, Greek and Cyrillic letters.
FALLBACK_FONT = "Fira Sans"

#: The fallback's private name in the stylesheet, for the same reason as :data:`CSS_FAMILY`.
FALLBACK_CSS_FAMILY = "Fira Sans House"

#: Regular, italic, bold and bold italic: every style the templates use.
FACES: tuple[Face, ...] = (
    Face("AtkinsonHyperlegible-Regular.ttf", 400, "normal"),
    Face("AtkinsonHyperlegible-Italic.ttf", 400, "italic"),
    Face("AtkinsonHyperlegible-Bold.ttf", 700, "normal"),
    Face("AtkinsonHyperlegible-BoldItalic.ttf", 700, "italic"),
)

HOUSE = Family(HOUSE_FONT, CSS_FAMILY, "fontpkg_atkinson_hyperlegible", FACES)
FALLBACK = Family(
    FALLBACK_FONT,
    FALLBACK_CSS_FAMILY,
    "fontpkg_fira_sans",
    (
        Face("FiraSans-Regular.ttf", 400, "normal"),
        Face("FiraSans-Italic.ttf", 400, "italic"),
        Face("FiraSans-Bold.ttf", 700, "normal"),
        Face("FiraSans-BoldItalic.ttf", 700, "italic"),
    ),
)
#: The PDF's font families, in the order the stylesheet asks for them.
FAMILIES: tuple[Family, ...] = (HOUSE, FALLBACK)

#: The one family of a bilingual release (both its languages): every Welsh letter (ŵ ŷ Ŵ Ŷ),
#: Greek and Cyrillic, and a plain zero. The house font lacks ŵ and ŷ, and falling back to
#: another family for them prints a word in two ("Tŷ": T in one, ŷ in the other); its zero
#: is slashed ("2Ø14"). Fira Sans has all of these, in all four faces, and is already
#: shipped (the fallback), so that no new package is needed (docs/welsh.md).
BILINGUAL_FAMILY = FALLBACK


def one_family_css(family: Family) -> str:
    """A stylesheet that sets every page, margin box and element in ``family`` alone, with no fallback."""
    name = f'"{family.css_family}"'
    return f"@page {{ font-family: {name}; }}\nhtml {{ font-family: {name}; }}\n"


def font_dir() -> Path:
    """The folder of the house font's files."""
    return HOUSE.folder()


def font_dirs() -> tuple[Path, ...]:
    """The folders of every family's files: the only places fonts are read from."""
    return tuple(family.folder() for family in FAMILIES)


def font_face_css() -> str:
    """``@font-face`` rules that load every face of both families from their packages.

    They name the families :data:`CSS_FAMILY` and :data:`FALLBACK_CSS_FAMILY`, which no
    installed font can have, so a machine with some other version of either family
    installed still prints the packages' files.
    """
    rules = [
        f'@font-face {{ font-family: "{family.css_family}"; '
        f'src: url("{(family.folder() / face.file).as_uri()}") format("truetype"); '
        f"font-weight: {face.weight}; font-style: {face.style}; }}"
        for family in FAMILIES
        for face in family.faces
    ]
    return "\n".join(rules) + "\n"


@cache
def _family_covered(family: Family) -> frozenset[int]:
    """Code points that *every* face of ``family`` can print."""
    from fontTools.ttLib import TTFont

    sets = []
    for face in family.faces:
        with TTFont(family.folder() / face.file, lazy=True) as font:
            sets.append(frozenset(font.getBestCmap()))
    return frozenset.intersection(*sets)


@cache
def covered() -> frozenset[int]:
    """Code points the PDF can print: those every face of the house font, or of the fallback, has."""
    return frozenset().union(*(_family_covered(family) for family in FAMILIES))


def uncovered(text: str) -> list[str]:
    """Characters of ``text`` that neither family can print, in order of first appearance.

    White space and invisible format characters (which print nothing) are never reported.
    """
    printable = covered()
    if printable.issuperset(map(ord, text)):  # the usual case, without a loop in Python
        return []
    missing: dict[str, None] = {}
    for char in text:
        if ord(char) in printable or char.isspace() or unicodedata.category(char) in ("Cc", "Cf"):
            continue
        missing[char] = None
    return list(missing)


@cache
def _advances() -> tuple[dict[int, int], float]:
    """The house font's regular face: each code point's advance width, and its units per em."""
    from fontTools.ttLib import TTFont

    with TTFont(HOUSE.folder() / FACES[0].file, lazy=True) as font:
        metrics = font["hmtx"]
        widths = {point: metrics[glyph][0] for point, glyph in font.getBestCmap().items()}
        return widths, float(font["head"].unitsPerEm)


def text_width(text: str, *, size: float) -> float | None:
    """How wide ``text`` is set in the house font's regular face at ``size`` pixels, before kerning.

    ``None`` if the face lacks one of its characters (another family would print it).
    """
    widths, units = _advances()
    try:
        return sum(widths[ord(char)] for char in text) * size / units
    except KeyError:
        return None


def describe(char: str) -> str:
    """``'😀' (U+1F600 GRINNING FACE)``: a character as a message names it."""
    return f"{char!r} (U+{ord(char):04X} {unicodedata.name(char, 'unnamed character')})"
