"""HTML: the Jinja template rendered to a standalone page, its stylesheet embedded."""

from __future__ import annotations

import contextlib
from collections.abc import Mapping

import jinja2
from markupsafe import Markup

from authoring.exceptions import TemplateProblemError
from authoring.model.release import Release
from authoring.render import Format, Renderer, register
from authoring.render.environment import Templates, template_problem

HTML_TEMPLATE = "html/release.html.j2"
STYLESHEET = "html/release.css"


def render_html(release: Release, templates: Templates | None = None) -> str:
    """The release as a standalone HTML page, its stylesheet embedded (default: the shipped templates).

    The page stands alone (an e-mail attachment keeps its look), and it is the very page
    the PDF is printed from.
    """
    templates = templates or Templates.at()
    return render_template(templates.html, HTML_TEMPLATE, release, stylesheet=embedded_stylesheet(templates))


def embedded_stylesheet(templates: Templates, name: str = STYLESHEET) -> Markup:
    """A stylesheet of the templates (the house one by default), to embed in a <style> element.

    It is the project's, not form data; one that holds ``</`` is refused (it could end the element).
    """
    path = templates.root / name
    try:
        css = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise TemplateProblemError(f"stylesheet {path}: {exc.strerror}") from exc
    if "</" in css:
        raise TemplateProblemError(f"stylesheet {path}: '</' cannot stand in an embedded stylesheet")
    return Markup(css)


def render_template(env: jinja2.Environment, name: str, release: Release, **extra: object) -> str:
    """Render the template ``name`` with the release; a template's mistake is a :class:`TemplateProblemError`."""
    try:
        return env.get_template(name).render(release=release, **extra)
    except jinja2.TemplateError as exc:
        raise template_problem(name, exc) from exc


class HtmlRenderer(Renderer):
    """The page; the PDF is printed from it."""

    format = Format.HTML
    extension = "html"
    warms_up = True

    def warm_up(self, templates: Templates) -> None:
        """Compile the page's template (once, before a batch forks its workers, not once in each)."""
        with contextlib.suppress(jinja2.TemplateError):  # a broken template fails each release, saying why
            templates.html.get_template(HTML_TEMPLATE)

    def render(self, release: Release, templates: Templates, needed: Mapping[Format, bytes]) -> bytes:
        return render_html(release, templates).encode()


register(HtmlRenderer())
