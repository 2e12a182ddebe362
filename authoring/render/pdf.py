"""PDF: WeasyPrint prints the HTML, fetching nothing but the project's own assets.

The result is a tagged PDF/UA-1 file (language, title, structure tree) whose metadata
comes from the HTML's ``<title>`` and ``<meta>`` elements, set in the house font (and,
for the letters it lacks, its fallback family): :mod:`authoring.render.fonts` ships both,
and a character neither can print stops the build rather than letting the machine
substitute a font of its own.

WeasyPrint may read three folders and nothing else: the templates' ``html/`` folder (the
stylesheet) and the two font packages' folders; ``data:`` URIs are allowed too. Any other URL
(``http:``, a file elsewhere, a path that escapes through ``..`` or a symbolic link)
stops the build with :class:`~authoring.exceptions.ForbiddenResourceError`.

WeasyPrint is imported lazily: it takes most of a second to import, and commands that
do not make PDFs (validate, forces, a no-op batch) should not pay for it.
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes.util
import gc
import hashlib
import io
import sys
import zlib
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from authoring.context import Release
from authoring.exceptions import ForbiddenResourceError, RenderError, UnprintableCharacterError
from authoring.render import Format, Renderer, register
from authoring.render.environment import Templates
from authoring.render.fonts import FAMILIES, describe, font_dirs, font_face_css, uncovered
from authoring.render.html import STYLESHEET

if TYPE_CHECKING:
    import weasyprint

#: The PDF variant: tagged, accessible PDF.
PDF_VARIANT = "pdf/ua-1"


def render_pdf(release: Release, html: str, templates: Templates | None = None) -> bytes:
    """Print ``html`` (the release's HTML) to PDF bytes, deterministically (default: the shipped templates)."""
    return write(release, lay_out(release, html, templates), html)


class PdfRenderer(Renderer):
    """The printable release: the HTML page, printed."""

    format = Format.PDF
    extension = "pdf"
    needs = (Format.HTML,)
    warms_up = True

    def warm_up(self, templates: Templates) -> None:
        warm_up(templates)

    def render(self, release: Release, templates: Templates, needed: Mapping[Format, bytes]) -> bytes:
        return render_pdf(release, needed[Format.HTML].decode(), templates)


register(PdfRenderer())


def lay_out(release: Release, html: str, templates: Templates | None = None) -> weasyprint.Document:
    """Lay the release's HTML out in pages, in the house font (about two thirds of a PDF's time).

    The house stylesheet embedded in the page is parsed once per process, not once per
    release: WeasyPrint gets the page without that ``<style>`` element and the parsed
    stylesheet beside it, which prints the very same PDF (tested). A page whose
    stylesheet differs from the house one (another templates folder) is printed as it is.
    """
    weasyprint = _weasyprint()

    templates = templates or Templates.at()
    _check_printable(release, html)
    page_html = html
    css = _stylesheet_text(templates)
    embedded = f"<style>\n{css}\n</style>"
    with _render_errors(release):
        stylesheets = [_house_font_stylesheet()]
        if css and embedded in html:
            page_html = html.replace(embedded, "", 1)
            stylesheets.append(_parsed_stylesheet(css, templates))
        page = weasyprint.HTML(string=page_html, base_url=_base_url(templates), url_fetcher=assets_fetcher(templates))
        return page.render(stylesheets=stylesheets, font_config=_font_config(), **_options(html))


def write(release: Release, document: weasyprint.Document, html: str) -> bytes:
    """Write laid-out pages as a tagged PDF: fonts subset and embedded, metadata from the HTML."""
    _use_fast_compression()
    with _render_errors(release):
        pdf = document.write_pdf(**_options(html))
    if not isinstance(pdf, bytes):  # pragma: no cover - write_pdf() without a target returns bytes
        raise RenderError(f"{release.force.slug}: WeasyPrint returned no PDF")
    return pdf


def _options(html: str) -> dict[str, Any]:
    """PDF options: the accessible variant, and an identifier derived from the content."""
    return {"pdf_variant": PDF_VARIANT, "pdf_identifier": hashlib.sha256(html.encode()).hexdigest()[:32].encode()}


@contextmanager
def _render_errors(release: Release) -> Iterator[None]:
    """Turn WeasyPrint's fatal fetch errors into the toolkit's own."""
    try:
        yield
    except _fatal_class() as exc:
        error = ForbiddenResourceError if isinstance(exc, _forbidden_class()) else RenderError
        raise error(f"{release.force.slug}: {exc}") from None


def warm_up(templates: Templates | None = None) -> None:
    """Import WeasyPrint, parse the house stylesheet, and print a line in its fonts as a tagged PDF.

    That loads the fonts and the font subsetter, and parses the C types WeasyPrint asks
    cffi for while it writes a PDF (70 ms the first time, in each process). A batch calls
    this once before it forks its workers (or each worker once when it starts, where
    processes cannot be forked), before the first release.
    """
    weasyprint = _weasyprint()

    html = '<html lang="en"><title>Warm</title><h1>Warm</h1><p>up <em>fonts</em> <strong>once</strong></p></html>'
    templates = templates or Templates.at()
    css = _stylesheet_text(templates)
    options = _options(html)
    _use_fast_compression()
    try:
        stylesheets = [_house_font_stylesheet(), *([_parsed_stylesheet(css, templates)] if css else [])]
        page = weasyprint.HTML(string=html, base_url=_base_url(templates), url_fetcher=assets_fetcher(templates))
        page.render(stylesheets=stylesheets, font_config=_font_config(), **options).write_pdf(**options)
    except _fatal_class():  # a stylesheet asks for a forbidden asset: each release reports it when rendered
        return


@cache
def _weasyprint() -> Any:
    """Import WeasyPrint once, sparing cffi's slow search for its C libraries where it cannot help.

    WeasyPrint asks for each library by several names, Windows's DLL names first
    (``libgobject-2.0-0``). On Linux each of those misses, and cffi then asks
    ``ctypes.util.find_library``, which runs ``ldconfig``, ``gcc`` and ``ld``: about 50
    child processes, a fifth of the import's CPU time (0.15 CPU-seconds), for names that
    can never be found; the name that loads is the file name, ``libgobject-2.0.so.0``,
    which the dynamic loader finds by itself. So on Linux that search answers "not found"
    while WeasyPrint is imported; on a system where the search alone finds a library, the
    import fails quietly and is done again the usual way.
    """
    if not sys.platform.startswith("linux"):
        import weasyprint

        return weasyprint
    search = ctypes.util.find_library
    ctypes.util.find_library = _not_searched
    try:
        with contextlib.redirect_stdout(io.StringIO()):  # WeasyPrint prints its advice before it gives up
            import weasyprint
    except OSError:
        for name in [name for name in sys.modules if name == "weasyprint" or name.startswith("weasyprint.")]:
            del sys.modules[name]
        ctypes.util.find_library = search
        import weasyprint
    finally:
        ctypes.util.find_library = search
    return weasyprint


def _not_searched(name: str) -> str | None:
    """Stands in for ``ctypes.util.find_library`` while WeasyPrint is imported: found nothing."""
    return None


def _base_url(templates: Templates) -> str:
    return str(asset_root(templates) / "release.html")


def _stylesheet_text(templates: Templates) -> str:
    """The house stylesheet as the HTML embeds it (empty if it cannot be read: the HTML said so already)."""
    try:
        return (templates.root / STYLESHEET).read_text(encoding="utf-8")
    except OSError:
        return ""


def _parsed_stylesheet(css: str, templates: Templates) -> weasyprint.CSS:
    """The house stylesheet, parsed once per process (and per templates folder)."""
    return _parse_stylesheet(css, templates)


@cache
def _parse_stylesheet(css: str, templates: Templates) -> weasyprint.CSS:
    weasyprint = _weasyprint()

    return weasyprint.CSS(
        string=css, base_url=_base_url(templates), font_config=_font_config(), url_fetcher=assets_fetcher(templates)
    )


@cache
def _use_fast_compression() -> None:
    """Compress the PDF's streams at zlib level 6 rather than pydyf's fixed level 9.

    pydyf (WeasyPrint's PDF writer) offers no setting for it. Measured on the
    releases: level 9 costs three times the CPU of level 6 (8.2 against 2.8 ms a
    release) for files 1.5 % smaller. The same input still gives the same bytes.
    """
    import pydyf

    pydyf.zlib = _Level6Zlib()


class _Level6Zlib:
    """Stands in for the ``zlib`` module inside pydyf: every compressor it makes works at level 6."""

    @staticmethod
    def compressobj(level: int = -1, *args: Any, **kwargs: Any) -> zlib._Compress:
        return zlib.compressobj(6, *args, **kwargs)


def asset_root(templates: Templates | None = None) -> Path:
    """The folder of the HTML's own assets (the stylesheet): ``templates/html`` (default: the shipped templates)."""
    return (templates or Templates.at()).root / "html"


def allowed_roots(templates: Templates | None = None) -> tuple[Path, ...]:
    """The only folders WeasyPrint may read from: the HTML assets and the font packages' files."""
    return (asset_root(templates), *font_dirs())


def assets_fetcher(templates: Templates | None = None) -> Any:
    """A WeasyPrint URL fetcher that reads files in :func:`allowed_roots` and ``data:`` URIs, nothing else.

    Anything else raises a ``weasyprint.urls.FatalURLFetchingError`` subclass, which
    stops the render; :func:`render_pdf` turns it into ``ForbiddenResourceError``.
    """
    return _fetcher_class()(allowed_roots=allowed_roots(templates))


@cache
def _font_config() -> weasyprint.text.fonts.FontConfiguration:
    """One font configuration per process, so fonts are loaded once, not per release."""
    atexit.register(_release_fonts)
    return _weasyprint().text.fonts.FontConfiguration()


def _release_fonts() -> None:
    """Drop the cached font configuration while the interpreter still works.

    WeasyPrint keeps ``@font-face`` files in a temporary folder that the configuration
    deletes when collected; left to interpreter shutdown, that fails and the folder stays.
    """
    _house_font_stylesheet.cache_clear()
    _parse_stylesheet.cache_clear()
    _font_config.cache_clear()
    gc.collect()


@cache
def _house_font_stylesheet() -> weasyprint.CSS:
    """The ``@font-face`` rules of the house font, loaded once per process into :func:`_font_config`."""
    weasyprint = _weasyprint()

    fetcher = _fetcher_class()(allowed_roots=font_dirs())  # the fonts' own files, whatever the templates
    return weasyprint.CSS(string=font_face_css(), font_config=_font_config(), url_fetcher=fetcher)


def _check_printable(release: Release, html: str) -> None:
    """Refuse text no shipped font can print, naming the character and where it is.

    Form and campaign files are checked when they are read (:mod:`authoring.printable`,
    with the field and line); this catches whatever else reaches the page.
    """
    text = _printed_text(html)
    missing = uncovered(text)
    if not missing:
        return
    char = missing[0]
    index = text.index(char)
    words = text[max(0, index - 40) : index + 40].split()
    snippet = " ".join(words[1 if index > 40 else 0 : -1 if index + 40 < len(text) else None])  # whole words
    others = f" (and {', '.join(describe(c) for c in missing[1:])})" if missing[1:] else ""
    raise UnprintableCharacterError(
        f"{release.force.slug}: no font the PDF may use ({_family_names()}) has {describe(char)}{others}, "
        f"in “{snippet}”; replace it in the form or campaign file"
    )


def _family_names() -> str:
    return " or ".join(family.name for family in FAMILIES)


class _BodyText(HTMLParser):
    """The text that gets printed: everything in ``<body>``, nothing of ``<head>``."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._in_body = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._in_body = self._in_body or tag == "body"

    def handle_data(self, data: str) -> None:
        if self._in_body:
            self.parts.append(data)


def _printed_text(html: str) -> str:
    parser = _BodyText()
    parser.feed(html)
    parser.close()
    return " ".join(parser.parts)


@cache
def _fatal_class() -> type[BaseException]:
    """WeasyPrint's errors that stop a render (a ``BaseException``, so caught by name)."""
    return _weasyprint().urls.FatalURLFetchingError  # type: ignore[no-any-return]


@cache
def _forbidden_class() -> type[BaseException]:
    class ForbiddenURL(_fatal_class()):  # type: ignore[misc]
        """A URL outside the project's assets: stops the render."""

    return ForbiddenURL


@cache
def _fetcher_class() -> type[Any]:
    forbidden = _forbidden_class()

    class AssetsOnlyFetcher(_weasyprint().urls.URLFetcher):  # type: ignore[misc]
        """Allows ``data:`` URIs and files inside the given folders; refuses everything else.

        A file is judged by its real path (``..`` and symbolic links resolved), and that
        real path is what gets read. No redirects are followed: only ``file:`` and
        ``data:`` are ever opened.
        """

        def __init__(self, *, allowed_roots: tuple[Path, ...]) -> None:
            super().__init__(allowed_protocols={"file", "data"}, allow_redirects=False, fail_on_errors=True)
            self.allowed_roots = tuple(root.resolve() for root in allowed_roots)

        def fetch(self, url: str, headers: Any = None) -> Any:
            parts = urlsplit(url)
            if parts.scheme == "data":
                return super().fetch(url, headers)
            if parts.scheme == "file" and parts.netloc in ("", "localhost"):
                path = _real_path(parts.path)
                if path and path.is_file() and any(path.is_relative_to(root) for root in self.allowed_roots):
                    return super().fetch(path.as_uri(), headers)
            folders = " and ".join(str(root) for root in self.allowed_roots)
            raise forbidden(f"refused to fetch {url!r}: only the project's own assets in {folders} may be used")

    return AssetsOnlyFetcher


def _real_path(url_path: str) -> Path | None:
    """The real path a ``file:`` URL's path names, or ``None`` if it names none."""
    try:
        return Path(unquote(url_path)).resolve()
    except (OSError, ValueError):  # a NUL byte, a symbolic-link loop
        return None
