"""The PDF's fonts: Atkinson Hyperlegible, and Fira Sans only for the letters it lacks, from packages, on any machine.

The machine-independence tests render the same release in fresh processes under
fontconfig setups that differ as much as machines do — no fonts at all; the system's
fonts plus a *decoy* "Atkinson Hyperlegible" (another version, wider letters) — and
require the very same bytes as this process, embedding the packages' files.
"""

from __future__ import annotations

import dataclasses
import io
import re
import shutil
import subprocess
import sys
import textwrap
import unicodedata
import zipfile
from pathlib import Path

import pikepdf
import pypdf
import pytest
from fontTools.ttLib import TTFont

from authoring.build.pipeline import load_releases, render
from authoring.exceptions import UnprintableCharacterError
from authoring.fonts import (
    CSS_FAMILY,
    FACES,
    FALLBACK,
    FALLBACK_CSS_FAMILY,
    FALLBACK_FONT,
    HOUSE_FONT,
    font_dir,
    font_face_css,
    uncovered,
)
from authoring.model.inline import Inline, Span
from authoring.model.types import PdfEngine
from authoring.render import Format
from authoring.render.html import render_html
from authoring.render.pdf import render_pdf
from tests.conftest import FORCES, REFERENCE_FORCES, ROOT
from tests.outputs import ENGINES, STATUSES, form_copy, pdf, release, rendered, with_engine

SYSTEM_FONT_DIRS = [path for path in (Path("/usr/share/fonts"), Path("/usr/local/share/fonts")) if path.is_dir()]


def embedded_fonts(data: bytes) -> list[tuple[str, TTFont]]:
    """(PDF font name, the embedded font program) of every font the PDF uses."""
    found = {}
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            for font in page.Resources.Font.values():
                program = font.DescendantFonts[0].FontDescriptor.FontFile2.read_bytes()
                found[str(font.BaseFont)] = TTFont(io.BytesIO(program))
    return sorted(found.items(), key=lambda item: item[0])


def package_version() -> str:
    return str(TTFont(font_dir() / FACES[0].file)["name"].getDebugName(5))


def fallback_version() -> str:
    return str(TTFont(FALLBACK.folder() / FALLBACK.faces[0].file)["name"].getDebugName(5))


#: Names from Wales, Poland, the Czech Republic, Vietnam, Greece and Russia: none in the house font alone.
WORLD = "Tŷ dŵr Łukasz Dvořák Nguyễn Σοφία Ольга"


def world_form(folder: Path, status: str = "final") -> Path:
    """The Thames Valley form with :data:`WORLD` in a finding and in the quote."""
    folder.mkdir(exist_ok=True)
    form = form_copy("thames-valley", status, folder)
    text = form.read_text(encoding="utf-8")
    text = text.replace("findings:\n", f"findings:\n  - {WORLD} spoke to HMIC.\n", 1)
    text = text.replace("quote:\n", f"quote:\n  - {WORLD} welcomed the report.\n", 1)
    form.write_text(text, encoding="utf-8")
    return form


def world_pdf(folder: Path, engine: PdfEngine = PdfEngine.WEASYPRINT) -> bytes:
    [(_, loaded)] = load_releases([world_form(folder)], campaign=FORCES / "campaign.yaml", pdf_engine=engine)
    return render(loaded, [Format.PDF])[Format.PDF]


def faces(fonts: list[tuple[str, TTFont]]) -> list[str]:
    """Each embedded font as family and style (``Atkinson Hyperlegible Bold``), whatever the engine calls it."""
    return sorted(f"{program['name'].getDebugName(1)} {program['name'].getDebugName(2)}" for _, program in fonts)


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(("force", "status"), [(f, s) for f in REFERENCE_FORCES for s in STATUSES])
def test_the_pdf_embeds_only_the_house_family_from_the_package(force: str, status: str, engine: PdfEngine) -> None:
    fonts = embedded_fonts(pdf(force, status, engine))
    assert faces(fonts) == [f"{HOUSE_FONT} Bold", f"{HOUSE_FONT} Italic", f"{HOUSE_FONT} Regular"]
    for _, program in fonts:
        assert program["name"].getDebugName(1) == HOUSE_FONT
        assert program["name"].getDebugName(5) == package_version()


