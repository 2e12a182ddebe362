"""Markdown: the Jinja template rendered with every value Markdown-escaped."""

from __future__ import annotations

from collections.abc import Mapping

from authoring.model.release import Release
from authoring.render import Format, Renderer, register
from authoring.render.environment import Templates
from authoring.render.html import render_template

MARKDOWN_TEMPLATE = "markdown/release.md.j2"


def render_markdown(release: Release, templates: Templates | None = None) -> str:
    """The release as Markdown (default: the shipped templates)."""
    return render_template((templates or Templates.at()).markdown, MARKDOWN_TEMPLATE, release)


class MarkdownRenderer(Renderer):
    """The plain-text release, as Markdown."""

    format = Format.MD
    extension = "md"

    def render(self, release: Release, templates: Templates, needed: Mapping[Format, bytes]) -> bytes:
        return render_markdown(release, templates).encode()


register(MarkdownRenderer())
