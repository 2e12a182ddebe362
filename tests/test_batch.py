"""`authoring batch`: every form built, bad ones reported, only what changed rebuilt, same bytes every time."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from authoring import __version__
from authoring.build.pipeline import build
from authoring.inputs.load import form_files
from authoring.render.environment import shipped_templates
from tests.batch_helpers import (
    OUT,
    STEMS,
    batch,
    edit,
    files,
    manifest,
    mtimes,
    release_files,
    statuses,
    summary_row,
)
from tests.readback import docx_text, html_text, markdown_text, pdf_text

ALL = set(STEMS)


@pytest.mark.usefixtures("forces_copy")
def test_builds_every_form_in_four_formats() -> None:
    result = batch()

    assert result.exit_code == 0, result.output
    assert summary_row(result)[:3] == ["3", "0", "0"]
    assert statuses() == dict.fromkeys(ALL, "built")
    built = release_files("thames-valley")
    assert "Thames Valley Police has made good progress" in docx_text(built["docx"])
    assert "Thames Valley Police has made good progress" in html_text(built["html"])
    assert "Thames Valley Police has made good progress" in pdf_text(built["pdf"])
    assert "Thames Valley Police has made good progress" in markdown_text(built["md"])
    lines = set(result.stdout.splitlines())
    assert "3 forms: 3 to build, 0 unchanged (2 workers)" in lines
    assert {line.split("] ", 1)[1] for line in lines if line.startswith("[")} == {
        f"built {slug} (forces/{slug}.yaml): new release" for slug in ALL
    }


def test_bad_form_is_reported_and_the_others_are_built(forces_copy: Path) -> None:
    assert batch().exit_code == 0
    older = release_files("thames-valley")
    edit(forces_copy / "thames-valley.yaml", "grade: good-progress", "grade: excellent")
    edit(forces_copy / "bedfordshire.yaml", "applications: 54", "applications: 55")

    result = batch()

    assert result.exit_code == 1
    assert result.stderr.startswith("forces/thames-valley.yaml:4:8: grade: ")
    assert "'good-progress'" in result.stderr
    assert summary_row(result)[:3] == ["1", "1", "1"]
    assert "Failed (their older files, if any, are kept): forces/thames-valley.yaml" in result.stderr
    assert release_files("thames-valley") == older
    assert "55 applications" in markdown_text(release_files("bedfordshire")["md"])
    assert statuses() == {"bedfordshire": "built", "british-transport-police": "unchanged", "thames-valley": "failed"}
    entry = manifest()["releases"]["forces/thames-valley.yaml"]
    assert entry["problems"] == [result.stderr.splitlines()[0]]
    assert {record["sha256"] for record in entry["files"].values()} == {
        hashlib.sha256(data).hexdigest() for data in older.values()
    }


def test_bad_form_in_a_fresh_folder_leaves_nothing_of_it(forces_copy: Path) -> None:
    edit(forces_copy / "bedfordshire.yaml", "approved: 51", "approved: 60")

    result = batch()

    assert result.exit_code == 1
    assert result.stderr.startswith("forces/bedfordshire.yaml:")
    assert "approved (60) cannot exceed applications (54)" in result.stderr
    assert not (OUT / "bedfordshire").exists()
    assert statuses() == {None: "failed", "british-transport-police": "built", "thames-valley": "built"}


def test_bad_campaign_fails_every_form_and_is_reported_once(forces_copy: Path) -> None:
    edit(forces_copy / "campaign.yaml", "release_date: 2012-12-11", "release_date: someday")

    result = batch()

    assert result.exit_code == 1
    assert result.stderr.count("forces/campaign.yaml:") == 1
    assert "forces/campaign.yaml:8:15: release_date: " in result.stderr
    assert summary_row(result)[:3] == ["0", "0", "3"]
    assert not any(OUT.glob("*/*"))


def test_a_copied_form_replaces_no_release_and_both_are_reported(forces_copy: Path) -> None:
    """Issue 8.2: `cp thames-valley.yaml surrey.yaml`, a figure changed, `force:` left as it was."""
    assert batch().exit_code == 0
    before = files()
    copy = forces_copy / "surrey.yaml"
    shutil.copy(forces_copy / "thames-valley.yaml", copy)
    edit(copy, "applications: 129", "applications: 999")

    result = batch()

    assert result.exit_code == 1
    both = "'thames-valley' is named by 2 forms (forces/surrey.yaml and forces/thames-valley.yaml)"
    assert result.stderr.splitlines() == [
        f"forces/surrey.yaml:2:8: force: {both}; each force may have one form only",
        "forces/surrey.yaml:2:8: force: the file is named after 'surrey' but is the form of 'thames-valley'; "
        "rename the file, or correct 'force'",
        f"forces/thames-valley.yaml:2:8: force: {both}; each force may have one form only",
        "Failed (their older files, if any, are kept): forces/surrey.yaml, forces/thames-valley.yaml",
    ]
    assert summary_row(result)[:3] == ["0", "2", "2"]
    assert {path: data for path, data in files().items() if path != "manifest.json"} == {
        path: data for path, data in before.items() if path != "manifest.json"
    }
    assert not (OUT / "surrey").exists()
    assert statuses()["thames-valley"] == "failed"


def test_folder_without_forms_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()

    result = batch("empty")

    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "empty: no form files (*.yaml besides campaign.yaml) here",
        "1 problem found; nothing was written.",
    ]


def test_missing_folder_is_a_usage_error() -> None:
    result = batch("nowhere")

    assert result.exit_code == 2
    assert "'nowhere' does not exist" in result.stderr
    assert not OUT.exists()


@pytest.mark.usefixtures("forces_copy")
def test_second_run_rebuilds_nothing() -> None:
    assert batch().exit_code == 0
    before, times = files(), mtimes()

    result = batch("forces", "./forces")  # a folder named twice counts once

    assert result.exit_code == 0
    assert "3 forms: 0 to build, 3 unchanged" in result.stdout
    assert summary_row(result)[:3] == ["0", "3", "0"]
    assert mtimes() == times
    assert files() == before | {"manifest.json": files()["manifest.json"]}
    assert statuses() == dict.fromkeys(ALL, "unchanged")


def test_changing_one_form_rebuilds_only_that_force(forces_copy: Path) -> None:
    assert batch().exit_code == 0
    times = mtimes()
    edit(forces_copy / "bedfordshire.yaml", "cases: 5", "cases: 6")

    result = batch()

    assert result.exit_code == 0
    assert summary_row(result)[:3] == ["1", "2", "0"]
    changed = {path for path, mtime in mtimes().items() if mtime != times[path]}
    assert changed == {f"bedfordshire/{STEMS['bedfordshire']}.{ext}" for ext in ("docx", "html", "pdf", "md")}
    assert "six cases" in markdown_text(release_files("bedfordshire")["md"])


def test_touching_without_changing_rebuilds_nothing(forces_copy: Path) -> None:
    assert batch().exit_code == 0
    (forces_copy / "bedfordshire.yaml").touch()

    assert summary_row(batch())[:3] == ["0", "3", "0"]


def test_changing_the_campaign_rebuilds_all(forces_copy: Path) -> None:
    assert batch().exit_code == 0
    edit(forces_copy / "campaign.yaml", "phone: 0203 513 0600", "phone: 0203 513 0601")

    result = batch()

    assert summary_row(result)[:3] == ["3", "0", "0"]
    for slug in ALL:
        assert "0203 513 0601" in markdown_text(release_files(slug)["md"])


@pytest.mark.parametrize(
    ("template", "old", "new", "shows_in"),
    [
        ("markdown/release.md.j2", "{{ release.headline }}", "{{ release.headline }} (changed)", "md"),
        ("html/release.css", "h1 { font-size: 19pt;", "h1 { font-size: 20pt;", None),
    ],
)
@pytest.mark.usefixtures("forces_copy")
def test_changing_a_template_or_asset_rebuilds_all(
    tmp_path: Path, template: str, old: str, new: str, shows_in: str | None
) -> None:
    copy = tmp_path / "my-templates"
    shutil.copytree(shipped_templates(), copy)
    assert batch().exit_code == 0
    assert summary_row(batch("--templates", copy))[:3] == ["0", "3", "0"]  # an identical copy changes nothing
    edit(copy / template, old, new)

    result = batch(env={"AUTHORING_TEMPLATES": str(copy)})

    assert result.exit_code == 0, result.output
    assert summary_row(result)[:3] == ["3", "0", "0"]
    if shows_in:
        assert "(changed)" in release_files("thames-valley")[shows_in].decode()


def test_a_missing_or_edited_output_file_is_rebuilt(forces_copy: Path) -> None:
    assert batch().exit_code == 0
    good = release_files("thames-valley")
    (OUT / "thames-valley" / f"{STEMS['thames-valley']}.pdf").unlink()
    (OUT / "bedfordshire" / f"{STEMS['bedfordshire']}.md").write_text("edited by hand")
    times = mtimes()

    result = batch()

    assert summary_row(result)[:3] == ["2", "1", "0"]
    assert release_files("thames-valley") == good
    assert (OUT / "bedfordshire" / f"{STEMS['bedfordshire']}.md").read_text() != "edited by hand"
    rewritten = {path for path, mtime in mtimes().items() if mtime != times.get(path)}
    assert rewritten == {f"thames-valley/{STEMS['thames-valley']}.pdf", f"bedfordshire/{STEMS['bedfordshire']}.md"}


@pytest.mark.usefixtures("forces_copy")
def test_force_rebuilds_all() -> None:
    assert batch().exit_code == 0

    assert summary_row(batch("--force"))[:3] == ["3", "0", "0"]


@pytest.mark.usefixtures("forces_copy")
def test_a_new_format_builds_only_that_format() -> None:
    assert batch("--format", "md,html").exit_code == 0
    times = mtimes()

    result = batch()

    assert summary_row(result)[:3] == ["3", "0", "0"]
    assert {path for path, mtime in mtimes().items() if path in times and mtime != times[path]} == set()
    assert {path.rsplit(".", 1)[1] for path in mtimes()} == {"docx", "html", "pdf", "md"}


def test_same_inputs_give_the_same_bytes(forces_copy: Path) -> None:
    assert batch("--out", "first", "--jobs", "1").exit_code == 0
    assert batch("--out", "second", "--jobs", "2").exit_code == 0
    build(form_files(forces_copy), out_dir=Path("single"))

    first, second = files(Path("first")), files(Path("second"))
    releases = {path: data for path, data in first.items() if not path.startswith("national/")}
    assert len(releases) == 3 * 4 + 1
    assert first == second  # the national release (docs/national.md) too
    assert {path: data for path, data in releases.items() if path != "manifest.json"} == files(Path("single"))


@pytest.mark.usefixtures("forces_copy")
def test_manifest_lists_every_file_with_size_and_sha256() -> None:
    assert batch().exit_code == 0

    data = manifest()

    assert data["manifest_version"] == 1
    assert data["toolkit_version"] == __version__
    assert sorted(data["releases"]) == [f"forces/{slug}.yaml" for slug in sorted(ALL)]
    for entry in data["releases"].values():
        assert entry["status"] == "built"
        assert entry["toolkit_version"] == __version__
        assert entry["problems"] == []
        assert len(entry["input_hash"]) == 64
        assert list(entry["files"]) == ["docx", "html", "pdf", "md"]
        for record in entry["files"].values():
            data_on_disk = (OUT / record["path"]).read_bytes()
            assert record["size"] == len(data_on_disk)
            assert record["sha256"] == hashlib.sha256(data_on_disk).hexdigest()
            assert record["input_hash"] == entry["input_hash"]
    assert len({entry["input_hash"] for entry in data["releases"].values()}) == 3


def test_a_broken_template_fails_every_release_and_keeps_older_files(forces_copy: Path, tmp_path: Path) -> None:
    assert batch().exit_code == 0
    before = files()
    copy = tmp_path / "broken-templates"
    shutil.copytree(shipped_templates(), copy)
    edit(copy / "markdown/release.md.j2", "{{ release.headline }}", "{{ release.no_such_field }}")

    result = batch("--templates", copy)

    assert result.exit_code == 1
    assert summary_row(result)[:3] == ["0", "0", "3"]
    for slug in ALL:
        assert f"forces/{slug}.yaml: template markdown/release.md.j2, line " in result.stderr
    assert "no_such_field" in result.stderr
    assert {path: data for path, data in files().items() if path != "manifest.json"} == {
        path: data for path, data in before.items() if path != "manifest.json"
    }
    assert statuses() == dict.fromkeys(ALL, "failed")
