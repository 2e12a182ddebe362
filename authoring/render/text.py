"""HTML and Markdown: Jinja templates rendered to text."""

from __future__ import annotations

import jinja2
from markupsafe import Markup

from authoring.context import Release
from authoring.exceptions import TemplateProblemError
from authoring.render.environment import html_environment, markdown_environment, templates_dir

HTML_TEMPLATE = "html/release.html.j2"
STYLESHEET = "html/release.css"
MARKDOWN_TEMPLATE = "markdown/release.md.j2"


def render_html(release: Release) -> str:
    """The release as a standalone HTML page, its stylesheet embedded.

    The page stands alone (an e-mail attachment keeps its look), and it is the very page
    the PDF is printed from.
    """
    return _render(html_environment(), HTML_TEMPLATE, release, stylesheet=_stylesheet())


def render_markdown(release: Release) -> str:
    """The release as Markdown."""
    return _render(markdown_environment(), MARKDOWN_TEMPLATE, release)


def _stylesheet() -> Markup:
    """The house stylesheet, to embed in a <style> element (it is the project's, not form data)."""
    path = templates_dir() / STYLESHEET
    try:
        css = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise TemplateProblemError(f"stylesheet {path}: {exc.strerror}") from exc
    if "</" in css:
        raise TemplateProblemError(f"stylesheet {path}: '</' cannot stand in an embedded stylesheet")
    return Markup(css)


def _render(env: jinja2.Environment, name: str, release: Release, **extra: object) -> str:
    try:
        return env.get_template(name).render(release=release, **extra)
    except jinja2.TemplateError as exc:
        raise TemplateProblemError(f"template {name}: {exc}") from exc
