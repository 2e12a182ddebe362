"""`authoring validate`: the corpus of invalid forms, the set rules, exit codes and the report."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from authoring.cli.app import app
from authoring.inputs.validate import check_form, validate
from authoring.inputs.yamlsource import MAX_BYTES
from tests.conftest import DATA, FORCES, REFERENCE_FORCES

INVALID = DATA / "invalid"
runner = CliRunner()

# The scenario file, and every line `authoring validate` prints for it ({f} is its path).
CORPUS = {
    "duplicate-key.yaml": ["{f}:6:1: grade: duplicate key 'grade' (first given on line 4); give each key once"],
    "unknown-key.yaml": ["{f}:6:1: background_extar: unknown field; did you mean 'background_extra'?"],
    "approved-exceeds-applications.yaml": [
        "{f}:10:15: findings.1.approved: approved (57) cannot exceed applications (54)"
    ],
    "ongoing-exceeds-investigated.yaml": ["{f}:9:14: findings.0.ongoing: ongoing (3) cannot exceed investigated (2)"],
    "unknown-force-near-miss.yaml": ["{f}:2:8: force: unknown force 'thames-valey'; did you mean 'thames-valley'?"],
    "unknown-inspector.yaml": [
        "{f}:5:12: inspector: no inspector 'zoe-bilingham' in the campaign; it has: stephen-otter, zoe-billingham"
    ],
    "control-character.yaml": ["{f}:9:25: control character U+000B is not allowed; delete it (it corrupts Word files)"],
    "control-character-escaped.yaml": [
        "{f}:7:5: findings.0: control character U+000C is not allowed; delete it (it corrupts Word files)"
    ],
    "wrong-type.yaml": [
        "{f}:9:19: findings.1.investigated: expected a whole number such as 3 (or TODO in a draft), found 'three'"
    ],
    "missing-required-field-in-final.yaml": ["{f}:2:1: quote: required field is missing"],
    "todo-in-final.yaml": [
        "{f}:9:19: findings.1.applications: TODO left in a final form; fill it in, or set 'status: draft'",
        "{f}:12:5: quote.0: TODO left in a final form; fill it in, or set 'status: draft'",
    ],
    "merge-key.yaml": ["{f}:4:1: YAML merge keys (<<) are not allowed in forms"],
    "explicit-tag.yaml": ["{f}:9:12: YAML tag '!!int' is not allowed in forms; write the plain value"],
    "yaml-syntax-error.yaml": [
        "{f}:8:2: this line is out of line with the ones above: line it up with the field or the list item ('- ') "
        "it belongs with, using the same number of spaces"
    ],
    "not-a-mapping.yaml": ["{f}:1:1: expected fields, one per line as key: value, found a list"],
}


def _run(*args: str) -> tuple[int, list[str], str]:
    """Exit code, the problem lines (stderr), and the summary (stderr when invalid, stdout when valid)."""
    result = runner.invoke(app, ["validate", *args])
    if result.exit_code == 1:
        *problems, summary = result.stderr.splitlines()
        return result.exit_code, problems, summary + "\n"
    return result.exit_code, result.stderr.splitlines(), result.stdout


@pytest.fixture
def forms(tmp_path: Path) -> Path:
    """An empty folder of forms with the 2012 campaign in it."""
    folder = tmp_path / "forces"
    folder.mkdir()
    shutil.copy(FORCES / "campaign.yaml", folder)
    return folder


def test_every_scenario_in_the_corpus_is_pinned() -> None:
    on_disk = {p.name for p in INVALID.glob("*.yaml")} - {"bad-date.campaign.yaml"}
    assert on_disk == set(CORPUS) | {"alias-bomb.yaml"}


@pytest.mark.parametrize(("scenario", "expected"), CORPUS.items(), ids=list(CORPUS))
def test_invalid_form_prints_each_problem_at_its_line(forms: Path, scenario: str, expected: list[str]) -> None:
    shutil.copy(INVALID / scenario, forms)
    code, lines, summary = _run(f"forces/{scenario}")
    assert code == 1
    assert lines == [line.format(f=f"forces/{scenario}") for line in expected]
    problems = f"{len(expected)} problem{'s' if len(expected) > 1 else ''}"
    assert summary == f"{problems} in 1 file; 1 form and 1 campaign checked.\n"


def test_alias_bomb_is_refused_before_expansion(forms: Path) -> None:
    shutil.copy(INVALID / "alias-bomb.yaml", forms)
    code, lines, _ = _run("forces/alias-bomb.yaml")
    assert code == 1
    f = "forces/alias-bomb.yaml"
    assert lines[:3] == [
        f"{f}:6:4: YAML anchor '&a' is not allowed in forms; write the value out in full",
        f"{f}:7:4: YAML anchor '&b' is not allowed in forms; write the value out in full",
        f"{f}:7:8: YAML alias '*a' is not allowed in forms; write the value out in full",
    ]
    assert lines[-1] == f"{f}:14:12: YAML alias '*h' is not allowed in forms; write the value out in full"
    assert len(lines) == 16  # each anchor, and the first use of each alias: not 9**9 items


def test_impossible_date_in_the_campaign(forms: Path) -> None:
    shutil.copy(INVALID / "bad-date.campaign.yaml", forms / "campaign.yaml")
    shutil.copy(FORCES / "thames-valley.yaml", forms)
    code, lines, _ = _run("forces")
    assert code == 1
    assert lines == [
        "forces/campaign.yaml:8:15: release_date: not a real date (day value is outside expected range); "
        "write YYYY-MM-DD, e.g. 2012-12-11"
    ]


def test_impossible_embargo_time(forms: Path) -> None:
    campaign = forms / "campaign.yaml"
    campaign.write_text(campaign.read_text().replace("embargo: 2012-12-11 00:01", "embargo: 2012-12-11 24:01"))
    code, lines, _ = _run("forces/campaign.yaml")
    assert code == 1
    assert lines == [
        "forces/campaign.yaml:9:10: embargo: not a real date and time; write YYYY-MM-DD HH:MM, e.g. 2012-12-11 00:01"
    ]


def test_oversized_file_is_refused_unread(forms: Path) -> None:
    big = forms / "oversized.yaml"
    filler = "# padding\n" * (MAX_BYTES // 10 + 1)
    big.write_text((FORCES / "thames-valley.yaml").read_text() + filler)
    size = big.stat().st_size
    code, lines, _ = _run("forces/oversized.yaml")
    assert code == 1
    assert lines == [f"forces/oversized.yaml: file is {size:,} bytes; a form may be at most 262,144 bytes"]


def test_deep_nesting_is_refused_without_recursion(forms: Path) -> None:
    """The contract, whichever YAML library refuses first: one located problem, exit 1, no traceback."""
    (forms / "deep.yaml").write_text("findings: " + "[" * 100_000 + "]" * 100_000 + "\n")
    result = runner.invoke(app, ["validate", "forces/deep.yaml"])
    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit)  # a clean exit, not an exception escaping
    [line, _] = result.stderr.splitlines()
    assert re.fullmatch(r"forces/deep\.yaml:1:\d+: values nested more than 16 levels deep", line)


def test_not_utf8(forms: Path) -> None:
    (forms / "latin1.yaml").write_bytes("force: kent\nquote:\n  - Zoë\n".encode("latin-1"))
    code, lines, _ = _run("forces/latin1.yaml")
    assert code == 1
    assert lines == [
        'forces/latin1.yaml:3:7: the file is not UTF-8 text: the byte 0xEB here is probably "ë" saved as '
        "Windows-1252; save the file as UTF-8"
    ]


def test_all_problems_of_all_files_at_once(forms: Path) -> None:
    for name in ("approved-exceeds-applications.yaml", "unknown-key.yaml", "duplicate-key.yaml"):
        shutil.copy(INVALID / name, forms)
    shutil.copy(FORCES / "thames-valley.yaml", forms)
    code, lines, summary = _run("forces")
    assert code == 1
    first = "forces/approved-exceeds-applications.yaml"
    taken = (
        f"force: 'kent' is named by 3 forms ({first}, forces/duplicate-key.yaml and forces/unknown-key.yaml); "
        "each force may have one form only"
    )
    assert lines == [
        f"{first}:2:8: {taken}",
        f"{first}:10:15: findings.1.approved: approved (57) cannot exceed applications (54)",
        f"forces/duplicate-key.yaml:2:8: {taken}",
        "forces/duplicate-key.yaml:6:1: grade: duplicate key 'grade' (first given on line 4); give each key once",
        f"forces/unknown-key.yaml:2:8: {taken}",
        "forces/unknown-key.yaml:6:1: background_extar: unknown field; did you mean 'background_extra'?",
    ]
    assert summary == "6 problems in 3 files; 4 forms and 1 campaign checked.\n"


def test_many_problems_in_one_file_are_all_reported(forms: Path) -> None:
    (forms / "kent.yaml").write_text(
        "force: kent\n"
        "status: Final\n"
        "grdae: improvements\n"
        "inspector: Zoe\n"
        "findings:\n"
        "  - kind: second-jobs\n"
        "    applications: -1\n"
        "    approved: 2.5\n"
        "  - kind: staffing\n"
        "quote: 42\n"
    )
    code, lines, _ = _run("forces/kent.yaml")
    assert code == 1
    f = "forces/kent.yaml"
    assert lines == [
        f"{f}:1:1: grade: required field is missing",
        f"{f}:2:9: status: expected 'draft' or 'final', found 'Final'; did you mean 'final'?",
        f"{f}:3:1: grdae: unknown field; did you mean 'grade'?",
        f"{f}:4:12: inspector: expected a key: lower-case words joined by hyphens, e.g. 'zoe-billingham'; found 'Zoe'",
        f"{f}:7:19: findings.0.applications: must be 0 or more",
        f"{f}:8:15: findings.0.approved: expected a whole number such as 3 (or TODO in a draft), found the number 2.5",
        f"{f}:9:11: findings.1.kind: no kind of finding is called 'staffing'; did you mean 'anti-corruption-staffing'?",
        f"{f}:10:8: quote: expected a list (one item per line, each starting with '- '), found the number 42",
    ]


def test_each_force_in_one_form_only(forms: Path) -> None:
    shutil.copy(FORCES / "thames-valley.yaml", forms / "a.yaml")
    shutil.copy(FORCES / "thames-valley.yaml", forms / "b.yaml")
    code, lines, _ = _run("forces")
    assert code == 1
    both = "'thames-valley' is named by 2 forms (forces/a.yaml and forces/b.yaml); each force may have one form only"
    assert lines == [f"forces/a.yaml:2:8: force: {both}", f"forces/b.yaml:2:8: force: {both}"]


def test_a_file_named_twice_is_checked_once(forms: Path) -> None:
    shutil.copy(FORCES / "thames-valley.yaml", forms)
    code, lines, summary = _run("forces", "forces/thames-valley.yaml", "./forces/thames-valley.yaml")
    assert (code, lines) == (0, [])
    assert summary == "All valid: 1 form and 1 campaign checked.\n"


def test_reference_forms_are_valid() -> None:
    shutil.copytree(FORCES, "forces")
    code, lines, summary = _run()  # the default is forces/
    assert (code, lines) == (0, [])
    assert summary == "All valid: 3 forms and 1 campaign checked.\n"


def test_missing_campaign(tmp_path: Path) -> None:
    folder = tmp_path / "forms"
    folder.mkdir()
    shutil.copy(FORCES / "thames-valley.yaml", folder)
    code, lines, _ = _run("forms")
    assert code == 1
    assert lines == [
        "forms/campaign.yaml: campaign file not found; put campaign.yaml beside the forms, or name one with --campaign"
    ]


def test_campaign_option(tmp_path: Path) -> None:
    folder = tmp_path / "forms"
    folder.mkdir()
    shutil.copy(FORCES / "thames-valley.yaml", folder)
    code, lines, _ = _run("--campaign", str(FORCES / "campaign.yaml"), "forms")
    assert (code, lines) == (0, [])


def test_an_invalid_campaign_does_not_hide_the_forms_problems(forms: Path) -> None:
    shutil.copy(INVALID / "bad-date.campaign.yaml", forms / "campaign.yaml")
    shutil.copy(INVALID / "approved-exceeds-applications.yaml", forms)
    code, lines, _ = _run("forces")
    assert code == 1
    assert [line.split(": ")[1] for line in lines] == ["findings.1.approved", "release_date"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nowhere"], "Error: nowhere: no such file or folder\n"),
        (["empty"], "Error: no form files found in empty\n"),
        (
            [],
            "Error: no forces/<campaign>/campaign.yaml here or in any folder above; run authoring inside the project "
            "(the folder with forces/), or name the forms\n",
        ),
    ],
)
def test_usage_errors_exit_2(tmp_path: Path, args: list[str], message: str) -> None:
    (tmp_path / "empty").mkdir()
    result = runner.invoke(app, ["validate", *args])
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", message)


def test_unknown_option_is_a_usage_error() -> None:
    result = runner.invoke(app, ["validate", "--strict"])
    assert result.exit_code == 2
    assert "No such option: --strict" in result.stderr


def test_drafts_are_valid_and_counted(forms: Path) -> None:
    (forms / "kent.yaml").write_text(
        "force: kent\ngrade: TODO\ninspector: zoe-billingham\nfindings:\n  - TODO\n"
        "  - kind: second-jobs\n    applications: TODO\n    approved: 3\nquote:\n  - TODO ask Zoë\n"
    )
    code, lines, output = _run("forces")
    assert (code, lines) == (0, [])
    assert output.splitlines() == [
        "forces/kent.yaml:2:8: grade: TODO still to fill",
        "forces/kent.yaml:5:5: findings.0: TODO still to fill",
        "forces/kent.yaml:7:19: findings.1.applications: TODO still to fill",
        "forces/kent.yaml:10:5: quote.0: TODO still to fill: ask Zoë",
        "All valid: 1 form and 1 campaign checked (1 draft, 4 TODOs to fill).",
    ]


def test_library_report_for_a_batch(forms: Path) -> None:
    """What a batch build reuses: one check per form, with the parsed form or the problems."""
    for name in REFERENCE_FORCES:
        shutil.copy(FORCES / f"{name}.yaml", forms)
    shutil.copy(INVALID / "unknown-inspector.yaml", forms)
    report = validate([forms])
    assert not report.ok
    assert [check.ok for check in report.forms] == [True, True, True, False]
    assert [check.form.force for check in report.forms if check.form] == sorted(REFERENCE_FORCES)
    assert [str(p) for p in report.invalid_files] == [str(forms / "unknown-inspector.yaml")]
    campaign = report.campaigns[0].campaign
    assert campaign is not None
    single = check_form(forms / "thames-valley.yaml", campaign)
    assert single.ok
    assert single.force == "thames-valley"
    assert single.force_at == (2, 8)


def test_no_traceback_from_the_real_command(forms: Path) -> None:
    """The installed entry point, as a press officer runs it: message and exit code, never a traceback."""
    shutil.copy(INVALID / "bad-date.campaign.yaml", forms / "campaign.yaml")
    shutil.copy(INVALID / "control-character.yaml", forms)
    result = subprocess.run(
        [sys.executable, "-m", "authoring", "validate", "forces"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    assert result.stderr.splitlines()[:-1] == [
        "forces/campaign.yaml:8:15: release_date: not a real date (day value is outside expected range); "
        "write YYYY-MM-DD, e.g. 2012-12-11",
        "forces/control-character.yaml:9:25: control character U+000B is not allowed; "
        "delete it (it corrupts Word files)",
    ]


def test_one_form_per_force_holds_per_campaign(tmp_path: Path) -> None:
    """Two rounds, each in its own folder with its own campaign, may each have a form for a force."""
    for round_ in ("2012", "2013"):
        folder = tmp_path / round_
        folder.mkdir()
        shutil.copy(FORCES / "campaign.yaml", folder)
        shutil.copy(FORCES / "thames-valley.yaml", folder)
    assert validate([tmp_path / "2012", tmp_path / "2013"]).ok
    shutil.copy(FORCES / "thames-valley.yaml", tmp_path / "2013" / "tv-again.yaml")
    report = validate([tmp_path / "2012", tmp_path / "2013"])
    first, again = tmp_path / "2013" / "thames-valley.yaml", tmp_path / "2013" / "tv-again.yaml"
    both = f"'thames-valley' is named by 2 forms ({first} and {again}); each force may have one form only"
    assert [str(p) for p in report.problems] == [f"{first}:2:8: force: {both}", f"{again}:2:8: force: {both}"]


def test_final_flag_reports_every_draft(tmp_path: Path) -> None:
    """Before publication: `validate --final` fails while any form is still a draft."""
    folder = tmp_path / "forces"
    shutil.copytree(FORCES, folder)
    runner = CliRunner()
    assert runner.invoke(app, ["validate", "--final", str(folder)]).exit_code == 0
    form = folder / "bedfordshire.yaml"
    form.write_text(form.read_text(encoding="utf-8").replace("status: final", "status: draft"), encoding="utf-8")
    assert runner.invoke(app, ["validate", str(folder)]).exit_code == 0
    result = runner.invoke(app, ["validate", "--final", str(folder)])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{form}:3:1: status: the form is still a draft; set 'status: final' when it is ready to publish",
        "1 problem in 1 file; 3 forms and 1 campaign checked.",
    ]


def test_a_duplicate_key_or_an_escaped_control_character_hides_no_other_problem(forms: Path) -> None:
    """What YAML could still read is checked further: every mistake of the form in one run."""
    text = (FORCES / "thames-valley.yaml").read_text(encoding="utf-8")
    text = text.replace("grade: good-progress\n", "grade: good-progress\ngrade: excellent\ncolour: red\n", 1)
    text = text.replace("inspector: zoe-billingham", "inspector: nobody", 1)
    text = text.replace("findings:\n", 'findings:\n  - "bell \\a here"\n', 1)
    (forms / "thames-valley.yaml").write_text(text, encoding="utf-8")
    code, lines, summary = _run("forces/thames-valley.yaml")
    assert code == 1
    assert [line.split(": ", 2)[:2] for line in lines] == [
        ["forces/thames-valley.yaml:5:1", "grade"],
        ["forces/thames-valley.yaml:6:1", "colour"],
        ["forces/thames-valley.yaml:7:12", "inspector"],
        ["forces/thames-valley.yaml:9:5", "findings.0"],
    ]
    assert "duplicate key 'grade' (first given on line 4)" in lines[0]
    assert "control character U+0007 is not allowed" in lines[3]
    assert summary == "4 problems in 1 file; 1 form and 1 campaign checked.\n"


def test_a_misspelt_field_is_matched_with_the_fields_of_its_own_place(forms: Path) -> None:
    """'Did you mean' names a field the place may have: a finding's fields are its kind's, never another level's."""
    text = (FORCES / "thames-valley.yaml").read_text(encoding="utf-8")
    text = text.replace("grade: good-progress\n", "grade: good-progress\nkind: x\n", 1)
    text = text.replace("    cases: 7\n", "    casse: 7\n    investigated: 3\n", 1)
    (forms / "thames-valley.yaml").write_text(text, encoding="utf-8")
    code, lines, _ = _run("forces/thames-valley.yaml")
    assert code == 1
    assert lines[0] == (
        "forces/thames-valley.yaml:5:1: kind: unknown field at this place; check its indentation "
        "(fields are listed by 'authoring schema')"
    )
    fields = {line.split(": ", 2)[1]: line.split(": ", 2)[2] for line in lines}
    assert fields["findings.7.casse"] == "unknown field; did you mean 'cases'?"
    assert fields["findings.7.investigated"] == (
        "a social-media finding has no field 'investigated'; it has: cases, kind, period, potentially, referred"
    )


