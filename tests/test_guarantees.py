"""House-format guarantees for every force in the registry, not only the three seeds.

A synthetic form for each of the 44 forces (figures invented for the test) is built; every
output must carry the campaign's notes to editors verbatim, numbered, under one heading, and
the quote in the house format — under both quotation-mark conventions.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from authoring.build.pipeline import build
from authoring.inputs.load import load_campaign, load_form
from authoring.model.release import build_release
from authoring.model.types import PdfEngine
from authoring.registry import forces
from authoring.render import Format
from tests.conftest import FORCES
from tests.outputs import ENGINES
from tests.readback import docx_paragraphs, html_document, markdown_text, normalise, pdf_pages

CAMPAIGN = load_campaign(FORCES / "campaign.yaml")
NOTES = [
    normalise(note.text) for note in build_release(load_form(FORCES / "bedfordshire.yaml", CAMPAIGN), CAMPAIGN).notes
]


def synthetic_forms(folder: Path, quote_marks: str) -> list[Path]:
    """A campaign and one synthetic form per registry force, in ``folder``."""
    folder.mkdir()
    campaign = yaml.safe_load((FORCES / "campaign.yaml").read_text(encoding="utf-8"))
    campaign["quote_marks"] = quote_marks
    (folder / "campaign.yaml").write_text(yaml.safe_dump(campaign, allow_unicode=True), encoding="utf-8")
    paths = []
    for index, force in enumerate(forces().values()):
        form = {
            "force": force.slug,
            "status": "final",
            "grade": ["good-progress", "some-improvements", "improvements"][index % 3],
            "inspector": "zoe-billingham",
            "findings": [
                f"SYNTHETIC finding for {force.name}.",
                {"kind": "second-jobs", "applications": index, "approved": index // 2},
                {"kind": "media-disclosures", "investigated": index % 4, "ongoing": 0},
            ],
            "quote": [f"{force.name} first paragraph.", "Second paragraph."],
        }
        path = folder / f"{force.slug}.yaml"
        path.write_text(yaml.safe_dump(form, allow_unicode=True), encoding="utf-8")
        paths.append(path)
    return paths


@pytest.mark.parametrize("quote_marks", ["first-and-last", "every-paragraph"])
def test_every_force_gets_the_notes_and_the_quote_format(tmp_path: Path, quote_marks: str) -> None:
    paths = synthetic_forms(tmp_path / "forms", quote_marks)
    built = build(paths, out_dir=tmp_path / "out", formats=[Format.DOCX, Format.HTML, Format.MD])
    assert len(built) == 44
    closing = [normalise(p) for p in CAMPAIGN.quote_closing]
    for item in built:
        name = item.release.force.name
        files = {Format(p.suffix[1:]): p.read_bytes() for p in item.files}
        expected_quote = [f"{name} first paragraph.", "Second paragraph.", *closing]
        opening = [True] * len(expected_quote) if quote_marks == "every-paragraph" else [True, False, False, False]

        paragraphs = docx_paragraphs(files[Format.DOCX])
        notes_at = [text for _, text in paragraphs].index("Notes to editors")
        assert [normalise(t) for _, t in paragraphs[notes_at + 1 :]] == NOTES
        quote = [t for s, t in paragraphs if s == "Quote"]
        assert [normalise(q).strip('"') for q in quote] == expected_quote
        assert [q.startswith("“") for q in quote] == opening
        assert [q.endswith("”") for q in quote] == [False, False, False, True]
        assert "HM Inspector of Constabulary for the Eastern Region, Zoë Billingham, said:" in [
            t for _, t in paragraphs
        ]

        page = html_document(files[Format.HTML])
        assert page.by_tag["h2"] == ["Notes to editors"]
        assert page.by_tag["li"][-len(NOTES) :] == NOTES
        assert page.by_tag["h1"][0].startswith(f"{name} has made ")

        markdown = files[Format.MD].decode()
        assert markdown.count("## Notes to editors") == 1
        numbered = re.findall(r"^(\d+)\. ", markdown.split("## Notes to editors")[1], re.MULTILINE)
        assert numbered == [str(n) for n in range(1, len(NOTES) + 1)]
        assert all(note in markdown_text(files[Format.MD]) for note in NOTES)


@pytest.mark.parametrize("engine", ENGINES)
def test_every_force_gets_the_notes_and_the_quote_in_the_pdf_of_each_engine(tmp_path: Path, engine: PdfEngine) -> None:
    paths = synthetic_forms(tmp_path / "forms", "every-paragraph")
    built = build(paths, out_dir=tmp_path / "out", formats=[Format.PDF], pdf_engine=engine)
    assert len(built) == 44
    closing = [normalise(p) for p in CAMPAIGN.quote_closing]
    for item in built:
        name = item.release.force.name
        [path] = item.files
        text = normalise(" ".join(pdf_pages(path.read_bytes())))
        assert text.count("Notes to editors") == 1
        notes = text[text.index("Notes to editors") :]
        position = 0
        for number, note in enumerate(NOTES, start=1):  # numbered, in order, after the one heading
            found = notes.find(f"{number}. {note[:40]}", position)
            assert found >= position, f"{name}: note {number}"
            position = found
        quote = text[text.index("Zoë Billingham, said:") :]
        for paragraph in [f"{name} first paragraph.", "Second paragraph.", *closing]:
            assert f'"{paragraph[:40]}' in quote, f"{name}: {paragraph[:40]}"  # an opening mark on every paragraph
