"""Security: WeasyPrint reads only the project's assets, and hostile form text stays text.

Form text never becomes template source or markup: each hostile value below is read
back, literally, from the DOCX, HTML, PDF and Markdown it is built into. A template or
stylesheet (not form text: that cannot inject markup) that asks for anything but the
project's assets stops the build with ForbiddenResourceError.
"""

from __future__ import annotations

import io
import re
import shutil
import tempfile
import urllib.request
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import docx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from typer.testing import CliRunner
from weasyprint.urls import FatalURLFetchingError

import authoring.render.environment as environment
from authoring.build.pipeline import build, load_releases, render
from authoring.cli.app import app
from authoring.exceptions import ForbiddenResourceError, InvalidInputError
from authoring.fonts import FACES, font_dir
from authoring.model.types import PdfEngine
from authoring.render import ALL_FORMATS, Format
from authoring.render.assets import allowed_roots, asset_root, assets_fetcher
from authoring.render.html import render_html
from authoring.render.pdf import render_pdf
from tests.conftest import FORCES, ROOT
from tests.hostile_forms import QUOTE_VALUE, VALUE, build_form, folded, link_targets, reading_order
from tests.outputs import ENGINES, form_copy, release
from tests.readback import docx_text, front_matter, html_document, html_text, normalise, pdf_text

ROOTS = " and ".join(str(root.resolve()) for root in allowed_roots())
LONG_WORD = "Llanfair" * 250  # 2,000 letters without a space
HOSTILE = {
    "word_xml": "</w:t></w:r><w:r><w:t>INJECTED</w:t></w:r>",
    "script": '<script>alert("pwned")</script>',
    "ampersands": "Smith & Jones &amp; Co &lt;b&gt; &#x3C;",
    "image": '<img src="file:///etc/passwd">',
    "css": "</style><style>* { display: none }</style> body { color: red; background: url(file:///etc/passwd) }",
    "jinja": "{{ 7*7 }} {% if true %}yes{% endif %} {# hidden #} {{ ''.__class__.__mro__ }}",
    "markdown": "# not a heading\n[link](javascript:alert(1)) <b>bold</b> | table | `code`",
    "links": "https://a.example)![i](http://127.0.0.1:9/p) x)[x](javascript:alert(1) ~~~ ~~s~~ a@b.example",
    "long": ("A very long finding. " * 140 + LONG_WORD)[:5000],
}


def hostile_form(folder: Path) -> Path:
    """The Thames Valley form with every hostile value as a finding, one in the quote too."""
    form = form_copy("thames-valley", "final", folder)
    values = "".join(f"  - {_yaml(value)}\n" for value in HOSTILE.values())
    text = form.read_text(encoding="utf-8").replace("findings:\n", f"findings:\n{values}", 1)
    text = text.replace("quote:\n", f"quote:\n  - {_yaml(HOSTILE['jinja'])}\n", 1)
    form.write_text(text, encoding="utf-8")
    return form


def _yaml(value: str) -> str:
    return "'" + value.replace("'", "''").replace("\n", " ") + "'"


def _expected(value: str) -> str:
    """What a reader sees of a value: typographic quotes folded back, white space folded."""
    return normalise(value.replace("\n", " "))


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.urls += [value or "" for name, value in attrs if name in ("href", "src")]


def _tags(html: str) -> list[str]:
    parser = _Tags()
    parser.feed(html)
    return parser.tags


def _urls(html: str) -> list[str]:
    parser = _Tags()
    parser.feed(html)
    return parser.urls


@pytest.fixture(scope="module")
def hostile_outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[Format, bytes]:
    form = hostile_form(tmp_path_factory.mktemp("hostile"))
    [(_, the_release)] = load_releases([form], campaign=FORCES / "campaign.yaml")
    return render(the_release, ALL_FORMATS)


