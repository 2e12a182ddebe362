"""The house font: the PDF embeds only Atkinson Hyperlegible, from the package, on any machine.

The machine-independence test renders the same release in fresh processes under
fontconfig setups that differ as much as machines do — no fonts at all; the system's
fonts plus a *decoy* "Atkinson Hyperlegible" (another version, wider letters) — and
requires the very same bytes as this process, embedding the package's files.
"""

from __future__ import annotations

import io
import re
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pikepdf
import pytest
from fontTools.ttLib import TTFont

from authoring.build import build
from authoring.exceptions import InvalidInputError
from authoring.render import Format
from authoring.render.fonts import CSS_FAMILY, FACES, HOUSE_FONT, font_dir, font_face_css, uncovered
from authoring.render.pdf import render_pdf
from authoring.render.text import render_html
from tests.conftest import FORCES, REFERENCE_FORCES, ROOT
from tests.outputs import STATUSES, form_copy, release, rendered

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


@pytest.mark.parametrize(("force", "status"), [(f, s) for f in REFERENCE_FORCES for s in STATUSES])
def test_the_pdf_embeds_only_the_house_family_from_the_package(force: str, status: str) -> None:
    fonts = embedded_fonts(rendered(force, status)[Format.PDF])
    names = sorted(re.sub(r"^/[A-Z]{6}\+", "", name) for name, _ in fonts)
    assert names == [
        "Atkinson-Hyperlegible-House",
        "Atkinson-Hyperlegible-House-Bold",
        "Atkinson-Hyperlegible-House-Italic",
    ]
    for _, program in fonts:
        assert program["name"].getDebugName(1) == HOUSE_FONT
        assert program["name"].getDebugName(5) == package_version()


def test_every_face_prints_the_house_style_characters() -> None:
    assert uncovered("Zoë Billingham “quoted” ‘single’ 8:30am – 5:30pm — HMIC’s · £10 é") == []
    for face in FACES:
        cmap = TTFont(font_dir() / face.file)["cmap"].getBestCmap()
        assert all(ord(char) in cmap for char in "Zoë“”‘’–—·"), face.file


def test_uncovered_names_what_the_family_cannot_print_once_in_order() -> None:
    assert uncovered("Tŷ Newydd, Tŷ Hafan 😀 and a\tzero\u200bwidth\u00adsoft hyphen\n") == ["ŷ", "😀"]


def test_font_faces_are_loaded_from_the_package_folder_only() -> None:
    css = font_face_css()
    urls = re.findall(r'url\("([^"]+)"\)', css)
    assert [url.rsplit("/", 1)[1] for url in urls] == [face.file for face in FACES]
    assert all(url.startswith(font_dir().as_uri() + "/") for url in urls)
    assert css.count(f'font-family: "{CSS_FAMILY}"') == len(FACES)
    assert "fontpkg_atkinson_hyperlegible" in font_dir().parts
    stylesheet = (ROOT / "templates" / "html" / "release.css").read_text(encoding="utf-8")
    assert stylesheet.count(f'font-family: "{CSS_FAMILY}", "{HOUSE_FONT}", sans-serif;') == 2  # page and text


def test_a_character_the_house_font_lacks_stops_the_build_with_a_clear_error(tmp_path: Path) -> None:
    """Refused when the form is checked, at its line, before anything is rendered."""
    form = form_copy("thames-valley", "final", tmp_path)
    form.write_text(
        form.read_text(encoding="utf-8").replace("findings:\n", "findings:\n  - The force opened Tŷ Newydd.\n", 1),
        encoding="utf-8",
    )
    with pytest.raises(InvalidInputError) as caught:
        build([form], out_dir=tmp_path / "out", campaign=FORCES / "campaign.yaml")
    assert str(caught.value) == (
        f"{form}:6:5: findings.0: the house font, Atkinson Hyperlegible, has no 'ŷ' (U+0177 LATIN SMALL LETTER Y "
        "WITH CIRCUMFLEX); replace it"
    )
    assert not (tmp_path / "out").exists()  # nothing written, not even the formats that could be made


_RENDER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    import weasyprint
    from authoring.build import load_releases, render
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
    form = form_copy("thames-valley", "draft", tmp_path)
    here = render_pdf(release("thames-valley", "draft"), render_html(release("thames-valley", "draft")))

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
    assert all(font["name"].getDebugName(5) == package_version() for _, font in embedded_fonts(other_pdf))


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
