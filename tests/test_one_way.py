"""One way from files to a release: what `validate` passes, every command builds, previews and sends.

Each failing case of the issue, through the CLI:

- a template that fails for one form's figures (a division by zero) is that form's problem,
  found by `validate` at the finding's line with the template's place; `build` refuses with
  the same line and writes nothing; `batch`, `preview` and `send` fail that form alone;
- one form failing among 44, in phrasing, rendering or writing, never stops the others;
- `validate` checks the distribution list;
- a batch's plan leaves the manifest unchanged.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from authoring import __version__
from authoring.build.batch import BuildStatus, make_plan
from authoring.build.manifest import Manifest
from authoring.build.pipeline import load
from authoring.cli.app import app
from authoring.preview.page import compose
from authoring.registry import forces
from authoring.render import Format
from authoring.render.environment import Templates
from tests.conftest import FORCES, ROOT

runner = CliRunner()
ROUND = ROOT / "forces" / "value-for-money-2013"
STEM = "2013-07-18-{}-value-for-money-in-policing-2013-example"

#: A kind of finding whose sentence divides one figure by another, as the issue's campaign did.
RECORDING = """\
  recording:
    description: How accurately the force records crime, from a sample.
    fields:
      recorded:
        type: count
        description: Crimes in the sample recorded correctly.
      sampled:
        type: count
        description: Crimes in the sample.
    phrase: >-
      Of the crimes the inspectors sampled, {{ percent(recorded / sampled * 100) }} were recorded correctly.
    examples:
      - values: {recorded: 90, sampled: 100}
        says: Of the crimes the inspectors sampled, 90% were recorded correctly.
"""
TEMPLATE_LINE = "      Of the crimes the inspectors sampled, {{ percent(recorded / sampled * 100) }}"


def with_recording(campaign: Path) -> int:
    """Add the dividing kind of finding to a campaign file (first of its kinds); the line of its template."""
    lines = campaign.read_text(encoding="utf-8").splitlines()
    at = lines.index("findings:") + 1
    lines[at:at] = RECORDING.splitlines()
    campaign.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return next(number for number, line in enumerate(lines, 1) if line.startswith(TEMPLATE_LINE))


def add_finding(form: Path, finding: str) -> int:
    """Put ``finding`` (YAML of one list item) first among a form's findings; the line it starts at."""
    lines = form.read_text(encoding="utf-8").splitlines()
    at = lines.index("findings:") + 1
    lines[at:at] = finding.splitlines()
    form.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return at + 1


@pytest.fixture
def round_copy(tmp_path: Path) -> Path:
    """A copy of the example value-for-money round (three forms and a distribution list), in English only."""
    target = tmp_path / "forces" / "vfm"
    shutil.copytree(ROUND, target)
    campaign = target / "campaign.yaml"  # English only: the kind added here has no Welsh (tests/test_welsh.py has)
    text = campaign.read_text(encoding="utf-8")
    campaign.write_text(text.replace("  remove: []  # e.g. [gwent]", "  remove: [dyfed-powys]", 1), encoding="utf-8")
    return target


@pytest.fixture
def zero_sample(round_copy: Path) -> tuple[Path, str]:
    """Kent's form with a sample of none: the round's forms, and the message validate must give."""
    line = with_recording(round_copy / "campaign.yaml")
    kent = round_copy / "kent.yaml"
    at = add_finding(kent, "  - kind: recording\n    recorded: 0\n    sampled: 0")
    message = (
        f"{kent}:{at}:5: findings.0: the sentence cannot be made from these figures: "
        f"division by zero (template at campaign.yaml:{line})"
    )
    return round_copy, message


def test_validate_makes_every_sentence_of_each_form(zero_sample: tuple[Path, str]) -> None:
    folder, message = zero_sample
    result = runner.invoke(app, ["validate", str(folder)])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [message, "1 problem in 1 file; 3 forms and 1 campaign checked."]
    assert "Traceback" not in result.output


def test_build_refuses_such_a_form_at_its_line_and_writes_nothing(zero_sample: tuple[Path, str]) -> None:
    folder, message = zero_sample
    result = runner.invoke(app, ["build", str(folder / "kent.yaml"), str(folder / "dyfed-powys.yaml"), "-o", "out"])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [message, "1 problem found; nothing was written."]
    assert not Path("out").exists()