@pytest.fixture(scope="module")
def hostile_pdfs(tmp_path_factory: pytest.TempPathFactory, hostile_outputs: dict[Format, bytes]) -> dict[str, bytes]:
    """The hostile release's PDF by each engine."""
    form = hostile_form(tmp_path_factory.mktemp("hostile-typst"))
    [(_, the_release)] = load_releases([form], campaign=FORCES / "campaign.yaml", pdf_engine=PdfEngine.TYPST)
    return {
        PdfEngine.WEASYPRINT: hostile_outputs[Format.PDF],
        PdfEngine.TYPST: render(the_release, [Format.PDF])[Format.PDF],
    }


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_form_text_is_printed_literally_by_each_pdf_engine(
    name: str, engine: PdfEngine, hostile_pdfs: dict[str, bytes]
) -> None:
    assert re.sub(r"\s", "", _expected(HOSTILE[name])) in _pdf_reading(hostile_pdfs[engine])


@pytest.mark.parametrize("engine", ENGINES)
def test_jinja_in_form_text_is_never_evaluated_by_either_pdf_engine(
    engine: PdfEngine, hostile_pdfs: dict[str, bytes]
) -> None:
    text = pdf_text(hostile_pdfs[engine])
    assert text.count("{{ 7*7 }}") == 2  # a finding and the quote
    assert "49" not in text
    assert "<class" not in text
    assert "{# hidden #}" in text


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_form_text_is_printed_literally_in_every_format(
    name: str, hostile_outputs: dict[Format, bytes]
) -> None:
    value = _expected(HOSTILE[name])
    markdown_html = MarkdownIt("commonmark").render(hostile_outputs[Format.MD].decode())
    readers = {
        Format.DOCX: docx_text(hostile_outputs[Format.DOCX]),
        Format.HTML: html_text(hostile_outputs[Format.HTML]),
        Format.MD: html_text(f"<body>{markdown_html}</body>".encode()),
    }
    for fmt, text in readers.items():
        assert value in text, fmt
    assert re.sub(r"\s", "", value) in _pdf_reading(hostile_outputs[Format.PDF])


def _pdf_reading(data: bytes) -> str:
    """The PDF's text without its running footers and list bullets, and without white space:
    the PDF breaks long values across lines and pages."""
    text = re.sub(r"HMIC press release · [^·]+ · 11 December 2012 Page \d+ of \d+", "", pdf_text(data))
    return re.sub(r"[\s•]", "", text)


def test_jinja_in_form_text_is_never_evaluated(hostile_outputs: dict[Format, bytes]) -> None:
    markdown_html = MarkdownIt("commonmark").render(hostile_outputs[Format.MD].decode())
    texts = {
        Format.DOCX: docx_text(hostile_outputs[Format.DOCX]),
        Format.HTML: html_text(hostile_outputs[Format.HTML]),
        Format.PDF: pdf_text(hostile_outputs[Format.PDF]),
        Format.MD: html_text(f"<body>{markdown_html}</body>".encode()),
    }
    for fmt, text in texts.items():
        assert text.count("{{ 7*7 }}") == 2, fmt  # a finding and the quote
        assert "49" not in text, fmt
        assert "<class" not in text, fmt
        assert "{# hidden #}" in text, fmt


def test_hostile_text_adds_no_element_to_the_html_or_the_markdown(hostile_outputs: dict[Format, bytes]) -> None:
    clean = render_html(release("thames-valley", "final"))
    hostile = hostile_outputs[Format.HTML].decode()
    extra_items = len(HOSTILE)
    assert _tags(hostile).count("li") == _tags(clean).count("li") + extra_items
    assert sorted(set(_tags(hostile))) == sorted(set(_tags(clean)))  # no script, img, style, link …
    meta, body = front_matter(hostile_outputs[Format.MD].decode())  # as a site generator reads it
    assert meta == {"lang": "en-GB"}
    markdown_html = MarkdownIt("gfm-like").render(body)
    assert set(_tags(markdown_html)) <= {"p", "em", "a", "h1", "h2", "ul", "ol", "li", "blockquote", "strong"}
    hmic, links = "http://www.hmic.gov.uk", ["https://a.example", "http://127.0.0.1:9/p"]
    for html in (hostile, markdown_html):  # the finding, the full report, two notes to editors
        assert _urls(html) == [*links, hmic, hmic, hmic]


def test_hostile_text_adds_no_run_or_paragraph_to_the_word_document(hostile_outputs: dict[Format, bytes]) -> None:
    document = docx.Document(io.BytesIO(hostile_outputs[Format.DOCX]))
    [item] = [p for p in document.paragraphs if "INJECTED" in p.text]
    assert item.style is not None
    assert item.style.name == "List Bullet"
    assert item.text == HOSTILE["word_xml"]
    assert [run.text for run in item.runs if run.text] == [HOSTILE["word_xml"]]  # one run: the XML printed as text


