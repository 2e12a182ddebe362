"""Characters no shipped font can print are found when a file is read, with the field, line and column."""

from __future__ import annotations

from pathlib import Path

from authoring.inputs.printable import unprintable
from authoring.inputs.yamlsource import load_yaml
from tests.conftest import FORCES, REFERENCE_FORCES

FORM = """\
force: thames-valley
status: final
findings:
  - Plain text, then a smile 😀 here.
  - >-
    A folded finding whose second line
    names 東京 and 😀 too.
  - {kind: media-disclosures, investigated: 3, ongoing: 1}
  - "An escape: \\U0001F600"
quote:
  - Tŷ dŵr Łukasz Dvořák Nguyễn Σοφία Ольга  # 😀 in a comment is never printed
"""
SMILE = "'😀' (U+1F600 GRINNING FACE)"
TOKYO = "'東' (U+6771 CJK UNIFIED IDEOGRAPH-6771), '京' (U+4EAC CJK UNIFIED IDEOGRAPH-4EAC)"


def test_each_value_with_unprintable_characters_is_one_problem_at_the_first_of_them(tmp_path: Path) -> None:
    form = tmp_path / "thames-valley.yaml"
    form.write_text(FORM, encoding="utf-8")
    assert [str(problem) for problem in unprintable(load_yaml(form))] == [
        f"{form}:4:30: findings.0: the character {SMILE} cannot be printed in the PDF "
        "(neither Atkinson Hyperlegible nor Fira Sans has it); replace it or leave it out",
        f"{form}:7:11: findings.1: the characters {TOKYO} and {SMILE} cannot be printed in the PDF "
        "(neither Atkinson Hyperlegible nor Fira Sans has them); replace them or leave them out",
        # Written as an escape, the character is not in the file: the value's own position.
        f"{form}:9:5: findings.3: the character {SMILE} cannot be printed in the PDF "
        "(neither Atkinson Hyperlegible nor Fira Sans has it); replace it or leave it out",
    ]


def test_latin_greek_and_cyrillic_names_and_the_reference_files_are_printable(tmp_path: Path) -> None:
    form = tmp_path / "form.yaml"
    form.write_text("quote:\n  - Tŷ dŵr Łukasz Dvořák Nguyễn Σοφία Ольга, Zoë “quoted” – £10\n", encoding="utf-8")
    assert unprintable(load_yaml(form)) == []
    for name in (*REFERENCE_FORCES, "campaign"):
        assert unprintable(load_yaml(FORCES / f"{name}.yaml")) == [], name


def test_a_campaign_value_is_located_in_the_campaign_file(tmp_path: Path) -> None:
    campaign = tmp_path / "campaign.yaml"
    campaign.write_text(
        "notes:\n  - First note.\n  - |\n    Second note, first line;\n    then 🚓 on the second.\n",
        encoding="utf-8",
    )
    [problem] = unprintable(load_yaml(campaign))
    assert (problem.path, problem.line, problem.column, problem.field) == (campaign, 5, 10, "notes.1")
    assert problem.message.startswith("the character '🚓' (U+1F693 POLICE CAR) cannot be printed")
