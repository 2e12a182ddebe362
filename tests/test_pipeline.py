"""The pipeline's structure: formats are registered renderers, the templates folder is passed
down, and ``build`` and ``batch`` load their forms through one function."""

from __future__ import annotations

import hashlib
import importlib
import json
import re
import shutil
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

import authoring
from authoring import render as render_package
from authoring.build.batch import BuildStatus, run_batch
from authoring.build.pipeline import build, load
from authoring.cli.app import app
from authoring.exceptions import InvalidInputError, UsageError
from authoring.fonts import font_dirs
from authoring.render import ALL_FORMATS, Format, formats, register, renderer, unregister
from authoring.render.assets import allowed_roots
from authoring.render.environment import Templates, shipped_templates
from tests.batch_helpers import STEMS, edit
from tests.outputs import release

PACKAGE = Path(authoring.__file__).parent

#: A whole output format in one module, as a plug-in or a new file in authoring/render/ would be.
TXT_MODULE = '''
"""Plain text: the Markdown, with a line on top (made from the Markdown, as the PDF is from the HTML)."""

from collections.abc import Mapping

from authoring.model.release import Release
from authoring.render import Format, Renderer, register
from authoring.render.environment import Templates


class TextRenderer(Renderer):
    format = Format("txt")
    extension = "txt"
    needs = (Format.MD,)

    def render(self, release: Release, templates: Templates, needed: Mapping[Format, bytes]) -> bytes:
        return f"PLAIN TEXT of {release.force.slug}\\n".encode() + needed[Format.MD]


register(TextRenderer())
'''


@pytest.fixture
def txt_format(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Format]:
    """The ``txt`` format, registered by a module written for the test (and removed after it)."""
    plugins = tmp_path / "plugins"
    plugins.mkdir()
    (plugins / "txt_format.py").write_text(textwrap.dedent(TXT_MODULE), encoding="utf-8")
    monkeypatch.syspath_prepend(str(plugins))
    importlib.import_module("txt_format")
    yield Format("txt")
    unregister("txt")
    sys.modules.pop("txt_format", None)


def test_a_format_added_in_one_module_is_built_by_build(forces_copy: Path, txt_format: Format) -> None:
    assert formats() == (*ALL_FORMATS, txt_format)

    (built, *_) = build([forces_copy / "thames-valley.yaml"], out_dir=Path("out"), formats=[txt_format])

    path = Path("out/thames-valley") / f"{STEMS['thames-valley']}.txt"
    assert built.files == (path,)
    markdown = render_package.render(built.release, [Format.MD])[Format.MD]
    assert path.read_bytes() == b"PLAIN TEXT of thames-valley\n" + markdown
    assert sorted(p.name for p in Path("out/thames-valley").iterdir()) == [path.name]  # the Markdown is not written


def test_a_format_added_in_one_module_is_built_by_a_batch_and_recorded(forces_copy: Path, txt_format: Format) -> None:
    report = run_batch([forces_copy], out_dir=Path("out"), formats=[Format.MD, txt_format], jobs=2)

    assert [outcome.status for outcome in report.outcomes] == [BuildStatus.BUILT] * 3
    for slug, stem in STEMS.items():
        text = (Path("out") / slug / f"{stem}.txt").read_bytes()
        assert text == f"PLAIN TEXT of {slug}\n".encode() + (Path("out") / slug / f"{stem}.md").read_bytes()
    entries = json.loads(Path("out/manifest.json").read_text(encoding="utf-8"))["releases"].values()
    assert [list(entry["files"]) for entry in entries] == [["md", "txt"]] * 3
    again = run_batch([forces_copy], out_dir=Path("out"), formats=[Format.MD, txt_format], jobs=2)
    assert [outcome.status for outcome in again.outcomes] == [BuildStatus.UNCHANGED] * 3


def test_a_format_added_in_one_module_is_a_choice_of_the_cli(forces_copy: Path, txt_format: Format) -> None:
    result = CliRunner().invoke(app, ["build", str(forces_copy / "bedfordshire.yaml"), "-f", "txt", "-o", "out"])

    assert result.exit_code == 0, result.output
    assert result.stdout == f"out/bedfordshire/{STEMS['bedfordshire']}.txt\n"
    wrong = CliRunner().invoke(app, ["build", str(forces_copy), "-f", "rtf"])
    assert wrong.exit_code == 2
    assert "choose from docx, html, pdf, md, txt (comma-separated); got 'rtf'" in wrong.stderr


