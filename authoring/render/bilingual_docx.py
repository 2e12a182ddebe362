"""The bilingual document as a Word document: Welsh first, every run marked with its language.

It is made with python-docx from the house Word template (``templates/docx/release.docx``):
its page, its styles (Heading 1, List Bullet, List Number, Quote, Lead In, Draft Mark…) and
its header and footer, with the body written anew from the two releases, passage by passage,
in the order and the styles the template gives one release:

- ``welsh-first``: the Welsh release, then a section break and the English release, each
  section's header and footer (draft mark, source, "Tudalen 1 o 2" / "Page 1 of 2") in its
  own language, and each release's notes numbered from 1;
- ``side-by-side``: a table of two columns, Cymraeg and English (the header row repeated on
  every page), one row per passage, as in the HTML; the footer gives both languages.

Every run and paragraph mark carries ``w:lang`` (``cy-GB`` or ``en-GB``), the styles default
to Welsh, and every style is set in the bilingual family (Fira Sans), as the Welsh release's
are. Text is set as runs' text, never read as markup. The ZIP entries carry the release
date, so the same inputs give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from authoring.exceptions import TemplateProblemError
from authoring.fonts import BILINGUAL_FAMILY, HOUSE_FONT
from authoring.model.bilingual_document import (
    LANGUAGE_NAMES,
    PASSAGES,
    WORD_LANGUAGES,
    BilingualDocument,
    Row,
    passage_count,
)
from authoring.model.inline import Inline
from authoring.model.language import WELSH, BilingualLayout
from authoring.model.release import Release
from authoring.model.types import PROPERTY_LIMIT
from authoring.render.docx import DOCX_TEMPLATE, LINK_COLOUR, _fixed_timestamps
from authoring.render.environment import Templates

#: Each column's width (the page's text width, 170 mm, shared).
COLUMN_MM = 85
#: The rule between the columns and under their headings.
RULE_COLOUR = "B1B4B6"


def render_bilingual_docx(document: BilingualDocument, templates: Templates | None = None) -> bytes:
    """The bilingual document as a Word document (default: the shipped templates)."""
    import docx

    path = (templates or Templates.at()).root / DOCX_TEMPLATE
    try:
        word = docx.Document(str(path))
    except Exception as exc:  # python-docx raises several kinds for a file that is not a Word document
        raise TemplateProblemError(f"Word template {path}: cannot be read ({exc})") from exc
    word.element.body.clear_content()
    _in_welsh_and_one_family(word)
    writer = _Writer(word)
    if document.layout is BilingualLayout.WELSH_FIRST:
        writer.whole(word, document.welsh)
        from docx.enum.section import WD_SECTION

        word.add_section(WD_SECTION.NEW_PAGE)
        writer.whole(word, document.english)
        _page_furniture(word.sections[0], (document.welsh,), draft=document.is_draft)
        _page_furniture(word.sections[1], (document.english,), draft=document.is_draft, own=True)
    else:
        writer.side_by_side(word, document)
        _page_furniture(word.sections[0], document.languages, draft=document.is_draft)
    moment = dt.datetime.combine(document.english.campaign.release_date, dt.time())
    _properties(word.core_properties, document, moment)
    buffer = io.BytesIO()
    word.save(buffer)
    return _fixed_timestamps(buffer.getvalue(), moment)


def _both(welsh: str, english: str, limit: int = PROPERTY_LIMIT) -> str:
    """'Welsh / English' where Word's property takes it (at most 255 characters), else the Welsh."""
    joined = welsh if welsh == english else f"{welsh} / {english}"
    return joined if len(joined) <= limit else welsh[:limit]


def _properties(properties: Any, document: BilingualDocument, moment: dt.datetime) -> None:
    """The document's properties, as the PDF's metadata: both languages where they fit, Welsh first."""
    welsh, english = document.languages
    properties.title = _both(welsh.headline, english.headline)
    properties.subject = _both(welsh.subject, english.subject)
    properties.author = properties.last_modified_by = _both(welsh.organisation, english.organisation)
    keywords = ""
    for keyword in dict.fromkeys((*welsh.keywords, *english.keywords)):  # each once, as many as fit
        if len(f"{keywords}, {keyword}") <= PROPERTY_LIMIT:
            keywords = f"{keywords}, {keyword}" if keywords else keyword
    properties.keywords = keywords
    properties.language = WORD_LANGUAGES[WELSH]
    properties.comments = ""
    properties.category = _both(welsh.category, english.category)
    properties.created = properties.modified = moment
    properties.revision = 1