W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


@cache
def _plain_twin(findings: int, quote: int) -> tuple[list[str], list[str]]:
    """The HTML elements and the Word paragraph styles of a release with as many plain values."""
    folder = Path(tempfile.mkdtemp(prefix="authoring-plain-twin-"))
    try:
        _, files = build_form(folder, [Format.HTML, Format.DOCX], findings=["Plain."] * findings, quote=["P."] * quote)
    finally:
        shutil.rmtree(folder)
    document = docx.Document(io.BytesIO(files[".docx"]))
    return _tags(files[".html"].decode()), [_style(p) for p in document.paragraphs]


def _style(paragraph: Any) -> str:
    return str(paragraph.style.name) if paragraph.style is not None else ""


@settings(deadline=None, max_examples=100, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(findings=st.lists(VALUE, min_size=1, max_size=3), quote=st.lists(QUOTE_VALUE, min_size=1, max_size=2))
def test_fuzzed_form_text_adds_no_element_link_or_paragraph_to_the_html_or_the_word_document(
    tmp_path_factory: pytest.TempPathFactory, findings: list[str], quote: list[str]
) -> None:
    release, files = build_form(
        tmp_path_factory.mktemp("fuzz"), [Format.HTML, Format.DOCX], findings=findings, quote=quote
    )
    plain_tags, plain_styles = _plain_twin(len(findings), len(quote))
    targets = link_targets(reading_order(release))
    written = [normalise(folded(item.text)) for item in release.findings]

    html = files[".html"].decode()
    assert [tag for tag in _tags(html) if tag not in ("a", "em")] == [t for t in plain_tags if t not in ("a", "em")]
    assert _urls(html) == targets
    assert html_document(files[".html"]).by_tag["li"][: len(findings)] == written

    document = docx.Document(io.BytesIO(files[".docx"]))
    assert [_style(p) for p in document.paragraphs] == plain_styles
    hyperlinks = document.element.body.iter(f"{W}hyperlink")
    assert [document.part.rels[link.get(R_ID)].target_ref for link in hyperlinks] == targets
    items = [normalise(p.text) for p in document.paragraphs if _style(p) == "List Bullet"]
    assert items[: len(findings)] == written


def test_a_value_over_the_length_limit_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    form = form_copy("thames-valley", "final", tmp_path)
    form.write_text(
        form.read_text(encoding="utf-8").replace("findings:\n", f"findings:\n  - {'x' * 5001}\n", 1), encoding="utf-8"
    )
    with pytest.raises(InvalidInputError) as caught:
        build([form], out_dir=tmp_path / "out", campaign=FORCES / "campaign.yaml")
    assert [problem.message for problem in caught.value.problems] == [
        "too long: at most 5,000 characters, and this has 5,001; shorten it"
    ]
    assert not (tmp_path / "out").exists()


# --- The fetcher, directly ----------------------------------------------------------------


def _refusal(url: str) -> str:
    return f"refused to fetch {url!r}: only the project's own assets in {ROOTS} may be used"


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://127.0.0.1:9/evil.css",
        "https://127.0.0.1:9/evil.css",
        "ftp://127.0.0.1/evil.css",
        "file://otherhost/etc/passwd",
        (asset_root() / ".." / ".." / "pyproject.toml").as_uri(),
        asset_root().as_uri() + "/%2e%2e/%2e%2e/pyproject.toml",
        asset_root().as_uri() + "/release.css%00.png",
        asset_root().as_uri(),  # a folder, not a file
        (asset_root() / "missing.css").as_uri(),
        font_dir().parent.as_uri() + "/LICENSE",  # beside the fonts, not among them
    ],
)
def test_the_fetcher_refuses_everything_outside_the_assets(url: str) -> None:
    with pytest.raises(FatalURLFetchingError) as caught:
        assets_fetcher().fetch(url)
    assert str(caught.value) == _refusal(url)


