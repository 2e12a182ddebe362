"""The one place that makes Jinja environments: sandboxed, strict, autoescaping.

Form data is only ever *data* in a context; it is never compiled as template source,
and the sandbox stops a template (or anything it is given) reaching Python internals.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, MutableMapping
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import FileSystemLoader, StrictUndefined, Template, nodes
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup, escape

from authoring.exceptions import TemplateProblemError, UsageError
from authoring.inline import Inline

_PACKAGE_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"  # inside a built wheel
_SOURCE_TEMPLATES = Path(__file__).resolve().parent.parent.parent / "templates"  # in a checkout

#: Environment variable naming a templates folder to use instead of the shipped one.
TEMPLATES_ENV = "AUTHORING_TEMPLATES"


def templates_dir() -> Path:
    """The templates folder: ``$AUTHORING_TEMPLATES`` if set, else the wheel's, else the checkout's.

    Raises :class:`UsageError` if ``$AUTHORING_TEMPLATES`` names no folder (a usage
    mistake), :class:`TemplateProblemError` if the shipped templates are missing.
    """
    override = os.environ.get(TEMPLATES_ENV)
    if override:
        path = Path(override).resolve()
        if not path.is_dir():
            raise UsageError(f"{TEMPLATES_ENV}={override}: no such folder")
        return path
    for candidate in (_PACKAGE_TEMPLATES, _SOURCE_TEMPLATES):
        if candidate.is_dir():
            return candidate
    raise TemplateProblemError(f"templates folder not found (looked in {_PACKAGE_TEMPLATES} and {_SOURCE_TEMPLATES})")


def inline_html(value: Inline) -> Markup:
    """Inline text as HTML: every span escaped, italics as <em>, links as <a>."""
    parts = []
    for span in value.spans:
        html = escape(span.text)
        if span.italic:
            html = Markup("<em>{}</em>").format(html)
        if span.href:
            html = Markup('<a href="{}">{}</a>').format(span.href, html)
        parts.append(html)
    return Markup("").join(parts)


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|#])")
_MD_LINE_START = re.compile(r"^(\s*)(\d+)([.)])|^(\s*)([-+>=])", re.MULTILINE)


def md_escape(text: str) -> str:
    """Escape text so Markdown shows it literally (and no HTML gets through)."""
    text = _MD_SPECIAL.sub(r"\\\1", text).replace("&", "&amp;")
    return _MD_LINE_START.sub(lambda m: f"{m[1]}{m[2]}\\{m[3]}" if m[2] else f"{m[4]}\\{m[5]}", text)


def inline_md(value: Inline) -> Markup:
    """Inline text as Markdown (Markup marks it as already escaped)."""
    parts = []
    for span in value.spans:
        text = md_escape(span.text)
        if span.italic:
            text = f"*{text}*"
        if span.href:
            text = f"[{text}]({span.href})"
        parts.append(text)
    return Markup("".join(parts))


def _md_finalize(value: Any) -> Any:
    """Escape every expression output of a Markdown template unless already Markdown."""
    if isinstance(value, Markup):
        return value
    return md_escape(str(value))


@cache
def html_environment() -> ImmutableSandboxedEnvironment:
    """Environment for the HTML template: HTML autoescaping."""
    env = _environment(autoescape=True)
    env.filters["inline"] = inline_html
    return env


@cache
def markdown_environment() -> ImmutableSandboxedEnvironment:
    """Environment for the Markdown template: Markdown escaping of every output."""
    env = _environment(autoescape=False, finalize=_md_finalize)
    env.filters["inline"] = inline_md
    return env


class _CompileOnce(ImmutableSandboxedEnvironment):
    """An environment that compiles each template source once.

    docxtpl hands its environment the XML of each part of the Word template as a string
    on every render; compiling it again each time was a third of a DOCX's cost.
    """

    _LIMIT = 64

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._compiled: dict[str, Template] = {}

    def from_string(
        self,
        source: str | nodes.Template,
        globals: MutableMapping[str, Any] | None = None,
        template_class: type[Template] | None = None,
    ) -> Template:
        if not isinstance(source, str) or globals or template_class:
            return super().from_string(source, globals, template_class)
        compiled = self._compiled.get(source)
        if compiled is None:
            if len(self._compiled) >= self._LIMIT:
                self._compiled.clear()
            compiled = self._compiled[source] = super().from_string(source)
        return compiled


@cache
def docx_environment(inline: Callable[..., Any]) -> ImmutableSandboxedEnvironment:
    """Environment for docxtpl: XML autoescaping, each part compiled once per process.

    ``inline`` is the filter that turns inline text into Word runs; the DOCX renderer
    gives it, as it knows how Word's runs and links are made.
    """
    env = _CompileOnce(autoescape=True, undefined=StrictUndefined)
    env.filters["inline"] = inline
    return env


def _environment(*, autoescape: bool, **options: Any) -> ImmutableSandboxedEnvironment:
    return ImmutableSandboxedEnvironment(
        loader=FileSystemLoader(templates_dir()),
        autoescape=autoescape,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        **options,
    )