def test_every_face_prints_the_house_style_characters() -> None:
    assert uncovered("Zoë Billingham “quoted” ‘single’ 8:30am – 5:30pm — HMIC’s · £10 é") == []
    for face in FACES:
        cmap = TTFont(font_dir() / face.file)["cmap"].getBestCmap()
        assert all(ord(char) in cmap for char in "Zoë“”‘’–—·"), face.file
        # uncovered() passes ASCII text without reading a font: every face must print all of it.
        assert all(code in cmap for code in range(0x20, 0x7F)), face.file


def test_the_fallback_prints_every_latin_greek_and_cyrillic_letter_in_every_face() -> None:
    letters = [
        chr(code)
        for start, end in [(0x00C0, 0x024F), (0x0370, 0x03FF), (0x0400, 0x04FF), (0x1EA0, 0x1EF9), (0x1F00, 0x1FFF)]
        for code in range(start, end + 1)
        # Letters of the modern alphabets: not Coptic (in the Greek block), nor Old Cyrillic.
        if unicodedata.category(chr(code)).startswith("L") and not 0x03E2 <= code <= 0x03EF
        if not 0x047A <= code <= 0x0481
    ]
    assert len(letters) > 900
    assert uncovered("".join(letters)) == []
    assert uncovered(WORLD + " Ŵ Ŷ ẁ ẃ ẅ ỳ Ơ ư Đ đ Ё ё Ї ї Є є Ґ ґ ά έ ή ΐ ς") == []


def test_uncovered_names_what_no_family_can_print_once_in_order() -> None:
    text = "Tŷ Newydd 😀, 東京 and 😀 a\tzero\u200bwidth\u00adsoft hyphen\n"
    assert uncovered(text) == ["😀", "東", "京"]


def test_font_faces_are_loaded_from_the_package_folders_only() -> None:
    css = font_face_css()
    urls = re.findall(r'url\("([^"]+)"\)', css)
    assert [url.rsplit("/", 1)[1] for url in urls] == [face.file for face in (*FACES, *FALLBACK.faces)]
    assert all(url.startswith(font_dir().as_uri() + "/") for url in urls[: len(FACES)])
    assert all(url.startswith(FALLBACK.folder().as_uri() + "/") for url in urls[len(FACES) :])
    assert css.count(f'font-family: "{CSS_FAMILY}"') == len(FACES)
    assert css.count(f'font-family: "{FALLBACK_CSS_FAMILY}"') == len(FALLBACK.faces)
    assert "fontpkg_atkinson_hyperlegible" in font_dir().parts
    assert "fontpkg_fira_sans" in FALLBACK.folder().parts
    stylesheet = (ROOT / "templates" / "html" / "release.css").read_text(encoding="utf-8")
    families = f'font-family: "{CSS_FAMILY}", "{FALLBACK_CSS_FAMILY}", "{HOUSE_FONT}", sans-serif;'
    assert stylesheet.count(families) == 2  # page and text


@pytest.mark.parametrize("engine", ENGINES)
def test_names_in_any_latin_greek_or_cyrillic_letters_print_and_read_back(tmp_path: Path, engine: PdfEngine) -> None:
    data = world_pdf(tmp_path, engine)
    text = " ".join(page.extract_text() or "" for page in pypdf.PdfReader(io.BytesIO(data)).pages)
    assert f"{WORLD} spoke to HMIC." in text  # the finding
    assert f"“{WORLD} welcomed the report." in text  # the quote
    fonts = embedded_fonts(data)
    assert faces(fonts) == [
        f"{HOUSE_FONT} Bold",
        f"{HOUSE_FONT} Italic",
        f"{HOUSE_FONT} Regular",
        f"{FALLBACK_FONT} Italic",  # the quote
        f"{FALLBACK_FONT} Regular",  # the finding
    ]
    for name, program in fonts:
        family, version = (FALLBACK_FONT, fallback_version()) if "Fira" in name else (HOUSE_FONT, package_version())
        assert program["name"].getDebugName(1) == family
        assert program["name"].getDebugName(5) == version
    assert world_pdf(tmp_path / "again", engine) == data  # deterministic


