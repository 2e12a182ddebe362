"""`authoring new` and `authoring schema`: skeletons that validate, and a schema editors can use."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from typer.testing import CliRunner

from authoring.build.pipeline import build
from authoring.cli.app import app
from authoring.inputs.load import load_campaign
from authoring.inputs.scaffold import form_schema
from authoring.inputs.validate import validate
from authoring.model.form import ReleaseForm, form_model
from authoring.registry import forces
from authoring.render import Format
from tests.conftest import FORCES, REFERENCE_FORCES

runner = CliRunner()
CAMPAIGN = load_campaign(FORCES / "campaign.yaml")


def _new(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["new", *args])
    return result.exit_code, result.stdout, result.stderr


def _fill(skeleton: str) -> str:
    """What a press officer does: replace each TODO, use the second-jobs example, mark it final."""
    lines = []
    in_example = False
    for line in skeleton.splitlines():
        if line == "  # - kind: second-jobs":
            in_example = True
        elif in_example and not line.startswith("  #   "):
            in_example = False
        if in_example:
            line = "  " + line.removeprefix("  # ")
            line = line.replace("applications: TODO", "applications: 10").replace("approved: TODO", "approved: 9")
        lines.append(line)
    text = "\n".join(lines) + "\n"
    for old, new in [
        ("status: draft", "status: final"),
        ("grade: TODO", "grade: improvements"),
        ("inspector: TODO", "inspector: zoe-billingham"),
        ("\n  - TODO\n", "\n  - The force has reviewed its policies on gifts and hospitality.\n"),
    ]:
        assert old in text
        text = text.replace(old, new)
    return text


def test_new_writes_a_commented_draft_that_validates(forces_copy: Path) -> None:
    code, out, err = _new("kent", "--forms", "forces")
    assert code == 0
    assert out == "forces/kent.yaml\n"
    assert err == "forces/form.schema.json (schema for editors)\n"
    text = (forces_copy / "kent.yaml").read_text()
    assert text.startswith("# yaml-language-server: $schema=form.schema.json\n")
    assert "# Kent Police: release form for Revisiting Police Relationships." in text
    assert "\nforce: kent\n" in text
    assert "\nstatus: draft\n" in text
    kinds = form_model(CAMPAIGN).finding_kinds
    for model in (form_model(CAMPAIGN), kinds["media-disclosures"], kinds["second-jobs"]):
        for name, field in model.model_fields.items():
            if name != "kind" and not field.exclude:  # each field is explained (the Welsh twins: docs/welsh.md)
                assert f"{field.description}" in text, name
    assert "stephen-otter (Stephen Otter QPM, National Team)" in text  # what the campaign knows
    assert json.loads((forces_copy / "form.schema.json").read_text()) == form_schema(CAMPAIGN)

    report = validate([forces_copy / "kent.yaml"])
    assert report.ok
    (check,) = report.forms
    assert check.todos == ["grade", "inspector", "findings.0", "quote.0"]


def test_new_form_once_filled_is_final_and_builds(forces_copy: Path, tmp_path: Path) -> None:
    _new("kent", "--forms", "forces")
    form = forces_copy / "kent.yaml"
    form.write_text(_fill(form.read_text()))
    report = validate([form])
    assert report.problems == []
    (check,) = report.forms
    assert check.form is not None
    assert check.form.status.value == "final"
    (built,) = build([form], out_dir=tmp_path / "out", formats=[Format.MD])
    text = built.files[0].read_text()
    assert "DRAFT" not in text
    assert "TODO" not in text
    assert "Since September 2011 there have been 10 applications for second jobs, with all but one being approved." in (
        text
    )


def test_new_never_overwrites(forces_copy: Path) -> None:
    before = (forces_copy / "thames-valley.yaml").read_bytes()
    code, out, err = _new("thames-valley", "--forms", "forces")
    assert (code, out, err) == (2, "", "Error: forces/thames-valley.yaml already exists; it was not overwritten\n")
    assert (forces_copy / "thames-valley.yaml").read_bytes() == before


def test_new_refuses_a_second_form_for_a_force(forces_copy: Path) -> None:
    (forces_copy / "thames-valley.yaml").rename(forces_copy / "tvp.yaml")
    code, _, err = _new("thames-valley", "--forms", "forces")
    assert code == 2
    assert err == "Error: thames-valley already has a form: forces/tvp.yaml; each force may have one form only\n"
    assert not (forces_copy / "thames-valley.yaml").exists()


def test_new_unknown_force_suggests_the_near_miss() -> None:
    code, _, err = _new("thames-valey")
    assert (code, err) == (2, "Error: unknown force 'thames-valey'; did you mean 'thames-valley'?\n")
    assert not Path("forces").exists()


@pytest.mark.parametrize("args", [[], ["kent", "--all"], ["--all", "--out", "x.yaml"]])
def test_new_usage_errors(args: list[str]) -> None:
    code, _, err = _new(*args)
    assert (code, err) == (2, "Error: give either one SLUG (optionally with --out), or --all\n")


def test_new_out_file_elsewhere(tmp_path: Path) -> None:
    code, out, _ = _new("gwent", "--out", "drafts/gwent-draft.yaml")
    assert (code, out) == (0, "drafts/gwent-draft.yaml\n")
    text = Path("drafts/gwent-draft.yaml").read_text()
    assert "# Gwent Police: release form. Written by 'authoring new gwent'." in text  # no campaign there
    assert (tmp_path / "drafts" / "form.schema.json").is_file()
    assert validate([Path("drafts/gwent-draft.yaml")], campaign=FORCES / "campaign.yaml").ok


def test_new_all_writes_a_draft_for_every_force_without_a_form(forces_copy: Path) -> None:
    (forces_copy / "thames-valley.yaml").rename(forces_copy / "tvp.yaml")  # found by its force:, not its name
    originals = {path.name: path.read_bytes() for path in forces_copy.glob("*.yaml")}
    code, out, err = _new("--all", "--forms", "forces")
    assert code == 0
    written = out.splitlines()
    assert len(written) == len(forces()) - len(REFERENCE_FORCES) == 41
    assert "forces/thames-valley.yaml" not in written
    assert err.endswith("41 drafts written; 3 forces already had a form.\n")
    for name, data in originals.items():
        assert (forces_copy / name).read_bytes() == data
    report = validate([forces_copy])
    assert report.ok
    assert len(report.forms) == 44
    assert len(report.drafts) == 41

    code, out, err = _new("--all", "--forms", "forces")
    assert (code, out, err) == (0, "", "0 drafts written; 44 forces already had a form.\n")


# --------------------------------------------------------------------------- schema


def _schema() -> dict[str, Any]:
    result = runner.invoke(app, ["schema", str(FORCES)])
    assert result.exit_code == 0
    schema: dict[str, Any] = json.loads(result.stdout)
    return schema


def test_schema_is_a_valid_json_schema_that_accepts_the_reference_forms() -> None:
    schema = _schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    for name in REFERENCE_FORCES:
        form = yaml.safe_load((FORCES / f"{name}.yaml").read_text())
        assert list(validator.iter_errors(form)) == [], name


def test_schema_accepts_a_new_draft_and_refuses_mistakes(forces_copy: Path) -> None:
    validator = jsonschema.Draft202012Validator(_schema())
    _new("kent", "--forms", "forces")
    draft = yaml.safe_load((forces_copy / "kent.yaml").read_text())
    assert list(validator.iter_errors(draft)) == []
    for mistake in ({"grdae": "improvements"}, {"grade": "excellent"}, {"force": "thames-valey"}, {"quote": []}):
        assert list(validator.iter_errors({**draft, **mistake})), mistake
    counts = {"kind": "second-jobs", "applications": -1, "approved": "TODO"}
    assert list(validator.iter_errors({**draft, "findings": [counts]}))


def test_schema_lists_the_forces_and_explains_the_fields() -> None:
    schema = _schema()
    assert schema["properties"]["force"]["enum"] == list(forces())
    assert schema["properties"]["quote"]["description"] == ReleaseForm.model_fields["quote"].description


def test_schema_out_file(tmp_path: Path) -> None:
    result = runner.invoke(app, ["schema", str(FORCES), "--out", "schemas/form.schema.json"])
    assert (result.exit_code, result.stdout) == (0, "schemas/form.schema.json\n")
    assert json.loads((tmp_path / "schemas" / "form.schema.json").read_text()) == form_schema(CAMPAIGN)