def test_a_batch_fails_that_form_alone_and_keeps_its_older_files(round_copy: Path) -> None:
    first = runner.invoke(app, ["batch", str(round_copy), "-o", "out", "-f", "md"])
    assert first.exit_code == 0, first.output
    kept = (Path("out") / "kent" / f"{STEM.format('kent-police')}.md").read_bytes()
    line = with_recording(round_copy / "campaign.yaml")
    at = add_finding(round_copy / "kent.yaml", "  - kind: recording\n    recorded: 0\n    sampled: 0")

    result = runner.invoke(app, ["batch", str(round_copy), "-o", "out", "-f", "md"])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    expected = f"division by zero (template at campaign.yaml:{line})"
    assert f"{round_copy / 'kent.yaml'}:{at}:5: findings.0: " in result.stderr
    assert expected in result.stderr
    statuses = {entry["force"]: entry["status"] for entry in _manifest()["releases"].values()}
    assert statuses == {"kent": "failed", "dyfed-powys": "built", "metropolitan": "built"}  # campaign changed
    assert (Path("out") / "kent" / f"{STEM.format('kent-police')}.md").read_bytes() == kept


def test_the_preview_shows_the_problem_in_place_of_the_release(zero_sample: tuple[Path, str]) -> None:
    folder, _ = zero_sample
    page = compose(folder / "kent.yaml", version="1")
    assert page.release is None
    assert "division by zero (template at campaign.yaml:" in page.html
    assert "the sentence cannot be made from these figures" in page.html


def test_send_sends_every_other_release(zero_sample: tuple[Path, str]) -> None:
    folder, message = zero_sample
    result = runner.invoke(app, ["send", str(folder), "--dry-run", "-o", "out"])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert message.split(": division")[0] in result.stderr
    listed = "\n".join(line for line in result.stdout.splitlines() if "would send" in line.lower())
    assert "dyfed-powys" in listed
    assert "kent" not in listed


def test_the_preview_reads_gaps_from_the_loader(round_copy: Path) -> None:
    """A draft's gaps come with its release, as validate lists them: the form is not read again."""
    draft = round_copy / "metropolitan.yaml"
    _, [loaded] = load([draft])
    assert loaded.release is not None
    assert loaded.release.gaps == loaded.check.gaps != ()
    page = compose(draft, version="1")
    assert page.release is not None
    for gap in loaded.release.gaps:
        assert f"{gap.path}:{gap.line}:{gap.column}" in page.html
    validated = runner.invoke(app, ["validate", str(draft)])
    assert validated.exit_code == 0
    assert validated.stdout.splitlines()[:-1] == [str(gap) for gap in loaded.release.gaps]


# --------------------------------------------------------------------------- did you mean


@pytest.mark.parametrize(
    ("written", "hint"),
    [
        ("adequate", None),  # not 'inadequate': the opposite verdict
        ("not good", None),  # not 'good'
        ("ungood", None),
        ("Good", "good"),  # case
        ("requires improvement", "requires-improvement"),  # a space for a hyphen
        ("inadequte", "inadequate"),  # a letter left out, the negation kept
        ("outstandnig", "outstanding"),  # two letters swapped
    ],
)
def test_did_you_mean_never_offers_the_opposite_verdict(round_copy: Path, written: str, hint: str | None) -> None:
    kent = round_copy / "kent.yaml"
    kent.write_text(kent.read_text(encoding="utf-8").replace("grade: good", f"grade: {written}"), encoding="utf-8")
    result = runner.invoke(app, ["validate", str(kent)])
    assert result.exit_code == 1
    listed = "expected 'outstanding', 'good', 'requires-improvement' or 'inadequate'"
    line = f"{kent}:4:8: grade: {listed}, found '{written}'"
    assert result.stderr.splitlines()[0] == line + (f"; did you mean '{hint}'?" if hint else "")


@pytest.mark.parametrize(
    ("written", "hint"),
    [("decrease", None), ("no change", "no-change"), ("reductoin", "reduction")],  # 'decrease': not 'increase'
)
def test_did_you_mean_never_offers_the_opposite_choice(tmp_path: Path, written: str, hint: str | None) -> None:
    folder = tmp_path / "forces"
    shutil.copytree(FORCES, folder)
    form = folder / "thames-valley.yaml"
    text = form.read_text(encoding="utf-8")
    assert "change: reduction" in text
    form.write_text(text.replace("change: reduction", f"change: {written}"), encoding="utf-8")
    result = runner.invoke(app, ["validate", str(form)])
    assert result.exit_code == 1
    [problem, _] = result.stderr.splitlines()
    assert problem.endswith(
        f"expected 'increase', 'no-change' or 'reduction', found '{written}'"
        + (f"; did you mean '{hint}'?" if hint else "")
    )


# --------------------------------------------------------------------------- every file of a round


