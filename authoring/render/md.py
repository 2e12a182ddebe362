"""Markdown: the Jinja template rendered with every value Markdown-escaped, after front matter naming its language.

Every Markdown release starts with YAML front matter that says what language it is in,
``lang`` as a BCP 47 tag, as the HTML page's ``lang`` says it (``en-GB``, ``cy``)::

    ---
    lang: cy
    ---

CommonMark itself has no metadata; front matter is the convention of the tools that take
Markdown for the web: pandoc reads ``lang`` from it (its HTML gets ``<html lang="cy">``),
and Jekyll, Hugo, Eleventy, Pelican (with its YAML metadata plugin) and MkDocs read the
block as the page's metadata and print none of it. The toolkit writes it, not the
template, so that every release has it, whatever templates folder is used. The e-mail's
plain-text part is not this file (:mod:`authoring.mail.text`), so front matter never
reaches a reader's mail. See docs/welsh.md.
"""

from __future__ import annotations

from collections.abc import Mapping

import yaml

from authoring.model.release import Release
from authoring.render import Format, Renderer, register
from authoring.render.environment import Templates
from authoring.render.html import render_template

MARKDOWN_TEMPLATE = "markdown/release.md.j2"


def render_markdown(release: Release, templates: Templates | None = None) -> str:
    """The release as Markdown (default: the shipped templates), after front matter naming its language."""
    body = render_template((templates or Templates.at()).markdown, MARKDOWN_TEMPLATE, release)
    return front_matter(release.language) + body


def front_matter(language: str) -> str:
    """YAML front matter saying the document's language: ``---\\nlang: cy\\n---`` and a blank line."""
    return "---\n" + yaml.safe_dump({"lang": language}, allow_unicode=True, sort_keys=False) + "---\n\n"


class MarkdownRenderer(Renderer):
    """The plain-text release, as Markdown."""

    format = Format.MD
    extension = "md"

    def render(self, release: Release, templates: Templates, needed: Mapping[Format, bytes]) -> bytes:
        return render_markdown(release, templates).encode()


register(MarkdownRenderer())
