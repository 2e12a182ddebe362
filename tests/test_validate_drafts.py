"""Drafts with TODO gaps build, marked as drafts, with every gap visible; finals with gaps do not."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from pydantic import ValidationError
from typer.testing import CliRunner

from authoring.build.pipeline import build
from authoring.cli.app import app
from authoring.inputs.load import form_files
from authoring.model.form import ReleaseForm
from authoring.model.gaps import Todo, parse_gap
from authoring.render import Format
from tests.conftest import FORCES
from tests.readback import docx_text, html_document, markdown_text, normalise, pdf_text

DRAFT = """\
force: kent
grade: TODO
inspector: TODO
findings:
  - The force has reviewed its policies on gifts and hospitality.
  - TODO the PSD findings
  - kind: second-jobs
    applications: TODO - figures from HR on Friday
    approved: TODO
  - kind: media-disclosures
    investigated: 4
    ongoing: 1
quote:
  - TODO
"""

GAPS = [
    "[TODO: grade]",
    "[TODO: findings — the PSD findings]",
    "[TODO: second-jobs finding, applications, approved — figures from HR on Friday]",
    "[TODO: inspector]",
    "[TODO: quote]",
]


@pytest.fixture
def draft(forces_copy: Path) -> Path:
    path = forces_copy / "kent.yaml"
    path.write_text(DRAFT)
    return path


def test_draft_with_gaps_builds_in_every_format_with_each_gap_shown(draft: Path, tmp_path: Path) -> None:
    (built,) = build([draft], out_dir=tmp_path / "out")
    files = {path.suffix: path.read_bytes() for path in built.files}
    texts = {
        ".docx": docx_text(files[".docx"]),
        ".html": html_document(files[".html"]).text,
        ".pdf": pdf_text(files[".pdf"]),
        ".md": markdown_text(files[".md"]),
    }
    for fmt, text in texts.items():
        assert "DRAFT — NOT FOR PUBLICATION" in text, fmt
        squashed = text.replace(" ", "")  # the Markdown read-back leaves a space where it drops an escape
        for gap in GAPS:
            assert normalise(gap).replace(" ", "") in squashed, (fmt, gap)
        # the complete finding is still phrased in house style
        assert "Since September 2011 the force has investigated four instances" in text, fmt
    headline = html_document(files[".html"]).by_tag["h1"]
    assert headline == ["Kent Police [TODO: grade] identifies, monitors and manages integrity issues"]


def test_final_form_with_gaps_does_not_build(draft: Path, tmp_path: Path) -> None:
    draft.write_text(DRAFT.replace("force: kent", "force: kent\nstatus: final"))
    result = CliRunner().invoke(app, ["build", str(draft), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    todo = "TODO left in a final form; fill it in, or set 'status: draft'"
    assert lines == [
        f"{draft}:3:8: grade: {todo}",
        f"{draft}:4:12: inspector: {todo}",
        f"{draft}:7:5: findings.1: {todo}",
        f"{draft}:9:19: findings.2.applications: {todo}",
        f"{draft}:10:15: findings.2.approved: {todo}",
        f"{draft}:15:5: quote.0: {todo}",
        "6 problems found; nothing was written.",
    ]
    assert not (tmp_path / "out").exists()


def test_todo_inside_a_final_text_is_caught(forces_copy: Path) -> None:
    form = forces_copy / "thames-valley.yaml"
    form.write_text(form.read_text().replace("reduce\n    risks", "reduce\n    risks (TODO check wording)"))
    result = CliRunner().invoke(app, ["validate", str(form)])
    assert result.exit_code == 1
    assert result.stderr == (
        f"{form}:10:5: findings.1: TODO left in a final form; fill it in, or set 'status: draft'\n"
        "1 problem in 1 file; 1 form and 1 campaign checked.\n"
    )


def test_the_model_itself_refuses_a_final_form_with_gaps() -> None:
    data = {
        "force": "kent",
        "status": "final",
        "grade": "improvements",
        "inspector": "TODO",
        "findings": ["text"],
        "quote": ["TODO"],
    }
    with pytest.raises(ValidationError, match=r"a final form cannot contain TODO; fill in inspector, quote\.0"):
        ReleaseForm.model_validate(data)
    assert ReleaseForm.model_validate({**data, "status": "draft"}).todos() == ["inspector", "quote.0"]


@pytest.mark.parametrize(
    ("text", "gap"),
    [
        ("TODO", Todo("")),
        ("  TODO  ", Todo("")),
        ("TODO: ask Zoë", Todo("ask Zoë")),
        ("TODO ask Zoë", Todo("ask Zoë")),
        ("TODO - ask Zoë", Todo("ask Zoë")),
        ("TODO — ask Zoë", Todo("ask Zoë")),
        ("TODOs are done", None),
        ("todo", None),
        ("Nothing TODO", None),
    ],
)
def test_what_counts_as_a_gap(text: str, gap: Todo | None) -> None:
    assert parse_gap(text) == gap


def test_reference_forms_have_no_gaps(tmp_path: Path) -> None:
    shutil.copytree(FORCES, tmp_path / "forces")
    built = build(form_files(tmp_path / "forces"), out_dir=tmp_path / "out", formats=[Format.MD])
    for item in built:
        text = item.files[0].read_text()
        assert "TODO" not in text
        assert "DRAFT" not in text
