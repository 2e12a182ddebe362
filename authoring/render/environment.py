"""The one place that makes Jinja environments: sandboxed, strict, autoescaping.

Form data is only ever *data* in a context; it is never compiled as template source,
and the sandbox stops a template (or anything it is given) reaching Python internals.
"""

from __future__ import annotations

import re
import string
import unicodedata
from collections.abc import Callable, MutableMapping
from functools import cache, cached_property
from pathlib import Path
from typing import Any

from jinja2 import FileSystemLoader, StrictUndefined, Template, TemplateError, TemplateSyntaxError, nodes
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup, escape

from authoring.exceptions import TemplateProblemError, UsageError
from authoring.model.inline import Inline, Span

_PACKAGE_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"  # inside a built wheel
_SOURCE_TEMPLATES = Path(__file__).resolve().parent.parent.parent / "templates"  # in a checkout


def template_problem(name: str, error: TemplateError) -> TemplateProblemError:
    """A template's mistake as the toolkit reports it: the template, its line where Jinja knows it, in words.

    ``'authoring.model.release.Release object' has no attribute 'nosuch'`` becomes
    ``release has nothing called 'nosuch'``.
    """
    line = error.lineno if isinstance(error, TemplateSyntaxError) else _template_line(error, name)
    message = _NO_ATTRIBUTE.sub(lambda found: f"{_short(found[1])} has nothing called '{found[2]}'", str(error))
    where = f"template {name}, line {line}" if line else f"template {name}"
    return TemplateProblemError(f"{where}: {message}")


_NO_ATTRIBUTE = re.compile(r"'([\w.]+) object' has no attribute '([^']*)'")


def _short(type_name: str) -> str:
    """``authoring.model.release.Release`` → ``release``; ``dict`` → ``dict``."""
    return type_name.rsplit(".", 1)[-1].lower()


def _template_line(error: BaseException, name: str) -> int | None:
    """The line of template ``name`` a runtime error came from: Jinja's traceback frames carry it."""
    line = None
    tb = error.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename.replace("\\", "/").endswith(name):
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def shipped_templates() -> Path:
    """The shipped templates folder: the wheel's, else the checkout's.

    Raises :class:`TemplateProblemError` if neither is there.
    """
    for candidate in (_PACKAGE_TEMPLATES, _SOURCE_TEMPLATES):
        if candidate.is_dir():
            return candidate
    raise TemplateProblemError(f"templates folder not found (looked in {_PACKAGE_TEMPLATES} and {_SOURCE_TEMPLATES})")


class Templates:
    """One templates folder and the Jinja environments that read it, made once per folder.

    The folder is chosen at the edge (the CLI's ``--templates``) and handed down to every
    renderer; nothing in the library reads the environment to find it. Get one with
    :meth:`at`, which gives the same object (and so the same compiled templates) for the
    same folder.
    """

    def __init__(self, root: Path) -> None:
        self.root = root

    def __repr__(self) -> str:
        return f"Templates({str(self.root)!r})"

    @staticmethod
    def at(root: Path | None = None) -> Templates:
        """The templates in ``root`` (default: the shipped ones).

        Raises :class:`UsageError` if ``root`` is no folder, :class:`TemplateProblemError`
        if the shipped templates are missing.
        """
        if root is None:
            return _templates(shipped_templates())
        path = root.resolve()
        if not path.is_dir():
            raise UsageError(f"templates folder {root}: no such folder")
        return _templates(path)

    @cached_property
    def html(self) -> ImmutableSandboxedEnvironment:
        """Environment for the HTML template: HTML autoescaping."""
        env = _environment(self.root, autoescape=True)
        env.filters["inline"] = inline_html
        return env

    @cached_property
    def markdown(self) -> ImmutableSandboxedEnvironment:
        """Environment for the Markdown template: Markdown escaping of every output."""
        env = _environment(self.root, autoescape=False, finalize=_md_finalize)
        env.filters["inline"] = inline_md
        return env


@cache
def _templates(root: Path) -> Templates:
    return Templates(root)


def inline_html(value: Inline) -> Markup:
    """Inline text as HTML: every span escaped, italics as <em>, web addresses as <a>."""
    parts = []
    for span in value.spans:
        html = escape(span.text)
        if span.italic:
            html = Markup("<em>{}</em>").format(html)
        if span.target:
            html = Markup('<a href="{}">{}</a>').format(span.target, html)
        parts.append(html)
    return Markup("").join(parts)


# --- Markdown ----------------------------------------------------------------------------
#
# A value is one line of inline text in the block the template gives it, and stays so in
# CommonMark and GFM: line breaks fold into spaces (so no value adds or ends a block),
# what a line could start a block with is escaped, and every character that means
# something inline is backslash-escaped. Left as they are: ``( ) . : /`` and the like, which
# mean nothing once the brackets are escaped; except where they could make a bare address
# (``//``, ``name.org``) that GFM or a linkifier would turn into a link.