def _in_welsh_and_one_family(word: Any) -> None:
    """Every style in Welsh by default (each run still says its own language) and in the bilingual family."""
    from docx.oxml.ns import qn

    styles = word.styles.element
    for lang in styles.iter(qn("w:lang")):
        for attribute in ("w:val", "w:eastAsia"):
            lang.set(qn(attribute), WORD_LANGUAGES[WELSH])
    for fonts in styles.iter(qn("w:rFonts")):
        for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
            if fonts.get(qn(attribute)) == HOUSE_FONT:
                fonts.set(qn(attribute), BILINGUAL_FAMILY.name)


# --------------------------------------------------------------------------- runs, each in its language


def _mark(run_or_paragraph: Any, language: str) -> None:
    """Give a run (``w:r``), or a paragraph's mark (``w:p``), its language: ``w:lang`` last in its properties."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    if run_or_paragraph.tag == qn("w:p"):  # the paragraph mark's run properties, before a section's properties
        paragraph = run_or_paragraph.get_or_add_pPr()
        properties = paragraph.find(qn("w:rPr"))
        if properties is None:
            properties = OxmlElement("w:rPr")
            after = [paragraph.find(qn(name)) for name in ("w:sectPr", "w:pPrChange")]
            successor = next((element for element in after if element is not None), None)
            if successor is None:
                paragraph.append(properties)
            else:
                successor.addprevious(properties)
    else:
        properties = run_or_paragraph.get_or_add_rPr()
    lang = OxmlElement("w:lang")
    for attribute in ("w:val", "w:eastAsia"):
        lang.set(qn(attribute), WORD_LANGUAGES[language])
    properties.append(lang)


def _text(paragraph: Any, text: str, language: str, *, italic: bool = False) -> None:
    run = paragraph.add_run(text)
    if italic:
        run.italic = True
    _mark(run._r, language)


def _link(paragraph: Any, text: str, target: str, language: str, *, italic: bool) -> None:
    """A hyperlink run, as the Word template's links are: the house link colour, underlined."""
    from docx.opc.constants import RELATIONSHIP_TYPE
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), paragraph.part.relate_to(target, RELATIONSHIP_TYPE.HYPERLINK, is_external=True))
    run = OxmlElement("w:r")
    properties = OxmlElement("w:rPr")
    if italic:
        properties.append(OxmlElement("w:i"))
    colour = OxmlElement("w:color")
    colour.set(qn("w:val"), LINK_COLOUR)
    underline = OxmlElement("w:u")
    underline.set(qn("w:val"), "single")
    properties.extend([colour, underline])
    run.append(properties)
    words = OxmlElement("w:t")
    words.set(qn("xml:space"), "preserve")
    words.text = text
    run.append(words)
    link.append(run)
    paragraph._p.append(link)
    _mark(run, language)