@pytest.mark.skipif(not shutil.which("pdffonts"), reason="poppler's pdffonts not found: run scripts/install-a11y-tools")
@pytest.mark.parametrize("engine", ENGINES)
def test_poppler_sees_every_font_embedded_and_two_families_at_most(tmp_path: Path, engine: PdfEngine) -> None:
    path = tmp_path / "world.pdf"
    path.write_bytes(world_pdf(tmp_path, engine))
    rows = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    families = set()
    for row in rows:
        name, *_, emb, sub, uni, _obj, _gen = row.split()
        assert (emb, sub, uni) == ("yes", "yes", "yes"), row
        families.add(re.sub(r"^[A-Z]{6}\+|-?(Regular)?(Bold)?(-?Italic)?$", "", name).replace("-", ""))
    assert (
        families == {"AtkinsonHyperlegibleHouse", "FiraSansHouse"}
        if engine is PdfEngine.WEASYPRINT
        else {
            "AtkinsonHyperlegible",
            "FiraSans",
        }
    )


@pytest.mark.parametrize("engine", ENGINES)
def test_a_latin_1_release_embeds_the_house_font_only(tmp_path: Path, engine: PdfEngine) -> None:
    form = form_copy("thames-valley", "final", tmp_path)
    text = form.read_text(encoding="utf-8").replace("findings:\n", "findings:\n  - Zoë met the café’s owner.\n", 1)
    form.write_text(text, encoding="utf-8")
    [(_, loaded)] = load_releases([form], campaign=FORCES / "campaign.yaml", pdf_engine=engine)
    fonts = embedded_fonts(render(loaded, [Format.PDF])[Format.PDF])
    assert {program["name"].getDebugName(1) for _, program in fonts} == {HOUSE_FONT}


@pytest.mark.parametrize("engine", ENGINES)
def test_a_character_no_font_has_stops_the_pdf_with_a_clear_error(tmp_path: Path, engine: PdfEngine) -> None:
    """Forms are checked when read (tests/test_printable.py); the renderer refuses what else gets through."""
    the_release = with_engine(release("thames-valley", "final"), engine)
    findings = (Inline((Span("The force opened Tŷ Newydd 😀 東京."),)), *the_release.findings)
    unprintable = dataclasses.replace(the_release, findings=findings)
    with pytest.raises(UnprintableCharacterError) as caught:
        render_pdf(unprintable, render_html(unprintable))
    if engine is PdfEngine.TYPST:  # the same words; the text around the character is cut from the release's data
        assert re.fullmatch(
            r"thames-valley: no font the PDF may use \(Atkinson Hyperlegible or Fira Sans\) has '😀' \(U\+1F600 "
            r"GRINNING FACE\) \(and '東' .*, '京' .*\), in “[^”]*The force opened Tŷ Newydd 😀 東京\.[^”]*”; "
            r"replace it in the form or campaign file",
            str(caught.value),
        )
        return
    assert str(caught.value) == (
        "thames-valley: no font the PDF may use (Atkinson Hyperlegible or Fira Sans) has '😀' (U+1F600 GRINNING "
        "FACE) (and '東' (U+6771 CJK UNIFIED IDEOGRAPH-6771), '京' (U+4EAC CJK UNIFIED IDEOGRAPH-4EAC)), in "
        "“The force opened Tŷ Newydd 😀 東京. Since 2011 Thames Valley”; "
        "replace it in the form or campaign file"
    )


