"""Two rounds in one project, set up as data: the example value-for-money round needs nothing of the toolkit's own.

The repository's forces/ holds the 2012 round and an invented value-for-money round with
its own verdicts, kinds of finding (money, percentages, counts, dates, choices, yes/no),
attribution and notes heading. ``authoring batch`` with no argument builds both.
"""

from __future__ import annotations

import ast
import json
import shutil
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from authoring.cli.app import app
from tests.conftest import ROOT
from tests.readback import docx_text, html_text, markdown_text, normalise, pdf_text

runner = CliRunner()
VFM = "value-for-money-2013"
STEM = "2013-07-18-kent-police-value-for-money-in-policing-2013-example"


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the repository's forces/, batch-built with no argument, as a press officer would."""
    root = tmp_path_factory.mktemp("project")
    shutil.copytree(ROOT / "forces", root / "forces")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(root)
        result = runner.invoke(app, ["batch", "--jobs", "2"])
    assert result.exit_code == 0, result.output
    return root


def test_batch_with_no_argument_builds_every_campaign(project: Path) -> None:
    built = sorted(path.relative_to(project / "output").as_posix() for path in (project / "output").glob("*/*.md"))
    assert built == [
        "bedfordshire/2012-12-11-bedfordshire-police-revisiting-police-relationships.md",
        "british-transport-police/2012-12-11-british-transport-police-revisiting-police-relationships.md",
        "dyfed-powys/2013-07-18-dyfed-powys-police-value-for-money-in-policing-2013-example-cy.md",  # bilingual
        "dyfed-powys/2013-07-18-dyfed-powys-police-value-for-money-in-policing-2013-example.md",
        f"kent/{STEM}.md",
        "metropolitan/2013-07-18-metropolitan-police-service-value-for-money-in-policing-2013-example.md",
        "thames-valley/2012-12-11-thames-valley-police-revisiting-police-relationships.md",
    ]


SAYS = [
    "Kent Police is good at getting value for money, example inspection finds",
    "HMIC's value for money profile of Kent Police shows:",
    "In 2013/14 the force plans to spend £282m, which per head of population is less than the average for "
    "forces in England and Wales.",
    "The force must save £54.8m between March 2011 and March 2015 (16.5% of its 2010/11 budget) and has already "
    "found all of this.",
    "The force plans to have 3,353 police officers by March 2015, 497 fewer than in March 2010, with 89% of them "
    "on the front line.",
    "Recorded crime has fallen by 12.5% since 1 April 2010, and the force publishes its crime figures every month.",
    "Alex Morgan QPM, the inspector who led this example round, said:",
    "Notes for editors",
    "This release is an EXAMPLE.",
]


@pytest.mark.parametrize("suffix", [".docx", ".pdf", ".html", ".md"])
def test_the_second_round_says_its_own_words_in_every_format(project: Path, suffix: str) -> None:
    readers = {".docx": docx_text, ".pdf": pdf_text, ".html": html_text, ".md": markdown_text}
    text = readers[suffix]((project / "output" / "kent" / f"{STEM}{suffix}").read_bytes())
    for sentence in SAYS:
        assert normalise(sentence) in text, (suffix, sentence)
    assert "Notes to editors" not in text
    assert "HM Inspector of Constabulary for the" not in text  # the 2012 round's attribution


def test_a_draft_of_the_second_round_shows_its_gaps(project: Path) -> None:
    name = "2013-07-18-metropolitan-police-service-value-for-money-in-policing-2013-example.md"
    text = (project / "output" / "metropolitan" / name).read_text(encoding="utf-8")
    assert text.startswith("---\nlang: en-GB\n---\n\n**DRAFT — NOT FOR PUBLICATION**\n")
    assert "In 2013/14 the force plans to spend £2.4bn, which per head of population is about the same as" in text
    assert "\\[TODO: savings finding, identified — figures from the force's finance team\\]" in text


def test_the_schema_of_each_round_has_its_own_verdicts_and_kinds() -> None:
    def schema(folder: str) -> dict[str, object]:
        result = runner.invoke(app, ["schema", str(ROOT / "forces" / folder)])
        assert result.exit_code == 0, result.output
        loaded: dict[str, object] = json.loads(result.stdout)
        return loaded

    vfm, reference = json.dumps(schema(VFM)), json.dumps(schema("revisiting-police-relationships-2012"))
    assert '"requires-improvement"' in vfm
    assert '"good-progress"' not in vfm
    assert '"good-progress"' in reference
    assert '"savings"' in vfm
    assert '"second-jobs"' not in vfm


def test_several_campaigns_and_no_campaign_named_is_a_usage_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    result = runner.invoke(app, ["new", "kent"])
    assert (result.exit_code, result.stderr) == (
        2,
        "Error: name the campaign folder with --campaign; the project has: "
        "forces/revisiting-police-relationships-2012, forces/value-for-money-2013\n",
    )


# Words of a round, or of the press office, that must never be written into the toolkit or the shared templates.
ROUND_WORDS = (
    "HMIC",
    "Inspector of Constabulary",
    "Facebook",
    ", said:",
    "The full report",
    "Press release",
    "press release ·",
    "NOT FOR PUBLICATION",
    "Notes to editors",
    "EMBARGOED",
    "integrity",
)


def _strings(source: str) -> str:
    """The string constants of Python ``source`` that are not docstrings (the words it could print)."""
    tree = ast.parse(source)
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
    }
    constants = [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
    ]
    return "\n".join(constants)


def test_no_wording_of_any_round_is_left_in_the_toolkit_or_the_templates() -> None:
    sources = {path: _strings(path.read_text(encoding="utf-8")) for path in (ROOT / "authoring").rglob("*.py")}
    for path in (ROOT / "templates").rglob("*"):
        if path.suffix in (".j2", ".css"):
            sources[path] = path.read_text(encoding="utf-8")
        elif path.suffix == ".py":
            sources[path] = _strings(path.read_text(encoding="utf-8"))
    with zipfile.ZipFile(ROOT / "templates" / "docx" / "release.docx") as docx:
        for name in docx.namelist():
            if name.endswith(".xml"):
                sources[ROOT / "templates" / "docx" / "release.docx" / name] = docx.read(name).decode("utf-8")
    found = [
        (str(path.relative_to(ROOT)), word) for path, text in sources.items() for word in ROUND_WORDS if word in text
    ]
    assert found == []


def test_money_with_a_fraction_of_a_penny_is_refused_at_its_line(tmp_path: Path) -> None:
    folder = tmp_path / VFM
    shutil.copytree(ROOT / "forces" / VFM, folder)
    form = folder / "kent.yaml"
    form.write_text(form.read_text(encoding="utf-8").replace("budget: 282400000", "budget: 0.004"), encoding="utf-8")
    result = runner.invoke(app, ["validate", str(form)])
    assert result.exit_code == 1
    assert ": findings.0.budget: write pounds and pence, at most two figures after the point (e.g. 1250.50)" in (
        result.stderr
    )


def test_schema_with_several_campaigns_says_how_it_takes_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    result = runner.invoke(app, ["schema"])
    assert (result.exit_code, result.stderr) == (
        2,
        "Error: name the campaign folder after the command: authoring schema FOLDER; the project has: "
        "forces/revisiting-police-relationships-2012, forces/value-for-money-2013\n",
    )