class _Writer:
    """Writes passages into the document or a table cell; numbers each language's notes from 1."""

    def __init__(self, word: Any) -> None:
        self.word = word
        self._notes: dict[str, int] = {}
        self._styles: dict[str, str] = {}

    def style_id(self, name: str) -> str:
        """The id of the template's style ``name``, looked up once (python-docx looks through every style each time)."""
        if name not in self._styles:
            self._styles[name] = self.word.styles[name].style_id
        return self._styles[name]

    def paragraph(self, container: Any, style: str, value: str | Inline, language: str) -> Any:
        """One paragraph in ``style``, its text (inline: italics, links) in ``language``."""
        paragraph = container.add_paragraph()
        paragraph._p.style = self.style_id(style)
        _mark(paragraph._p, language)
        if isinstance(value, Inline):
            for span in value.spans:
                if span.target:
                    _link(paragraph, span.text, span.target, language, italic=span.italic)
                else:
                    _text(paragraph, span.text, language, italic=span.italic)
        elif value:
            _text(paragraph, value, language)
        return paragraph

    def whole(self, container: Any, release: Release) -> None:
        """A whole release, passage after passage, as the Word template sets one out."""
        for kind in PASSAGES:
            for index in range(passage_count(release, kind)):
                self.passage(container, release, Row(kind, index, welsh=True, english=True))

    def passage(self, container: Any, release: Release, row: Row) -> None:
        """One passage of ``release``: the paragraphs it is, in the template's styles."""
        lang = release.language
        kind, index = row.kind, row.index
        simple: dict[str, tuple[str, str | Inline]] = {
            "draft_mark": ("Draft Mark", release.draft_mark),
            "embargo": ("Lead In", release.embargo or ""),
            "headline": ("Heading 1", release.headline),
            "revisit": ("Normal", release.revisit),
            "findings_intro": ("Lead In", release.findings_intro),
            "full_report": ("Normal", release.full_report),
            "notes_heading": ("Heading 2", release.notes_heading),
        }
        if kind in simple:
            style, value = simple[kind]
            self.paragraph(container, style, value, lang)
        elif kind == "masthead":
            self.paragraph(container, "Lead In", release.organisation, lang)
            self.paragraph(container, "Normal", release.dateline, lang)
        elif kind == "corrections":
            self.paragraph(container, "Heading 2", release.corrections_heading, lang)
            for _, date, note in release.correction_notes:
                self.paragraph(container, "List Bullet", f"{date}: {note}", lang)
        elif kind in ("background", "after_findings"):
            self.paragraph(container, "Normal", getattr(release, kind)[index], lang)
        elif kind == "finding":
            self.paragraph(container, "List Bullet", release.findings[index], lang)
        elif kind == "quote":
            self.paragraph(container, "Lead In", release.attribution, lang)
            for paragraph in release.quote:
                self.paragraph(container, "Quote", paragraph, lang)
        elif kind == "note":
            note = self.paragraph(container, "List Number", release.notes[index], lang)
            self._number(note, lang)

    def side_by_side(self, word: Any, document: BilingualDocument) -> None:
        """A table of two columns, Cymraeg and English, a row per passage; the heading row repeats on each page."""
        from docx.shared import Mm

        table = word.add_table(rows=1, cols=2)
        table.autofit = False
        _borders(table)
        for cell, release in zip(table.rows[0].cells, document.languages, strict=True):
            cell.paragraphs[0]._p.style = self.style_id("Lead In")
            _text(cell.paragraphs[0], LANGUAGE_NAMES[release.language], release.language)
            _mark(cell.paragraphs[0]._p, release.language)
        _repeat_as_heading(table.rows[0])
        for row in document.rows:
            cells = table.add_row().cells
            for cell, release, present in zip(cells, document.languages, (row.welsh, row.english), strict=True):
                if present:
                    self.passage(cell, release, row)
                    _drop_first_empty(cell)
                else:
                    _mark(cell.paragraphs[0]._p, release.language)
        for row_of_cells in table.rows:
            for cell in row_of_cells.cells:
                cell.width = Mm(COLUMN_MM)

    def _number(self, paragraph: Any, language: str) -> None:
        """Number a note in its language's own list, which starts at 1 (the other language's does too)."""
        if language not in self._notes:
            self._notes[language] = self._new_list()
        numbering_properties = paragraph._p.get_or_add_pPr().get_or_add_numPr()
        numbering_properties.get_or_add_ilvl().val = 0
        numbering_properties.get_or_add_numId().val = self._notes[language]

    def _new_list(self) -> int:
        """A numbered list of its own, like the List Number style's: a copy of its definition, and a number for it.

        Word and LibreOffice both count on through every list made from one definition, so
        each language's notes get their own definition.
        """
        import copy

        from docx.oxml.ns import qn

        numbering = self.word.part.numbering_part.element
        style = self.word.styles["List Number"].element
        own = numbering.num_having_numId(style.pPr.numPr.numId.val)
        definitions = numbering.findall(qn("w:abstractNum"))
        definition = next(d for d in definitions if d.get(qn("w:abstractNumId")) == str(own.abstractNumId.val))
        identifier = 1 + max(int(d.get(qn("w:abstractNumId"))) for d in definitions)
        twin = copy.deepcopy(definition)
        twin.set(qn("w:abstractNumId"), str(identifier))
        for nsid in twin.findall(qn("w:nsid")):  # the list's own identity, which Word uses to tell lists apart
            nsid.set(qn("w:val"), f"{0xA0C0E000 + identifier:08X}")
        for link in twin.iter(qn("w:pStyle")):  # the style keeps its own list
            link.getparent().remove(link)
        definitions[-1].addnext(twin)
        num = numbering.add_num(identifier)
        num.add_lvlOverride(ilvl=0).add_startOverride(1)
        return int(num.numId)


def _drop_first_empty(cell: Any) -> None:
    """Remove the empty paragraph a new cell starts with, once the cell has paragraphs of its own."""
    first = cell.paragraphs[0]
    if len(cell.paragraphs) > 1 and not first.text and not first._p.xpath("./w:hyperlink"):
        first._p.getparent().remove(first._p)