def test_an_unknown_campaign_field_is_not_matched_with_a_field_of_another_level(tmp_path: Path) -> None:
    folder = tmp_path / "forces"
    folder.mkdir()
    text = (FORCES / "campaign.yaml").read_text(encoding="utf-8")
    (folder / "campaign.yaml").write_text(text.replace("organisation: ", "colour: blue\norganisation: ", 1))
    code, lines, _ = _run(str(folder / "campaign.yaml"))
    assert code == 1
    assert lines[0].endswith(
        ": colour: unknown field; check its spelling (every field of a campaign file is described in "
        "docs/campaign-reference.md)"
    )


def test_an_empty_quote_closing_is_refused_not_replaced_by_the_campaigns(forms: Path) -> None:
    text = (FORCES / "thames-valley.yaml").read_text(encoding="utf-8") + "quote_closing: []\n"
    (forms / "thames-valley.yaml").write_text(text, encoding="utf-8")
    code, lines, _ = _run("forces/thames-valley.yaml")
    assert code == 1
    assert [line.split(": ", 1)[1] for line in lines] == ["quote_closing: give at least one item"]


@pytest.mark.parametrize("control", ["\u202e", "\u202d", "\u2066", "\u2069", "\u202a"])
def test_an_invisible_direction_control_is_refused_at_its_field(forms: Path, control: str) -> None:
    """U+202E would print 'evil' as 'live': no release may show text in another order than its form has it."""
    text = (FORCES / "thames-valley.yaml").read_text(encoding="utf-8")
    text = text.replace("findings:\n", f'findings:\n  - "{control}evil is here"\n', 1)
    (forms / "thames-valley.yaml").write_text(text, encoding="utf-8")
    code, lines, _ = _run("forces/thames-valley.yaml")
    assert code == 1
    assert len(lines) == 1
    assert lines[0].startswith(
        f"forces/thames-valley.yaml:7:5: findings.0: the invisible character U+{ord(control):04X} ("
    )
    assert lines[0].endswith("would print this text in another order than it is written; delete it")
