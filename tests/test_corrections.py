"""A corrected release says so in every format: its correction notes (when, what changed), read back."""

from __future__ import annotations

from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from authoring.build.pipeline import load_releases, render
from authoring.mail.text import plain_text
from authoring.model.types import PdfEngine
from authoring.render import ALL_FORMATS, Format
from tests.conftest import FORCES
from tests.hostile_forms import HOSTILE as HOSTILE_VALUES
from tests.hostile_forms import to_yaml
from tests.outputs import ENGINES, form_copy, with_engine
from tests.readback import docx_paragraphs, front_matter, html_document, markdown_text, normalise, pdf_text
from tests.test_accessibility_html import needs_axe, run_axe

HOSTILE = "Corrected the savings figure <script>alert(1)</script> **not bold** {{ 7*7 }} [a](http://x.example)"
CORRECTIONS = f"""
corrections:
  - date: 2012-12-12
    note: "{HOSTILE}"
  - date: 2012-12-14
    note: Added the force's response.
"""


def corrected(tmp_path: Path, engine: PdfEngine = PdfEngine.WEASYPRINT) -> dict[Format, bytes]:
    form = form_copy("thames-valley", "final", tmp_path)
    form.write_text(form.read_text(encoding="utf-8") + CORRECTIONS, encoding="utf-8")
    [(_, release)] = load_releases([form], campaign=FORCES / "campaign.yaml")
    assert len(release.corrections) == 2
    return render(with_engine(release, engine), ALL_FORMATS)


@pytest.mark.parametrize("engine", ENGINES)
def test_the_pdf_of_either_engine_shows_the_correction_notes(tmp_path: Path, engine: PdfEngine) -> None:
    pdf = pdf_text(corrected(tmp_path, engine)[Format.PDF])

    assert "Corrections" in pdf
    assert normalise("12 December 2012: Corrected the savings figure <script>alert(1)</script>") in normalise(pdf)
    assert "14 December 2012: Added the force" in pdf
    assert pdf.index("Corrections") < pdf.index("Added the force") < pdf.index("Notes to editors")


def test_every_format_shows_the_correction_notes_with_their_dates(tmp_path: Path) -> None:
    outputs = {str(fmt): data for fmt, data in corrected(tmp_path).items()}
    first = normalise(f"12 December 2012: {HOSTILE}")
    second = normalise("14 December 2012: Added the force's response.")

    html = html_document(outputs["html"])
    assert f"Corrections {first} {second}" in html.text
    assert "<script>alert(1)</script>" not in outputs["html"].decode()  # escaped: text, not markup
    assert '<time datetime="2012-12-12">12 December 2012</time>' in outputs["html"].decode()
    assert '<meta name="dcterms.modified" content="2012-12-14">' in outputs["html"].decode()

    assert f"Corrections {first} {second}" in markdown_text(outputs["md"])  # Markdown, escaped, reads literally

    paragraphs = docx_paragraphs(outputs["docx"])
    heading = paragraphs.index(("Heading 2", "Corrections"))
    assert [normalise(text) for _, text in paragraphs[heading + 1 : heading + 3]] == [first, second]
    assert paragraphs[heading + 1][0] == "List Bullet"

    pdf = pdf_text(outputs["pdf"])
    assert "Corrections" in pdf
    assert "12 December 2012: Corrected the savings figure" in pdf
    assert "14 December 2012: Added the force" in pdf


def test_a_release_without_corrections_has_no_correction_section(tmp_path: Path) -> None:
    form = form_copy("thames-valley", "final", tmp_path)
    [(_, release)] = load_releases([form], campaign=FORCES / "campaign.yaml")
    outputs = {str(fmt): data for fmt, data in render(release, ALL_FORMATS).items()}

    assert "Corrections" not in html_document(outputs["html"]).text
    assert "Corrections" not in markdown_text(outputs["md"])
    assert ("Heading 2", "Corrections") not in docx_paragraphs(outputs["docx"])
    assert "corrections" not in plain_text(release).lower()


