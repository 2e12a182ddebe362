"""Generate ``release.docx``, the docxtpl Word template for a press release.

Run from the repository root after changing it:  python templates/docx/make_template.py

The template uses Word's own styles (Heading 1, Heading 2, List Bullet, List Number,
Quote), so a press officer can edit the result in Word and its navigation pane works.
Every style is set in the house font (Atkinson Hyperlegible, the PDF's font; Word uses
a substitute where it is not installed) and the document's language is British English.
A draft carries its draft mark (``release.draft_mark``) above everything and in the header of
every later page; the footer says where the release comes from and "Page X of Y".
Tags follow docxtpl: ``{%p … %}`` wraps whole paragraphs (loops, conditions), ``{{r … }}``
inserts inline text as formatted runs (italics, links) through the ``inline`` filter.
Every value is phrased by ``authoring.model.release.Release``; nothing here is boilerplate text.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.text.paragraph import Paragraph

HERE = Path(__file__).resolve().parent
HOUSE_FONT = "Atkinson Hyperlegible"  # authoring.fonts.HOUSE_FONT (a test checks they agree)
LANGUAGE = "en-GB"
TEXT = RGBColor(0x0B, 0x0C, 0x0C)
RED = RGBColor(0xD4, 0x35, 0x1C)
GREY = RGBColor(0x50, 0x5A, 0x5F)
DRAFT = "{{ release.draft_mark }}"


def build(path: Path) -> None:
    document = Document()
    section = document.sections[0]
    section.page_height, section.page_width = Mm(297), Mm(210)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Mm(20))
    section.top_margin, section.bottom_margin = Mm(22), Mm(24)
    section.header_distance = section.footer_distance = Mm(10)

    styles = document.styles
    _document_defaults(styles.element)
    for fonts in styles.element.iter(qn("w:rFonts")):  # every style a press officer may pick
        _fonts(fonts.getparent())
    _style(styles["Normal"], size=11.5)
    _style(styles["Heading 1"], size=19, bold=True, before=0, after=10)
    _style(styles["Heading 2"], size=13, bold=True, before=18, after=6)
    _style(styles["Quote"], italic=True)
    for name in ("List Bullet", "List Number", "Header", "Footer", "Title"):
        _style(styles[name])
    _style(styles["Footer"], size=8.5, colour=GREY)
    for name in ("Header", "Footer"):
        styles[name].paragraph_format.tab_stops.clear_all()
    draft = styles.add_style("Draft Mark", WD_STYLE_TYPE.PARAGRAPH)
    draft.base_style = styles["Normal"]
    _style(draft, bold=True, colour=RED)
    draft.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    lead = styles.add_style("Lead In", WD_STYLE_TYPE.PARAGRAPH)
    lead.base_style = styles["Normal"]
    _style(lead, bold=True)

    def para(text: str, style: str = "Normal") -> Paragraph:
        return document.add_paragraph(text, style=style)

    para("{%p if release.is_draft %}")
    para(DRAFT, "Draft Mark")
    para("{%p endif %}")
    para("{%p if release.embargo %}")
    para("{{ release.embargo }}", "Lead In")
    para("{%p endif %}")
    para("{{ release.organisation }}", "Lead In")
    para("{{ release.dateline }}")
    para("{{ release.headline }}", "Heading 1")
    para("{%p if release.corrections %}")
    para("{{ release.corrections_heading }}", "Heading 2")
    para("{%p for iso, date, note in release.correction_notes %}")
    para("{{ date }}: {{ note }}", "List Bullet")
    para("{%p endfor %}")
    para("{%p endif %}")

    para("{%p for paragraph in release.background %}")
    para("{{r paragraph|inline }}")
    para("{%p endfor %}")
    para("{{r release.revisit|inline }}")

    para("{{ release.findings_intro }}", "Lead In")
    para("{%p for finding in release.findings %}")
    para("{{r finding|inline }}", "List Bullet")
    para("{%p endfor %}")
    para("{%p for paragraph in release.after_findings %}")
    para("{{r paragraph|inline }}")
    para("{%p endfor %}")

    para("{{ release.attribution }}", "Lead In")
    para("{%p for paragraph in release.quote %}")
    para("{{r paragraph|inline }}", "Quote")
    para("{%p endfor %}")
    para("{{r release.full_report|inline }}")

    para("{{ release.notes_heading }}", "Heading 2")
    para("{%p for note in release.notes %}")
    para("{{r note|inline }}", "List Number")
    para("{%p endfor %}")

    # The first page has the boxed mark above everything, so its header stays empty.
    section.different_first_page_header_footer = True
    header = section.header.paragraphs[0]
    header.style = styles["Draft Mark"]
    header.text = "{% if release.is_draft %}" + DRAFT + "{% endif %}"
    for footer in (section.footer.paragraphs[0], section.first_page_footer.paragraphs[0]):
        _footer(footer, styles["Footer"])

    document.core_properties.author = "authoring"
    document.core_properties.language = LANGUAGE
    document.save(str(path))


def _document_defaults(styles: Any) -> None:
    """House font and British English for every run that does not say otherwise."""
    rpr = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _fonts(rpr)
    lang = rpr.find(qn("w:lang"))
    for attribute in ("w:val", "w:eastAsia"):
        lang.set(qn(attribute), LANGUAGE)


def _fonts(rpr: Any) -> None:
    """Name the house font for every script, dropping the theme fonts that would override it."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attribute), None)
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), HOUSE_FONT)


def _style(
    style: Any,
    *,
    size: float | None = None,
    bold: bool | None = None,
    italic: bool | None = None,
    colour: RGBColor = TEXT,
    before: float | None = None,
    after: float | None = None,
) -> None:
    font = style.font
    font.name = HOUSE_FONT
    _fonts(style.element.get_or_add_rPr())
    font.color.rgb = colour
    if size is not None:
        font.size = Pt(size)
    if bold is not None:
        font.bold = bold
    if italic is not None:
        font.italic = italic
    if before is not None:
        style.paragraph_format.space_before = Pt(before)
    if after is not None:
        style.paragraph_format.space_after = Pt(after)


def _footer(footer: Paragraph, style: Any) -> None:
    """Where the release comes from on the left, "Page X of Y" on the right."""
    footer.style = style
    footer.paragraph_format.tab_stops.add_tab_stop(Mm(170), WD_TAB_ALIGNMENT.RIGHT)
    footer.add_run("{{ release.footer }}\tPage ")
    _field(footer, "PAGE")
    footer.add_run(" of ")
    _field(footer, "NUMPAGES")


def _field(paragraph: Paragraph, code: str) -> None:
    """A Word field (PAGE, NUMPAGES) that Word fills in when it lays out the page."""

    def mark(kind: str) -> None:
        char = OxmlElement("w:fldChar")
        char.set(qn("w:fldCharType"), kind)
        paragraph.add_run()._r.append(char)

    mark("begin")
    instruction = OxmlElement("w:instrText")
    instruction.set(qn("xml:space"), "preserve")
    instruction.text = f" {code} "
    paragraph.add_run()._r.append(instruction)
    mark("separate")
    paragraph.add_run("1")  # shown until Word updates the field
    mark("end")


if __name__ == "__main__":
    build(HERE / "release.docx")
    print(f"wrote {HERE / 'release.docx'}")