_MD_SPACE = re.compile(r"[ \t\n\r\f\v]+")
_MD_INLINE = r"[\\`*_\[\]<>!|~#$@]|&(?=[A-Za-z0-9#])"  # escaped everywhere
_MD_BARE_ADDRESS = r"|(?<=/)/|(?<=\w)\.(?=[^\W\d_])"  # escaped outside links: '//', 'name.org'
_MD_SPECIAL = re.compile(_MD_INLINE + _MD_BARE_ADDRESS)
_MD_SPECIAL_IN_LINK = re.compile(_MD_INLINE)
_MD_BLOCK_START = re.compile(r"^( ?)(?:(\d+)(?=[.)])|(?=[-+=]))")  # list items, setext underlines


def md_escape(text: str, *, in_link: bool = False) -> str:
    """Escape ``text`` so CommonMark and GFM show it literally, on one line, in any block."""
    text = _MD_SPACE.sub(" ", text)
    text = (_MD_SPECIAL_IN_LINK if in_link else _MD_SPECIAL).sub(r"\\\g<0>", text)
    return _MD_BLOCK_START.sub(lambda match: f"{match[0]}\\", text, count=1)


def inline_md(value: Inline) -> Markup:
    """Inline text as Markdown: escaped, italics as ``*…*``, web addresses as ``[text](target)``.

    Italics are written only where CommonMark's flanking rules make ``*`` emphasis there;
    elsewhere (``word*(aside)*``, which no Markdown can italicise) the words stay plain.
    """
    spans = _md_runs(value.spans)
    out = ""
    for index, span in enumerate(spans):
        target = span.href
        body = md_escape(span.text, in_link=target is not None)
        core = body.strip()
        lead, trail = body[: len(body) - len(body.lstrip())], body[len(body.rstrip()) :]
        if span.italic and core:
            if target:
                core = f"*{core}*"
            else:
                before = (out + lead)[-1:] or " "
                after = trail[:1] or _md_first_char(spans[index + 1 :])
                if _md_can_open(before, core[0]) and _md_can_close(core[-1], after):
                    core = f"*{core}*"
        if target:
            core = f"[{core}]({_md_destination(target)})"
        out += lead + core + trail
    return Markup(out)


def _md_runs(spans: tuple[Span, ...]) -> tuple[Span, ...]:
    """The spans as Markdown writes them: ``href`` is the link target, or ``None`` if the span
    is no link; neighbours that are written alike are joined, so no ``**`` falls between them."""
    runs: list[Span] = []
    for span in spans:
        if runs and (runs[-1].italic, runs[-1].href) == (span.italic, span.target):
            runs[-1] = Span(runs[-1].text + span.text, span.italic, span.target)
        else:
            runs.append(Span(span.text, span.italic, span.target))
    return tuple(runs)


def _md_destination(target: str) -> str:
    """A link target (already percent-encoded) as a Markdown link destination: no entities."""
    return target.replace("&", "\\&")


def _md_first_char(rest: tuple[Span, ...]) -> str:
    """The first character the Markdown of ``rest`` starts with (a space at the end of the line)."""
    if not rest:
        return " "
    if rest[0].href:
        return "["
    return md_escape(rest[0].text)[:1] or " "


def _md_punctuation(char: str, *, surely: bool) -> bool:
    """Punctuation to CommonMark: Unicode punctuation (P), and to newer parsers symbols (S) too."""
    category = unicodedata.category(char)
    return char in string.punctuation or category.startswith("P") or (not surely and category.startswith("S"))


def _md_space(char: str) -> bool:
    """White space to CommonMark: space separators (Zs), tab, line feed, form feed, carriage return."""
    return char in "\t\n\f\r" or unicodedata.category(char) == "Zs"


def _md_can_open(before: str, first: str) -> bool:
    """A ``*`` between ``before`` and ``first`` opens emphasis (is left-flanking) in every parser."""
    return not _md_punctuation(first, surely=False) or _md_space(before) or _md_punctuation(before, surely=True)


def _md_can_close(last: str, after: str) -> bool:
    """A ``*`` between ``last`` and ``after`` closes emphasis (is right-flanking) in every parser."""
    return not _md_punctuation(last, surely=False) or _md_space(after) or _md_punctuation(after, surely=True)


def _md_finalize(value: Any) -> Any:
    """Escape every expression output of a Markdown template unless already Markdown."""
    if isinstance(value, Markup):
        return value
    return md_escape(str(value))


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


def _environment(root: Path, *, autoescape: bool, **options: Any) -> ImmutableSandboxedEnvironment:
    return ImmutableSandboxedEnvironment(
        loader=FileSystemLoader(root),
        autoescape=autoescape,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        **options,
    )
