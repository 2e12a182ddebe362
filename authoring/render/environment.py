"""The one place that makes Jinja environments: sandboxed, strict, autoescaping.

Form data is only ever *data* in a context; it is never compiled as template source,
and the sandbox stops a template (or anything it is given) reaching Python internals.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import FileSystemLoader, StrictUndefined
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup, escape

from authoring.exceptions import TemplateProblemError
from authoring.inline import Inline

_PACKAGE_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"  # inside a built wheel
_SOURCE_TEMPLATES = Path(__file__).resolve().parent.parent.parent / "templates"  # in a checkout

#: Environment variable naming a templates folder to use instead of the shipped one.
TEMPLATES_ENV = "AUTHORING_TEMPLATES"


def templates_dir() -> Path:
    """The templates folder: ``$AUTHORING_TEMPLATES`` if set, else the wheel's, else the checkout's."""
    override = os.environ.get(TEMPLATES_ENV)
    if override:
        path = Path(override).resolve()
        if not path.is_dir():
            raise TemplateProblemError(f"{TEMPLATES_ENV}={override}: no such folder")
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


def docx_environment(rich: Callable[[Inline], Any]) -> ImmutableSandboxedEnvironment:
    """Environment for docxtpl: XML autoescaping, and ``rich`` to turn inline text into runs."""
    env = _environment(autoescape=True, loader=False)
    env.filters["inline"] = rich
    return env


def _environment(*, autoescape: bool, loader: bool = True, **options: Any) -> ImmutableSandboxedEnvironment:
    return ImmutableSandboxedEnvironment(
        loader=FileSystemLoader(templates_dir()) if loader else None,
        autoescape=autoescape,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        **options,
    )