def test_the_mail_text_lists_the_corrections_under_the_headline(tmp_path: Path) -> None:
    form = form_copy("thames-valley", "final", tmp_path)
    form.write_text(form.read_text(encoding="utf-8") + CORRECTIONS, encoding="utf-8")
    [(_, release)] = load_releases([form], campaign=FORCES / "campaign.yaml")

    text = plain_text(release)

    section = text.split("\nCorrections\n-----------\n\n", 1)[1]
    assert normalise(section).startswith(normalise(f"- 12 December 2012: {HOSTILE} - 14 December 2012: Added"))
    assert text.index("Corrections") > text.index("Thames Valley Police has made good progress")


@needs_axe
def test_a_corrected_page_is_clean_under_axe_core(tmp_path: Path) -> None:
    html = corrected(tmp_path)[Format.HTML]

    results = run_axe(html, tmp_path / "page", stylesheet=True)

    assert results["violations"] == []
    assert {"heading-order", "list", "region", "color-contrast"} <= set(results["passes"])


def test_hostile_correction_notes_add_no_block_no_markup_and_read_as_written(tmp_path: Path) -> None:
    notes = [value.replace("\n", " ") for value in HOSTILE_VALUES.values()]  # a note is one line of text
    form = form_copy("thames-valley", "final", tmp_path)
    entries = [{"date": f"2012-12-{12 + index:02d}", "note": note} for index, note in enumerate(notes)]
    form.write_text(form.read_text(encoding="utf-8") + to_yaml({"corrections": entries}), encoding="utf-8")
    [(_, release)] = load_releases([form], campaign=FORCES / "campaign.yaml")
    outputs = render(release, (Format.MD, Format.HTML))

    meta, body = front_matter(outputs[Format.MD].decode())
    assert meta == {"lang": "en-GB"}
    tokens = MarkdownIt("commonmark").parse(body)
    kinds = {token.type for token in tokens} | {child.type for token in tokens for child in token.children or ()}
    assert not kinds & {"image", "fence", "code_block", "html_block", "html_inline", "code_inline", "hr"}
    assert [token.type for token in tokens].count("bullet_list_open") == 2  # the findings, and the corrections
    page = html_document(outputs[Format.HTML]).text
    for _, date, note in release.correction_notes:
        assert normalise(f"{date}: {note}") in page
        assert normalise(f"{date}: {note}") in markdown_text(outputs[Format.MD])


def test_a_campaigns_own_correction_words_mark_a_correction_sent_again_and_stay_text(tmp_path: Path) -> None:
    """The correction's subject mark and note are house words a campaign may change: escaped, never markup."""
    from dataclasses import replace
    from datetime import UTC, datetime

    from authoring.mail.message import Contents, compose

    form = form_copy("thames-valley", "final", tmp_path)
    campaign = tmp_path / "campaign.yaml"
    text = (FORCES / "campaign.yaml").read_text(encoding="utf-8")
    note = "Re-issued <b>now</b> & {{ force.name }}"
    campaign.write_text(
        text.replace("\nsentences:", f"\nsentences:\n  correction_mark: RE-ISSUE\n  correction_note: '{note}'\n  #", 1),
        encoding="utf-8",
    )
    assert "correction_mark" in campaign.read_text(encoding="utf-8")
    [(_, release)] = load_releases([form], campaign=campaign)
    assert release.correction_mark == "RE-ISSUE"
    assert release.correction_note == "Re-issued <b>now</b> & Thames Valley Police"
    files = render(release, (Format.HTML, Format.PDF))
    html = files[Format.HTML].decode()
    contents = Contents(release=release, html=html, pdf=files[Format.PDF], pdf_name="release.pdf")
    message = compose(contents, sender="press@example.org", date=datetime(2012, 12, 12, tzinfo=UTC), correction=True)
    assert ": RE-ISSUE: " in str(message["Subject"])
    assert "CORRECTION" not in str(message["Subject"])
    plain = message.get_body(("plain",)).get_content()
    assert plain.startswith("Re-issued <b>now</b> & Thames Valley Police")
    html = message.get_body(("html",)).get_content()
    assert "<p><strong>Re-issued &lt;b&gt;now&lt;/b&gt; &amp; Thames Valley Police</strong></p>" in html
    assert "<b>now</b>" not in html
    plain_again = compose(replace(contents), sender="press@example.org", date=datetime(2012, 12, 12, tzinfo=UTC))
    assert "RE-ISSUE" not in str(plain_again["Subject"])  # a first sending is not marked
