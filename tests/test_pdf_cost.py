"""What makes a PDF or DOCX cheaper must not change it: the parsed stylesheet, compression, warm-up, ZIP stamps.

The PDF renderer parses the house stylesheet once per process and gives WeasyPrint the
page without its ``<style>`` element; a page whose stylesheet is not the house one is
printed as it is. Both must print the same PDF. (How much CPU this saves is measured
by benchmarks/pdf_peer_benchmark.py, not asserted here.)
"""

from __future__ import annotations

import io
import re
import shutil
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

import pikepdf
import pypdf
import pytest

from authoring.build.pipeline import load_releases
from authoring.fonts import font_dirs
from authoring.registry import forces
from authoring.render import Format, environment
from authoring.render.docx import render_docx
from authoring.render.html import render_html
from authoring.render.pdf import render_pdf
from tests.batch_helpers import batch, summary_row
from tests.conftest import FORCES, REFERENCE_FORCES, ROOT
from tests.outputs import STATUSES, form_copy, release, rendered

A4_WIDTH = 595.28  # points
EMBEDDED = "<style>\n{{ stylesheet }}\n</style>"


def without_identifier(pdf: bytes) -> bytes:
    """The PDF with its identifier (a hash of the HTML it was printed from) blanked."""
    blanked, count = re.subn(rb"/ID \[\([0-9a-f]{32}\) \([0-9a-f]{32}\)\]", b"/ID []", pdf)
    assert count == 1
    return blanked


