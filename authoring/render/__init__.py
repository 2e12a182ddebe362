"""Renderers: one module per output format, all fed the same :class:`~authoring.context.Release`."""

from __future__ import annotations

from enum import StrEnum


class Format(StrEnum):
    """The output formats, in the order they are built (PDF needs the HTML)."""

    DOCX = "docx"
    HTML = "html"
    PDF = "pdf"
    MD = "md"


ALL_FORMATS: tuple[Format, ...] = tuple(Format)