def _repeat_as_heading(row: Any) -> None:
    """Mark a table row as its heading row: Word repeats it on every page, and reads it as the columns' headings."""
    from docx.oxml import OxmlElement

    row._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))


def _borders(table: Any) -> None:
    """A rule between the columns and under their headings; no other lines."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        line = OxmlElement(f"w:{edge}")
        line.set(qn("w:val"), "single" if edge == "insideV" else "nil")
        if edge == "insideV":
            line.set(qn("w:sz"), "4")
            line.set(qn("w:color"), RULE_COLOUR)
        borders.append(line)
    table._tbl.tblPr.append(borders)
    heading = table.rows[0]
    for cell in heading.cells:
        bottom = OxmlElement("w:bottom")
        bottom.set(qn("w:val"), "single")
        bottom.set(qn("w:sz"), "12")
        bottom.set(qn("w:color"), "0B0C0C")
        cell_borders = OxmlElement("w:tcBorders")
        cell_borders.append(bottom)
        cell._tc.get_or_add_tcPr().append(cell_borders)


# --------------------------------------------------------------------------- header and footer


def _page_furniture(section: Any, releases: tuple[Release, ...], *, draft: bool, own: bool = False) -> None:
    """Fill a section's header (a draft's mark) and footers (source, "Page X of Y") in the releases' languages.

    ``own``: the section gets headers and footers of its own (copies of the first
    section's, filled anew) rather than the previous section's.
    """
    for name in ("header", "first_page_header", "footer", "first_page_footer"):
        part = getattr(section, name)
        if own:
            _own(part, getattr(section._document_part.document.sections[0], name))
        if name == "header":
            _header(part.paragraphs[0], releases, draft=draft)
        elif name.endswith("footer"):
            _footer(part, releases)


def _own(part: Any, template: Any) -> None:
    """Unlink a header or footer from the previous section's, starting from a copy of ``template``'s paragraphs."""
    import copy

    part.is_linked_to_previous = False
    element = part._element
    for child in list(element):
        element.remove(child)
    for paragraph in template.paragraphs:
        element.append(copy.deepcopy(paragraph._p))


def _clear(paragraph: Any) -> None:
    """Remove a paragraph's runs (the template's placeholders), keeping its properties (style, tab stops)."""
    from docx.oxml.ns import qn

    for child in list(paragraph._p):
        if child.tag != qn("w:pPr"):
            paragraph._p.remove(child)


def _header(paragraph: Any, releases: tuple[Release, ...], *, draft: bool) -> None:
    """A draft's mark at the top of every page but the first, in each language ('DRAFFT … / DRAFT …')."""
    _clear(paragraph)
    _mark(paragraph._p, releases[0].language)
    if not draft:
        return
    for index, release in enumerate(releases):
        if index:
            _text(paragraph, " / ", release.language)
        _text(paragraph, release.draft_mark, release.language)


def _footer(part: Any, releases: tuple[Release, ...]) -> None:
    """A line per language: where the release comes from, then its page-number words around PAGE and NUMPAGES."""
    import copy

    first = part.paragraphs[0]
    for extra in part.paragraphs[1:]:
        extra._p.getparent().remove(extra._p)
    _clear(first)
    lines = [first]
    for _ in releases[1:]:
        line = copy.deepcopy(first._p)
        lines[-1]._p.addnext(line)
        lines.append(part.paragraphs[len(lines)])
    for paragraph, release in zip(lines, releases, strict=True):
        language = release.language
        before, between, after = release.page_number
        _text(paragraph, f"{release.footer}\t{before}", language)
        _field(paragraph, "PAGE", language)
        _text(paragraph, between, language)
        _field(paragraph, "NUMPAGES", language)
        _text(paragraph, after, language)
        _mark(paragraph._p, language)


def _field(paragraph: Any, code: str, language: str) -> None:
    """A Word field (PAGE, NUMPAGES) that Word fills in when it lays the page out, as in the template."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    def run_with(element: Any) -> None:
        run = paragraph.add_run()._r
        run.append(element)
        _mark(run, language)

    def mark(kind: str) -> None:
        char = OxmlElement("w:fldChar")
        char.set(qn("w:fldCharType"), kind)
        run_with(char)

    mark("begin")
    instruction = OxmlElement("w:instrText")
    instruction.set(qn("xml:space"), "preserve")
    instruction.text = f" {code} "
    run_with(instruction)
    mark("separate")
    _text(paragraph, "1", language)  # shown until Word updates the field
    mark("end")
