"""Generate ``release.docx``, the docxtpl Word template for a press release.

Run from the repository root after changing it:  python templates/docx/make_template.py

The template uses Word's own styles (Heading 1, Heading 2, List Bullet, List Number,
Quote), so a press officer can edit the result in Word and its navigation pane works.
Tags follow docxtpl: ``{%p … %}`` wraps whole paragraphs (loops, conditions), ``{{r … }}``
inserts inline text as formatted runs (italics, links) through the ``inline`` filter.
Every value is phrased by ``authoring.context.Release``; nothing here is boilerplate text.
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.shared import Mm, Pt, RGBColor

HERE = Path(__file__).resolve().parent


def build(path: Path) -> None:
    document = Document()
    section = document.sections[0]
    section.page_height, section.page_width = Mm(297), Mm(210)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Mm(20))
    section.top_margin, section.bottom_margin = Mm(22), Mm(24)

    styles = document.styles
    styles["Normal"].font.name = "Source Sans 3"
    styles["Normal"].font.size = Pt(11.5)
    draft = styles.add_style("Draft Mark", WD_STYLE_TYPE.PARAGRAPH)
    draft.base_style = styles["Normal"]
    draft.font.bold = True
    draft.font.color.rgb = RGBColor(0xD4, 0x35, 0x1C)
    lead = styles.add_style("Lead In", WD_STYLE_TYPE.PARAGRAPH)
    lead.base_style = styles["Normal"]
    lead.font.bold = True

    def para(text: str, style: str = "Normal") -> None:
        document.add_paragraph(text, style=style)

    para("{%p if release.is_draft %}")
    para("DRAFT — NOT FOR PUBLICATION", "Draft Mark")
    para("{%p endif %}")
    para("{%p if release.embargo %}")
    para("{{ release.embargo }}", "Lead In")
    para("{%p endif %}")
    para("{{ release.organisation }} · Press release, {{ release.release_date }}")
    para("{{ release.headline }}", "Heading 1")

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

    para("{{ release.attribution }}")
    para("{%p for paragraph in release.quote %}")
    para("{{r paragraph|inline }}", "Quote")
    para("{%p endfor %}")
    para("{{r release.full_report|inline }}")

    para("{{ release.notes_heading }}", "Heading 2")
    para("{%p for note in release.notes %}")
    para("{{r note|inline }}", "List Number")
    para("{%p endfor %}")

    footer = section.footer.paragraphs[0]
    footer.text = "{{ release.campaign.organisation_short }} · {{ release.force.name }} · {{ release.release_date }}"

    document.core_properties.author = "authoring"
    document.save(str(path))


if __name__ == "__main__":
    build(HERE / "release.docx")
    print(f"wrote {HERE / 'release.docx'}")