@pytest.fixture
def templates_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of templates/ that the toolkit uses instead of the real one."""
    copy = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", copy)
    monkeypatch.setattr(environment, "_PACKAGE_TEMPLATES", copy)
    return copy


@pytest.mark.parametrize("status", STATUSES)
def test_the_parsed_stylesheet_prints_the_same_pdf_as_the_page_as_it_is(templates_copy: Path, status: str) -> None:
    usual = rendered("thames-valley", status)[Format.PDF]
    template = templates_copy / "html" / "release.html.j2"
    source = template.read_text(encoding="utf-8")
    assert EMBEDDED in source
    template.write_text(source.replace(EMBEDDED, "<style>\n{{ stylesheet }}\n/* as it is */\n</style>"), "utf-8")
    the_release = release("thames-valley", status)
    html = render_html(the_release)
    assert "/* as it is */" in html  # the stylesheet is no longer the house one as embedded: printed as it is
    as_it_is = render_pdf(the_release, html)
    assert as_it_is != usual  # another HTML, so another identifier ...
    assert without_identifier(as_it_is) == without_identifier(usual)  # ... and otherwise the very same file


def test_every_stream_is_compressed() -> None:
    with pikepdf.open(io.BytesIO(rendered("bedfordshire", "final")[Format.PDF])) as pdf:
        streams = [obj for obj in pdf.objects if isinstance(obj, pikepdf.Stream)]
        assert len(streams) > 10
        assert {str(obj.get("/Filter")) for obj in streams} == {"/FlateDecode"}


def test_a_stylesheet_asking_for_a_forbidden_asset_fails_each_release_of_a_warm_batch(
    forces_copy: Path, tmp_path: Path
) -> None:
    """The batch warms WeasyPrint up before forking its workers; a refused asset must not break that."""
    copy = tmp_path / "hostile-templates"
    shutil.copytree(ROOT / "templates", copy)
    css = copy / "html" / "release.css"
    css.write_text('@import url("http://127.0.0.1:9/x.css");\n' + css.read_text(encoding="utf-8"), "utf-8")

    result = batch("--templates", copy, "--jobs", "1", "--format", "pdf")  # three releases for one worker: warm

    assert result.exit_code == 1
    assert summary_row(result)[:3] == ["0", "0", "3"]
    folders = " and ".join(str(folder) for folder in ((copy / "html").resolve(), *font_dirs()))
    refused = [
        f"forces/{slug}.yaml: {slug}: refused to fetch 'http://127.0.0.1:9/x.css': "
        f"only the project's own assets in {folders} may be used"
        for slug in sorted(REFERENCE_FORCES)
    ]
    problems = result.stderr.splitlines()  # each failure as it happens, then every problem, then the list
    assert [line for line in problems if line in refused] == refused


def test_every_part_of_the_word_document_is_stamped_with_the_release_date_alone() -> None:
    data = rendered("bedfordshire", "final")[Format.DOCX]
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None
        entries = archive.infolist()
        assert len(entries) > 10
        for entry in entries:
            assert entry.date_time == (2012, 12, 11, 0, 0, 0), entry.filename
            # The local header (what a streaming unzip reads) says the same as the central directory.
            time, date = struct.unpack_from("<HH", data, entry.header_offset + 10)
            assert (time, date) == (0, (2012 - 1980) << 9 | 12 << 5 | 11), entry.filename
    assert render_docx(release("bedfordshire", "final")) == data  # another second, the same bytes


def test_the_longest_footer_stays_on_one_line_beside_the_page_number(tmp_path: Path) -> None:
    longest = max(forces().values(), key=lambda force: len(force.name))
    copy = form_copy("thames-valley", "final", tmp_path)
    form = copy.with_name(f"{longest.slug}.yaml")  # a form is named after its force
    form.write_text(copy.read_text(encoding="utf-8").replace("force: thames-valley", f"force: {longest.slug}"), "utf-8")
    copy.unlink()
    [(_, the_release)] = load_releases([form], campaign=FORCES / "campaign.yaml")
    pages = pypdf.PdfReader(io.BytesIO(render_pdf(the_release, render_html(the_release)))).pages
    for number, page in enumerate(pages, start=1):
        lines = (page.extract_text() or "").splitlines()
        footer = f"HMIC press release · {longest.name} · 11 December 2012"
        assert any(footer in line and f"Page {number} of {len(pages)}" in line for line in lines), lines[-3:]


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler missing: scripts/install-a11y-tools")
def test_a_word_longer_than_the_line_is_broken_onto_the_next_line_not_cut_off(tmp_path: Path) -> None:
    """The stylesheet breaks a word too long for the line (``overflow-wrap``) rather than let it run off the page."""
    word = "Reference" + "".join(f"{n:03d}" for n in range(60))  # 189 letters and digits, no break point
    form = form_copy("thames-valley", "final", tmp_path)
    text = form.read_text(encoding="utf-8")
    form.write_text(text.replace("in particular through the integrity subgroup.", f"see {word}."), "utf-8")
    [(_, the_release)] = load_releases([form], campaign=FORCES / "campaign.yaml")
    pdf = tmp_path / "release.pdf"
    pdf.write_bytes(render_pdf(the_release, render_html(the_release)))
    boxes = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    words = re.findall(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>', boxes)
    right_margin = A4_WIDTH - 20 / 25.4 * 72  # 20 mm
    assert words
    assert all(float(x_max) <= right_margin + 0.5 for _, x_max, _ in words), max(words, key=lambda w: float(w[1]))
    texts = [piece for _, _, piece in words]
    start = next(i for i, piece in enumerate(texts) if "Reference" in piece)
    pieces = [texts[start].removeprefix("see")]
    while len("".join(pieces)) < len(word):
        pieces.append(texts[start + len(pieces)])
    assert len(pieces) >= 2  # broken over lines ...
    assert "".join(pieces).rstrip(".") == word  # ... and nothing lost


IMPORT_WEASYPRINT = """
import subprocess, sys
{before}
from authoring.render import weasy
children = []
real_popen = subprocess.Popen.__init__
def counting(self, args, *rest, **kwargs):
    children.append(args)
    real_popen(self, args, *rest, **kwargs)
subprocess.Popen.__init__ = counting
weasyprint = weasy.weasyprint_module()
assert weasyprint.HTML(string="<p>x</p>").write_pdf().startswith(b"%PDF")
print(len(children))
"""

ONLY_THE_SEARCH_FINDS_PANGOFT2 = """
import cffi, ctypes.util
real_dlopen = cffi.FFI.dlopen
def dlopen(self, name, flags=0):
    if "pangoft2" in str(name) and ctypes.util.find_library("c") is None:  # the quick way, not the search
        raise OSError(f"cannot load {name}")
    return real_dlopen(self, name, flags)
cffi.FFI.dlopen = dlopen
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the library search is skipped on Linux only")
@pytest.mark.parametrize(("before", "children"), [("", 0), (ONLY_THE_SEARCH_FINDS_PANGOFT2, None)])
def test_weasyprint_is_imported_without_searching_for_libraries_unless_needed(
    before: str, children: int | None
) -> None:
    """No ``ldconfig``/``gcc`` child processes when the libraries load by their file names; the search where it must."""
    script = IMPORT_WEASYPRINT.format(before=before)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=False, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    started = int(result.stdout.strip().splitlines()[-1])
    assert result.stdout.strip() == str(started)  # WeasyPrint's advice for a failed import is not printed
    if children is None:
        assert started > 0  # the fallback searched, as cffi does
    else:
        assert started == children