def test_the_fetcher_reads_the_assets_and_data_uris() -> None:
    fetcher = assets_fetcher()
    stylesheet = asset_root() / "release.css"
    assert fetcher.fetch(stylesheet.as_uri()).read() == stylesheet.read_bytes()
    font = font_dir() / FACES[0].file
    assert fetcher.fetch(font.as_uri()).read() == font.read_bytes()
    assert fetcher.fetch("data:text/css;base64,Ym9keSB7fQ==").read() == b"body {}"


def test_the_fetcher_follows_no_symbolic_link_out_and_no_redirect(tmp_path: Path) -> None:
    assets = tmp_path / "assets"
    assets.mkdir()
    (assets / "ok.css").write_text("p {}", encoding="utf-8")
    (assets / "escape.css").symlink_to("/etc/passwd")
    (tmp_path / "assets-evil").mkdir()
    (tmp_path / "assets-evil" / "x.css").write_text("p {}", encoding="utf-8")
    fetcher = type(assets_fetcher())(allowed_roots=(assets,))
    assert fetcher.fetch((assets / "ok.css").as_uri()).read() == b"p {}"
    for path in (assets / "escape.css", tmp_path / "assets-evil" / "x.css"):
        with pytest.raises(FatalURLFetchingError, match="refused to fetch"):
            fetcher.fetch(path.as_uri())
    assert not any(isinstance(handler, urllib.request.HTTPRedirectHandler) for handler in fetcher.handlers)


# --- Through templates and stylesheets ---------------------------------------------------


@pytest.mark.parametrize(
    ("markup", "url"),
    [
        ('<img src="file:///etc/passwd" alt="">', "file:///etc/passwd"),
        ('<img src="../../../../../../etc/passwd" alt="">', "file:///etc/passwd"),
        ('<link rel="stylesheet" href="http://127.0.0.1:9/evil.css">', "http://127.0.0.1:9/evil.css"),
        ('<style>@import url("https://127.0.0.1:9/evil.css");</style>', "https://127.0.0.1:9/evil.css"),
        ("<style>body { background: url(file:///etc/hostname) }</style>", "file:///etc/hostname"),
        (
            '<style>@font-face { font-family: X; src: url("file:///etc/passwd") } p { font-family: X }</style>',
            "file:///etc/passwd",
        ),
    ],
)
def test_markup_that_asks_for_any_other_resource_stops_the_pdf(markup: str, url: str) -> None:
    the_release = release("thames-valley", "final")
    html = render_html(the_release).replace("</head>", f"{markup}</head>", 1).replace("</main>", f"{markup}</main>", 1)
    with pytest.raises(ForbiddenResourceError) as caught:
        render_pdf(the_release, html)
    assert str(caught.value) == f"thames-valley: {_refusal(url)}"


def test_a_data_uri_image_is_allowed() -> None:
    the_release = release("thames-valley", "final")
    pixel = "data:image/gif;base64,R0lGODlhAQABAAAAACH5BAEKAAEALAAAAAABAAEAAAICTAEAOw=="
    html = render_html(the_release).replace("</main>", f'<img src="{pixel}" alt="">' + "</main>", 1)
    assert render_pdf(the_release, html).startswith(b"%PDF-")


@pytest.fixture
def hostile_templates(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of templates/ that the toolkit uses instead of the real one."""
    copy = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", copy)
    monkeypatch.setattr(environment, "_PACKAGE_TEMPLATES", copy)
    return copy


@pytest.mark.parametrize(
    ("file", "old", "new", "url"),
    [
        ("html/release.html.j2", "</header>", '<img src="file:///etc/passwd" alt=""></header>', "file:///etc/passwd"),
        (
            "html/release.css",
            "@page {",
            '@import url("http://127.0.0.1:9/x.css");\n@page {',
            "http://127.0.0.1:9/x.css",
        ),
    ],
)
def test_a_hostile_template_or_stylesheet_stops_the_build_and_writes_nothing(
    hostile_templates: Path, tmp_path: Path, file: str, old: str, new: str, url: str
) -> None:
    target = hostile_templates / file
    target.write_text(target.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["build", str(FORCES / "thames-valley.yaml"), "--out", str(out)])
    refusal = _refusal(url).replace(str(ROOT / "templates"), str(hostile_templates))
    assert result.exit_code == 1
    assert result.output == f"Error: thames-valley: {refusal}\n"
    assert not out.exists()