def test_the_shipped_formats_are_renderers_in_build_order() -> None:
    assert [str(fmt) for fmt in ALL_FORMATS] == ["docx", "html", "pdf", "md"]
    assert [renderer(fmt).extension for fmt in ALL_FORMATS] == ["docx", "html", "pdf", "md"]
    assert renderer(Format.PDF).needs == (Format.HTML,)
    assert [type(renderer(fmt)).__module__ for fmt in ALL_FORMATS] == [
        f"authoring.render.{name}" for name in render_package.BUILTIN
    ]


def test_what_a_format_is_made_from_is_made_first_and_warmed_up_before_the_workers_fork() -> None:
    """A PDF-only batch warms up the page's renderer too: its template is compiled once, not in each worker."""
    assert render_package.making([Format.PDF]) == (Format.HTML, Format.PDF)
    assert render_package.making([Format.MD, Format.DOCX]) == (Format.DOCX, Format.MD)
    assert [fmt for fmt in render_package.making([Format.PDF]) if renderer(fmt).warms_up] == [Format.HTML, Format.PDF]
    templates = Templates.at(shipped_templates())
    renderer(Format.HTML).warm_up(templates)
    assert templates.html.cache is not None
    assert any(name == "html/release.html.j2" for _, name in templates.html.cache)


def test_a_format_cannot_be_registered_twice_or_before_what_it_needs() -> None:
    with pytest.raises(ValueError, match="the format 'pdf' is already registered"):
        register(type(renderer(Format.PDF))())

    class Orphan(type(renderer(Format.MD))):  # type: ignore[misc]
        format = Format("orphan")
        needs = (Format("nothing"),)

    with pytest.raises(ValueError, match="'orphan' needs nothing, which no renderer makes"):
        register(Orphan())
    assert "orphan" not in formats()
    with pytest.raises(ValueError, match="no renderer makes the format 'rtf'"):
        render_package.render(release("bedfordshire", "final"), [Format("rtf")])


@pytest.mark.parametrize(
    "module", ["build/pipeline.py", "build/batch.py", "build/workers.py", "build/manifest.py", "cli/app.py"]
)
def test_the_pipeline_names_no_format(module: str) -> None:
    source = (PACKAGE / module).read_text(encoding="utf-8")

    assert not re.search(r"Format\.(DOCX|HTML|PDF|MD)\b|render_(docx|html|markdown|pdf)\b", source)


# --- The templates folder -------------------------------------------------------------------


def test_the_library_never_reads_the_environment() -> None:
    readers = [
        path.relative_to(PACKAGE).as_posix()
        for path in sorted(PACKAGE.rglob("*.py"))
        if re.search(r"\bos\.environ\b|\bgetenv\(", path.read_text(encoding="utf-8"))
    ]

    assert readers == ["cli/app.py"]


