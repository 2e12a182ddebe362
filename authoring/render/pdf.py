"""PDF: WeasyPrint prints the HTML, fetching nothing but the project's own assets.

WeasyPrint is imported lazily: it takes most of a second to import, and commands that
do not make PDFs (validate, forces, a no-op batch) should not pay for it.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from authoring.context import Release
from authoring.exceptions import ForbiddenResourceError, RenderError
from authoring.render.environment import templates_dir

if TYPE_CHECKING:
    import weasyprint

#: The PDF variant: tagged, accessible PDF.
PDF_VARIANT = "pdf/ua-1"


def render_pdf(release: Release, html: str) -> bytes:
    """Print ``html`` (the release's HTML) to PDF bytes, deterministically."""
    import weasyprint

    fetcher = _fetcher_class()(allowed_root=asset_root())
    try:
        document = weasyprint.HTML(string=html, base_url=str(asset_root() / "release.html"), url_fetcher=fetcher)
        pdf = document.write_pdf(
            pdf_variant=PDF_VARIANT,
            pdf_identifier=hashlib.sha256(html.encode()).hexdigest()[:32].encode(),
            font_config=_font_config(),
        )
    except _forbidden_class() as exc:
        raise ForbiddenResourceError(f"{release.force.slug}: {exc}") from None
    if not isinstance(pdf, bytes):  # pragma: no cover - write_pdf() without a target returns bytes
        raise RenderError(f"{release.force.slug}: WeasyPrint returned no PDF")
    return pdf


def warm_up() -> None:
    """Import WeasyPrint and lay out a line in the stylesheet's fonts, loading them into the font configuration.

    Batch workers call this once when they start, before their first release.
    """
    import weasyprint

    html = '<link rel="stylesheet" href="release.css"><h1>Warm</h1><p>up <em>fonts</em> <strong>once</strong></p>'
    fetcher = _fetcher_class()(allowed_root=asset_root())
    document = weasyprint.HTML(string=html, base_url=str(asset_root() / "release.html"), url_fetcher=fetcher)
    document.render(font_config=_font_config())


def asset_root() -> Path:
    """The only folder WeasyPrint may read from: ``templates/html``."""
    return templates_dir() / "html"


@cache
def _font_config() -> weasyprint.text.fonts.FontConfiguration:
    """One font configuration per process, so fonts are loaded once, not per release."""
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


@cache
def _forbidden_class() -> type[BaseException]:
    from weasyprint.urls import FatalURLFetchingError

    class ForbiddenURL(FatalURLFetchingError):  # type: ignore[misc]
        """A URL outside the project's assets: stops the render."""

    return ForbiddenURL


@cache
def _fetcher_class() -> type[Any]:
    from weasyprint.urls import URLFetcher

    forbidden = _forbidden_class()

    class AssetsOnlyFetcher(URLFetcher):  # type: ignore[misc]
        """Allows ``data:`` URIs and files inside one folder; refuses everything else."""

        def __init__(self, *, allowed_root: Path) -> None:
            super().__init__(allowed_protocols={"file", "data"}, allow_redirects=False, fail_on_errors=True)
            self.allowed_root = allowed_root.resolve()

        def fetch(self, url: str, headers: Any = None) -> Any:
            parts = urlsplit(url)
            if parts.scheme == "data":
                return super().fetch(url, headers)
            if parts.scheme == "file" and parts.netloc in ("", "localhost"):
                path = Path(unquote(parts.path)).resolve()
                if path.is_relative_to(self.allowed_root) and path.is_file():
                    return super().fetch(url, headers)
            raise forbidden(
                f"refused to fetch {url!r}: only the project's own assets in {self.allowed_root} may be used"
            )

    return AssetsOnlyFetcher