_RENDER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    import weasyprint
    from authoring.build.pipeline import load_releases, render
    from authoring.render import Format

    form, campaign, release_pdf, plain_pdf = map(Path, sys.argv[1:])
    [(_, release)] = load_releases([form], campaign=campaign)
    release_pdf.write_bytes(render(release, [Format.PDF])[Format.PDF])
    if plain_pdf.name != "-":  # the family asked for by its public name, as a careless stylesheet would
        html = "<p style='font-family: \\"Atkinson Hyperlegible\\"'>Zoë</p>"
        plain_pdf.write_bytes(weasyprint.HTML(string=html).write_pdf())
    """
)


def _fontconfig(folder: Path, font_dirs: list[Path]) -> Path:
    dirs = "".join(f"<dir>{path}</dir>" for path in font_dirs)
    config = folder / "fonts.conf"
    config.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n'
        f"<fontconfig>{dirs}<cachedir>{folder / 'cache'}</cachedir></fontconfig>\n",
        encoding="utf-8",
    )
    return config


def _decoy_fonts(folder: Path) -> Path:
    """Another "Atkinson Hyperlegible" installed on the machine: every letter half as wide again."""
    folder.mkdir()
    for face in FACES:
        font = TTFont(font_dir() / face.file)
        font["name"].setName("Version 9.999 decoy", 5, 3, 1, 0x409)
        font["hmtx"].metrics = {
            glyph: (round(width * 1.5), lsb) for glyph, (width, lsb) in font["hmtx"].metrics.items()
        }
        font.save(folder / face.file)
    return folder


def _render_elsewhere(setup: Path, form: Path, *, plain: bool = True) -> tuple[bytes, bytes | None]:
    """The release PDF, and a plain PDF asking for the public family name, under ``setup``'s fonts."""
    release_pdf, plain_pdf = setup.parent / "release.pdf", setup.parent / ("plain.pdf" if plain else "-")
    env = {"FONTCONFIG_FILE": str(setup), "PATH": "/usr/bin:/bin", "HOME": str(setup.parent)}
    arguments = [str(form), str(FORCES / "campaign.yaml"), str(release_pdf), str(plain_pdf)]
    subprocess.run([sys.executable, "-c", _RENDER, *arguments], env=env, check=True, capture_output=True)
    return release_pdf.read_bytes(), plain_pdf.read_bytes() if plain else None


def test_the_same_input_gives_the_same_pdf_whatever_fonts_the_machine_has(tmp_path: Path) -> None:
    form = world_form(tmp_path, "draft")  # both families, and the draft's page rules
    [(_, loaded)] = load_releases([form], campaign=FORCES / "campaign.yaml")
    here = render_pdf(loaded, render_html(loaded))

    bare = tmp_path / "no-fonts"
    (bare / "empty").mkdir(parents=True)
    bare_pdf, _ = _render_elsewhere(_fontconfig(bare, [bare / "empty"]), form, plain=False)  # Pango crashes on plain

    other = tmp_path / "other-fonts"
    other.mkdir()
    decoys = _decoy_fonts(other / "decoy")
    other_pdf, plain_pdf = _render_elsewhere(_fontconfig(other, [decoys, *SYSTEM_FONT_DIRS]), form)

    # The decoy is real: asked for by its public name, that machine prints the decoy ...
    assert plain_pdf is not None
    [(_, decoy)] = embedded_fonts(plain_pdf)
    assert decoy["name"].getDebugName(5) == "Version 9.999 decoy"
    # ... yet the release is the same file, byte for byte, on all three machines.
    assert bare_pdf == here
    assert other_pdf == here
    versions = {font["name"].getDebugName(5) for _, font in embedded_fonts(other_pdf)}
    assert versions == {package_version(), fallback_version()}


def test_the_word_template_uses_the_house_font_in_every_style() -> None:
    spec = (ROOT / "templates" / "docx" / "make_template.py").read_text(encoding="utf-8")
    assert f'HOUSE_FONT = "{HOUSE_FONT}"' in spec
    with zipfile.ZipFile(io.BytesIO(rendered("thames-valley", "final")[Format.DOCX])) as docx:
        styles = docx.read("word/styles.xml").decode()
    fonts = re.findall(r"<w:rFonts ([^>]*)/>", styles)
    assert fonts  # the document defaults and every style the template uses
    for attributes in fonts:
        assert "heme" not in attributes, attributes  # no theme font (w:asciiTheme, w:cstheme …): those would win
        for script in ("ascii", "hAnsi", "eastAsia", "cs"):
            assert f'w:{script}="{HOUSE_FONT}"' in attributes, attributes
