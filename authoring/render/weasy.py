"""WeasyPrint, tuned: imported once without cffi's library search, streams compressed at level 6.

Also the translation of WeasyPrint's fatal errors (a ``BaseException`` it raises when a
fetch is refused) into the toolkit's own :class:`~authoring.exceptions.RenderError` and
:class:`~authoring.exceptions.ForbiddenResourceError`.
"""

from __future__ import annotations

import contextlib
import ctypes.util
import io
import sys
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from typing import TYPE_CHECKING, Any

from authoring.exceptions import ForbiddenResourceError, RenderError
from authoring.model.release import Release

if TYPE_CHECKING:
    pass


@cache
def weasyprint_module() -> Any:
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


@cache
def use_fast_compression() -> None:
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


@contextmanager
def render_errors(release: Release) -> Iterator[None]:
    """Turn WeasyPrint's fatal fetch errors into the toolkit's own."""
    try:
        yield
    except fatal_class() as exc:
        error = ForbiddenResourceError if isinstance(exc, forbidden_class()) else RenderError
        raise error(f"{release.force.slug}: {exc}") from None


@cache
def fatal_class() -> type[BaseException]:
    """WeasyPrint's errors that stop a render (a ``BaseException``, so caught by name)."""
    return weasyprint_module().urls.FatalURLFetchingError  # type: ignore[no-any-return]


@cache
def forbidden_class() -> type[BaseException]:
    class ForbiddenURL(fatal_class()):  # type: ignore[misc]
        """A URL outside the project's assets: stops the render."""

    return ForbiddenURL