def test_a_templates_folder_is_given_not_found_in_the_environment(
    forces_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    copy = shutil.copytree(shipped_templates(), tmp_path / "my-templates")
    edit(copy / "markdown/release.md.j2", "{{ release.headline }}", "{{ release.headline }} (from the copy)")
    monkeypatch.setenv("AUTHORING_TEMPLATES", str(copy))
    form = forces_copy / "kent.yaml"
    shutil.copy(forces_copy / "thames-valley.yaml", form)
    edit(form, "force: thames-valley", "force: kent")

    (usual,) = build([form], out_dir=Path("usual"), formats=[Format.MD])
    (copied,) = build([form], out_dir=Path("copied"), formats=[Format.MD], templates=Templates.at(copy))

    assert "(from the copy)" not in usual.files[0].read_text(encoding="utf-8")  # the library ignores the variable
    assert "(from the copy)" in copied.files[0].read_text(encoding="utf-8")
    cli = CliRunner().invoke(app, ["build", str(form), "-f", "md", "-o", "cli"])  # the CLI reads it
    assert cli.exit_code == 0, cli.output
    assert "(from the copy)" in Path(cli.stdout.strip()).read_text(encoding="utf-8")


def test_templates_are_made_once_per_folder(tmp_path: Path) -> None:
    copy = shutil.copytree(shipped_templates(), tmp_path / "copy")

    assert Templates.at() is Templates.at(shipped_templates())
    assert Templates.at(copy) is Templates.at(tmp_path / "." / "copy")
    assert Templates.at(copy).html is Templates.at(copy).html
    assert Templates.at(copy).html is not Templates.at().html
    assert allowed_roots(Templates.at(copy)) == (copy.resolve() / "html", *font_dirs())  # the copy's assets
    assert allowed_roots() == (shipped_templates() / "html", *font_dirs())
    with pytest.raises(UsageError, match=re.escape(f"templates folder {tmp_path / 'nowhere'}: no such folder")):
        Templates.at(tmp_path / "nowhere")


# --- One way in for build and batch ---------------------------------------------------------


def test_build_and_batch_find_the_same_problems(forces_copy: Path) -> None:
    edit(forces_copy / "thames-valley.yaml", "grade: good-progress", "grade: excellent")
    copied = forces_copy / "surrey.yaml"
    shutil.copy(forces_copy / "bedfordshire.yaml", copied)  # a copy that claims another force: both fail

    with pytest.raises(InvalidInputError) as raised:
        build([forces_copy], out_dir=Path("out"))
    report = run_batch([forces_copy], out_dir=Path("out"), formats=[Format.MD], jobs=1)

    assert not Path("out/bedfordshire").exists()
    failed = {outcome.form.name for outcome in report.of(BuildStatus.FAILED)}
    assert failed == {"thames-valley.yaml", "bedfordshire.yaml", "surrey.yaml"}
    assert [outcome.form.name for outcome in report.of(BuildStatus.BUILT)] == ["british-transport-police.yaml"]
    batch_problems = sorted(
        (p for outcome in report.of(BuildStatus.FAILED) for p in outcome.problems),
        key=lambda p: (str(p.path), p.line or 0, p.column or 0),
    )
    assert [str(p) for p in batch_problems] == [str(p) for p in raised.value.problems]


def test_build_and_batch_check_forms_against_an_invalid_campaigns_words_alike(forces_copy: Path) -> None:
    edit(forces_copy / "campaign.yaml", "release_date: 2012-12-11", "release_date: 2012-13-11")
    edit(forces_copy / "thames-valley.yaml", "grade: good-progress", "grade: excellent")

    with pytest.raises(InvalidInputError) as raised:
        build([forces_copy], out_dir=Path("out"))
    report = run_batch([forces_copy], out_dir=Path("out"), formats=[Format.MD], jobs=1)

    assert [str(p) for p in raised.value.problems] == [
        f"{forces_copy}/campaign.yaml:8:15: release_date: not a real date (month value is outside expected range "
        "of 1-12); write YYYY-MM-DD, e.g. 2012-12-11",
        f"{forces_copy}/thames-valley.yaml:4:8: grade: expected 'good-progress', 'some-improvements' or "
        "'improvements', found 'excellent'",
    ]
    assert {str(p) for outcome in report.outcomes for p in outcome.problems} == {str(p) for p in raised.value.problems}
    assert [outcome.status for outcome in report.outcomes] == [BuildStatus.FAILED] * 3


def test_what_is_loaded_is_what_was_read_and_what_a_batch_hashes(forces_copy: Path) -> None:
    report, loaded = load([forces_copy / "bedfordshire.yaml", forces_copy / "thames-valley.yaml"])

    assert report.ok
    assert [item.check.source for item in loaded] == [
        (forces_copy / "bedfordshire.yaml").read_bytes(),
        (forces_copy / "thames-valley.yaml").read_bytes(),
    ]
    assert {item.campaign.source for item in loaded} == {(forces_copy / "campaign.yaml").read_bytes()}
    assert [item.release.force.slug for item in loaded if item.release] == ["bedfordshire", "thames-valley"]
    run_batch([forces_copy], out_dir=Path("out"), formats=[Format.MD], jobs=1)
    entries = json.loads(Path("out/manifest.json").read_text(encoding="utf-8"))["releases"]
    form_hashes = {key.rsplit("/", 1)[1]: entry["inputs"]["form"] for key, entry in entries.items()}
    assert form_hashes["bedfordshire.yaml"] == hashlib.sha256(loaded[0].check.source).hexdigest()
