"""The Word document: core properties, British English, heading styles for the navigation
pane, and the same draft marking, embargo line and footer as the PDF."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

import docx
import pytest

from authoring.render import Format
from tests.conftest import REFERENCE_FORCES
from tests.outputs import STATUSES, release, rendered
from tests.readback import docx_paragraphs

CASES = [(force, status) for force in REFERENCE_FORCES for status in STATUSES]


def part(data: bytes, name: str) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read(name).decode()


@pytest.mark.parametrize(("force", "status"), CASES)
def test_core_properties_describe_the_release(force: str, status: str) -> None:
    properties = docx.Document(io.BytesIO(rendered(force, status)[Format.DOCX])).core_properties
    the_release = release(force, status)
    assert properties.title == the_release.headline
    assert properties.author == properties.last_modified_by == "Her Majesty’s Inspectorate of Constabulary"
    assert properties.subject == f"Revisiting Police Relationships: {the_release.force.name}"
    assert properties.keywords == f"{the_release.force.name}, Revisiting Police Relationships, HMIC"
    assert properties.language == "en-GB"
    assert properties.created == properties.modified == dt.datetime(2012, 12, 11, tzinfo=dt.UTC)
    assert properties.comments == ""


@pytest.mark.parametrize(("force", "status"), CASES)
def test_headings_use_words_heading_styles_so_the_navigation_pane_works(force: str, status: str) -> None:
    data = rendered(force, status)[Format.DOCX]
    headings = [(style, text) for style, text in docx_paragraphs(data) if style.startswith("Heading")]
    assert headings == [("Heading 1", release(force, status).headline), ("Heading 2", "Notes to editors")]
    styles = part(data, "word/styles.xml")
    for style_id, level in (("Heading1", 0), ("Heading2", 1)):
        definition = re.search(rf'<w:style [^>]*w:styleId="{style_id}".*?</w:style>', styles, re.DOTALL)
        assert definition is not None
        assert f'<w:outlineLvl w:val="{level}"/>' in definition.group(0)


def test_the_document_language_is_british_english() -> None:
    styles = part(rendered("bedfordshire", "final")[Format.DOCX], "word/styles.xml")
    defaults = re.search(r"<w:docDefaults>.*?</w:docDefaults>", styles, re.DOTALL)
    assert defaults is not None
    assert '<w:lang w:val="en-GB" w:eastAsia="en-GB"' in defaults.group(0)


@pytest.mark.parametrize(("force", "status"), CASES)
def test_pages_have_the_draft_header_and_a_page_x_of_y_footer(force: str, status: str) -> None:
    document = docx.Document(io.BytesIO(rendered(force, status)[Format.DOCX]))
    [section] = document.sections
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)  # A4
    assert section.different_first_page_header_footer  # page 1 opens with the boxed draft mark instead
    assert " ".join(p.text for p in section.first_page_header.paragraphs).strip() == ""
    header = " ".join(p.text for p in section.header.paragraphs).strip()
    assert header == ("DRAFT — NOT FOR PUBLICATION" if status == "draft" else "")
    name = release(force, status).force.name
    for footer in (section.first_page_footer.paragraphs[0], section.footer.paragraphs[0]):
        assert footer.text == f"HMIC press release · {name} · 11 December 2012\tPage 1 of 1"  # fields show their cache
        codes = [node.text.strip() for node in footer._p.iter() if node.tag.endswith("}instrText")]
        assert codes == ["PAGE", "NUMPAGES"]  # Word fills these in for each page


@pytest.mark.parametrize(("force", "status"), CASES)
def test_the_release_opens_with_the_draft_mark_embargo_organisation_and_date(force: str, status: str) -> None:
    paragraphs = docx_paragraphs(rendered(force, status)[Format.DOCX])
    expected = [
        *([("Draft Mark", "DRAFT — NOT FOR PUBLICATION")] if status == "draft" else []),
        ("Lead In", "EMBARGOED UNTIL 00:01 TUESDAY 11 DECEMBER 2012"),
        ("Lead In", "Her Majesty’s Inspectorate of Constabulary"),
        ("Normal", "Press release, 11 December 2012"),
        ("Heading 1", release(force, status).headline),
    ]
    assert paragraphs[: len(expected)] == expected
