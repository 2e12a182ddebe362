"""What WeasyPrint may read: the templates' ``html/`` folder and the font packages, nothing else.

The house stylesheet and the house font's ``@font-face`` rules are parsed once per process,
and one font configuration serves every release; :func:`assets_fetcher` refuses any URL
outside :func:`allowed_roots` (``data:`` URIs excepted).
"""

from __future__ import annotations

import atexit
import gc
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from authoring.fonts import BILINGUAL_FAMILY, font_dirs, font_face_css, one_family_css
from authoring.render.environment import Templates
from authoring.render.html import STYLESHEET

if TYPE_CHECKING:
    import weasyprint

from authoring.render.weasy import forbidden_class, weasyprint_module


def base_url(templates: Templates) -> str:
    return str(asset_root(templates) / "release.html")


def stylesheet_text(templates: Templates) -> str:
    """The house stylesheet as the HTML embeds it (empty if it cannot be read: the HTML said so already)."""
    try:
        return (templates.root / STYLESHEET).read_text(encoding="utf-8")
    except OSError:
        return ""


def parsed_stylesheet(css: str, templates: Templates) -> weasyprint.CSS:
    """The house stylesheet, parsed once per process (and per templates folder)."""
    return _parse_stylesheet(css, templates)


@cache
def _parse_stylesheet(css: str, templates: Templates) -> weasyprint.CSS:
    weasyprint = weasyprint_module()

    return weasyprint.CSS(
        string=css, base_url=base_url(templates), font_config=font_config(), url_fetcher=assets_fetcher(templates)
    )


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
    return fetcher_class()(allowed_roots=allowed_roots(templates))


@cache
def font_config() -> weasyprint.text.fonts.FontConfiguration:
    """One font configuration per process, so fonts are loaded once, not per release."""
    atexit.register(_release_fonts)
    return weasyprint_module().text.fonts.FontConfiguration()


def _release_fonts() -> None:
    """Drop the cached font configuration while the interpreter still works.

    WeasyPrint keeps ``@font-face`` files in a temporary folder that the configuration
    deletes when collected; left to interpreter shutdown, that fails and the folder stays.
    """
    house_font_stylesheet.cache_clear()
    bilingual_font_stylesheet.cache_clear()
    _parse_stylesheet.cache_clear()
    font_config.cache_clear()
    gc.collect()


@cache
def house_font_stylesheet() -> weasyprint.CSS:
    """The ``@font-face`` rules of the house font, loaded once per process into :func:`font_config`."""
    weasyprint = weasyprint_module()

    fetcher = fetcher_class()(allowed_roots=font_dirs())  # the fonts' own files, whatever the templates
    return weasyprint.CSS(string=font_face_css(), font_config=font_config(), url_fetcher=fetcher)


@cache
def bilingual_font_stylesheet() -> weasyprint.CSS:
    """Every page of a bilingual release set in :data:`authoring.fonts.BILINGUAL_FAMILY` alone."""
    weasyprint = weasyprint_module()

    return weasyprint.CSS(string=one_family_css(BILINGUAL_FAMILY), font_config=font_config())


@cache
def fetcher_class() -> type[Any]:
    forbidden = forbidden_class()

    class AssetsOnlyFetcher(weasyprint_module().urls.URLFetcher):  # type: ignore[misc]
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
