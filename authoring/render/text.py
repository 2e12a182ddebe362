"""HTML and Markdown: Jinja templates rendered to text."""

from __future__ import annotations

import jinja2

from authoring.context import Release
from authoring.exceptions import TemplateProblemError
from authoring.render.environment import html_environment, markdown_environment

HTML_TEMPLATE = "html/release.html.j2"
MARKDOWN_TEMPLATE = "markdown/release.md.j2"


def render_html(release: Release) -> str:
    """The release as a standalone HTML page (its stylesheet linked, not inlined)."""
    return _render(html_environment(), HTML_TEMPLATE, release)


def render_markdown(release: Release) -> str:
    """The release as Markdown."""
    return _render(markdown_environment(), MARKDOWN_TEMPLATE, release)


def _render(env: jinja2.Environment, name: str, release: Release) -> str:
    try:
        return env.get_template(name).render(release=release)
    except jinja2.TemplateError as exc:
        raise TemplateProblemError(f"template {name}: {exc}") from exc