def test_validate_checks_the_distribution_list(round_copy: Path) -> None:
    listing = round_copy / "distribution.yaml"
    lines = listing.read_text(encoding="utf-8").splitlines()
    at = next(number for number, line in enumerate(lines, 1) if line.strip().startswith("- "))
    column = lines[at - 1].index("- ") + 3
    lines[at - 1] = lines[at - 1][: column - 1] + "news@yorkpress"
    listing.write_text("\n".join(lines) + "\n", encoding="utf-8")
    for target in (round_copy, listing):
        result = runner.invoke(app, ["validate", str(target)])
        assert result.exit_code == 1, result.output
        first = result.stderr.splitlines()[0]
        assert first.startswith(f"{listing}:{at}:{column}: ")
        assert "'news@yorkpress' is not an e-mail address" in first


# --------------------------------------------------------------------------- one form fails alone, among 44


def synthetic_round(folder: Path) -> None:
    """The 2012 campaign with the dividing kind of finding, and a final form for each of the 44 forces."""
    folder.mkdir(parents=True)
    shutil.copy(FORCES / "campaign.yaml", folder / "campaign.yaml")
    with_recording(folder / "campaign.yaml")
    for index, force in enumerate(forces().values()):
        form = {
            "force": force.slug,
            "status": "final",
            "grade": ["good-progress", "some-improvements", "improvements"][index % 3],
            "inspector": "zoe-billingham",
            "findings": [
                f"SYNTHETIC finding for {force.name}.",
                {"kind": "recording", "recorded": index, "sampled": 0 if force.slug == "kent" else 50},
            ],
            "quote": [f"{force.name}: a synthetic quote."],
        }
        (folder / f"{force.slug}.yaml").write_text(yaml.safe_dump(form, allow_unicode=True), encoding="utf-8")


def test_one_form_failing_among_44_never_stops_the_others(tmp_path: Path) -> None:
    """Kent cannot be phrased, Surrey cannot be rendered, Essex cannot be written: 41 are built, exit 1."""
    folder = tmp_path / "forces" / "synthetic"
    synthetic_round(folder)
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    page = templates / "html" / "release.html.j2"
    page.write_text(
        '{% if release.force.slug == "surrey" %}{{ release.no_such_thing }}{% endif %}'
        + page.read_text(encoding="utf-8"),
        encoding="utf-8",
    )
    out = tmp_path / "out"
    out.mkdir()
    (out / "essex").write_text("a file where the folder of Essex's release goes", encoding="utf-8")

    result = runner.invoke(app, ["batch", str(folder), "-o", str(out), "-f", "html,md", "--templates", str(templates)])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    statuses = {Path(key).stem: entry["status"] for key, entry in _manifest(out)["releases"].items()}
    assert len(statuses) == 44
    assert {slug for slug, status in statuses.items() if status == "failed"} == {"kent", "surrey", "essex"}
    assert list(statuses.values()).count("built") == 41
    problems = result.stderr
    assert f"{folder / 'kent.yaml'}:" in problems
    assert "division by zero" in problems
    assert f"{folder / 'surrey.yaml'}: " in problems
    assert "no_such_thing" in problems
    assert f"{folder / 'essex.yaml'}: cannot write to {out / 'essex'}" in problems
    for slug in forces():
        built = list((out / slug).glob("*.md")) if (out / slug).is_dir() else []
        assert bool(built) == (slug not in ("kent", "surrey", "essex")), slug


# --------------------------------------------------------------------------- planning changes nothing


def test_planning_a_batch_leaves_the_manifest_as_it_was(round_copy: Path) -> None:
    first = runner.invoke(app, ["batch", str(round_copy), "-o", "out", "-f", "md"])
    assert first.exit_code == 0, first.output
    (round_copy / "kent.yaml").write_text("force: kent\n", encoding="utf-8")  # now invalid
    manifest = Manifest.read(Path("out"), toolkit_version=__version__)
    before = manifest.to_bytes()
    _, loaded = load([round_copy / name for name in ("dyfed-powys.yaml", "kent.yaml", "metropolitan.yaml")])
    plan = make_plan(loaded, out_dir=Path("out"), formats=[Format.MD], manifest=manifest, templates=Templates.at())
    assert manifest.to_bytes() == before
    assert {key.rsplit("/", 1)[1]: entry.status for key, entry in plan.entries.items()} == {
        "dyfed-powys.yaml": BuildStatus.UNCHANGED,
        "kent.yaml": BuildStatus.FAILED,
        "metropolitan.yaml": BuildStatus.UNCHANGED,
    }
    assert plan.entries[next(key for key in plan.entries if key.endswith("kent.yaml"))].files  # its files stay listed


def _manifest(out: Path = Path("out")) -> dict[str, dict[str, dict[str, object]]]:
    import json

    data: dict[str, dict[str, dict[str, object]]] = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    return data
