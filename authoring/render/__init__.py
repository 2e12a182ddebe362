"""Renderers: one module per output format, each registering one :class:`Renderer`.

A renderer is what a Sphinx builder is to Sphinx: a format name, a file extension, the
formats it is made from (the PDF is printed from the HTML), and a ``render`` method
given the :class:`~authoring.model.release.Release`, the templates and those formats' bytes.
:func:`render` renders any set of formats in dependency order, with the release's
translations and its :class:`Companion` documents (a Welsh release's bilingual document);
the build, the batch and the manifest know formats only through :func:`formats` and :func:`renderer`. Adding a
format is one module that calls :func:`register` (the built-in ones are listed in
:data:`BUILTIN`, imported when this package is).
"""

from __future__ import annotations

import importlib
from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping, Sequence
from typing import ClassVar

from authoring.model.release import Release
from authoring.render.environment import Templates


class Format(str):
    """A format's name (``"pdf"``): a manifest key, a ``--format`` value, a file extension's source."""

    __slots__ = ()

    DOCX: ClassVar[Format]
    HTML: ClassVar[Format]
    PDF: ClassVar[Format]
    MD: ClassVar[Format]

    @property
    def value(self) -> str:
        """The name, as a plain string."""
        return str(self)

    def __repr__(self) -> str:
        return f"Format({str(self)!r})"


Format.DOCX, Format.HTML, Format.PDF, Format.MD = Format("docx"), Format("html"), Format("pdf"), Format("md")


class Renderer(ABC):
    """Renders a release in one format."""

    #: The format's name.
    format: Format
    #: The extension of its files, without the dot.
    extension: str
    #: The formats it may be made from; :func:`render` makes them first and hands their bytes over.
    needs: tuple[Format, ...] = ()

    #: Whether :meth:`warm_up` loads something costly enough that a batch's workers do it before the first release.
    warms_up: bool = False

    def warm_up(self, templates: Templates) -> None:
        """Load, once per process, what every release would otherwise load (default: nothing)."""
        return

    def warm_up_for(self, templates: Templates, releases: Sequence[Release]) -> None:
        """Warm up for these releases (default: :meth:`warm_up`); a renderer whose work depends on the
        release (the PDF, on its engine) loads only what they use."""
        self.warm_up(templates)

    def fork_safe(self) -> bool:
        """Whether a process forked from this one can still render this format (default: yes).

        Not so once a library that lays out with threads (Typst) has run here: a batch then
        starts its workers afresh instead of forking them.
        """
        return True

    def settings(self, release: Release) -> dict[str, str]:
        """The run's choices this release's file depends on besides its inputs (the PDF's engine), by name.

        A batch records them in the manifest, and rebuilds a file made with other ones (default: none).
        """
        return {}

    def needs_for(self, release: Release) -> tuple[Format, ...]:
        """The formats this release's file is made from: some of :attr:`needs` (default: all)."""
        return self.needs

    @abstractmethod
    def render(self, release: Release, templates: Templates, needed: Mapping[Format, bytes]) -> bytes:
        """The release in this format; ``needed`` holds the bytes of each format in :attr:`needs`."""


_REGISTRY: dict[Format, Renderer] = {}


class Companion(ABC):
    """A document a release makes together with its translations (docs/welsh.md: the one bilingual document).

    Its files are rendered with the release's own (:func:`render`) and written, recorded
    and rebuilt with them; each is keyed by its format and the companion's key (``pdf@cy+en``).
    """

    @abstractmethod
    def names(self, release: Release, formats: Iterable[Format]) -> dict[Format, str]:
        """The file name of each of its files of ``release`` in ``formats``, by key; none if the release makes none."""

    @abstractmethod
    def render(self, release: Release, formats: frozenset[Format], templates: Templates) -> dict[Format, bytes]:
        """Its files of ``release`` in ``formats`` (those it makes), by the keys :meth:`names` gives."""


_COMPANIONS: list[Companion] = []


def register_companion(companion: Companion) -> Companion:
    """Render ``companion``'s documents with every release that makes one (in the order registered)."""
    if companion not in _COMPANIONS:
        _COMPANIONS.append(companion)
    return companion


def companions() -> tuple[Companion, ...]:
    """Every registered :class:`Companion`."""
    return tuple(_COMPANIONS)


def register(renderer: Renderer) -> Renderer:
    """Make a format available to every build, batch and ``--format``; formats keep the order registered.

    Raises :class:`ValueError` if the format is taken or needs a format not yet registered.
    """
    if renderer.format in _REGISTRY and _REGISTRY[renderer.format] is not renderer:
        raise ValueError(f"the format '{renderer.format}' is already registered")
    missing = [need for need in renderer.needs if need not in _REGISTRY]
    if missing:
        raise ValueError(f"'{renderer.format}' needs {', '.join(missing)}, which no renderer makes")
    _REGISTRY[Format(renderer.format)] = renderer
    return renderer


def unregister(name: str) -> None:
    """Remove a format (and keep the others); for a format added for a while, e.g. by a test."""
    if any(name in other.needs for other in _REGISTRY.values()):
        raise ValueError(f"another format is made from '{name}'")
    _REGISTRY.pop(Format(name), None)


def formats() -> tuple[Format, ...]:
    """Every registered format, in the order they are built (a format after those it needs)."""
    return tuple(_REGISTRY)


def format_named(name: str) -> Format:
    """The registered format called ``name`` (or ``pdf@cy``: a format in a language). :class:`ValueError` if none."""
    if split_format(name)[0] not in _REGISTRY:
        raise ValueError(f"no renderer makes the format '{name}'")
    return Format(name)


def renderer(name: str) -> Renderer:
    """The renderer of a format (of ``pdf@cy``: the PDF's). Raises :class:`KeyError` for a format no renderer makes."""
    return _REGISTRY[split_format(name)[0]]


def split_format(name: str) -> tuple[Format, str | None]:
    """A format and the language of a translation's file: ``pdf@cy`` → (pdf, 'cy'); ``pdf`` → (pdf, None)."""
    base, _, language = name.partition("@")
    return Format(base), language or None


def in_language(fmt: str, language: str) -> Format:
    """The key of a translation's file in the format ``fmt``: ``pdf@cy`` (in a build's outputs and the manifest)."""
    return Format(f"{split_format(fmt)[0]}@{language}")


def render(
    release: Release, wanted: Iterable[Format] | None = None, *, templates: Templates | None = None
) -> dict[Format, bytes]:
    """Render one release in the ``wanted`` formats (default: all), each format it needs first.

    Its translations (:attr:`Release.translations`) are rendered in the same formats,
    each keyed by :func:`in_language` (``pdf@cy``).

    ``templates`` defaults to the shipped ones. Raises :class:`ValueError` for a format no
    renderer makes.
    """
    templates = templates or Templates.at()
    chosen = {split_format(format_named(fmt))[0] for fmt in (formats() if wanted is None else wanted)}
    made: dict[Format, bytes] = {}
    for fmt in making(chosen, release):
        step = renderer(fmt)
        made[fmt] = step.render(release, templates, {need: made[need] for need in step.needs_for(release)})
    outputs = {fmt: data for fmt, data in made.items() if fmt in chosen}
    for twin in release.translations:  # the Welsh of a bilingual release: the same formats, keyed pdf@cy
        for fmt, data in render(twin, chosen, templates=templates).items():
            outputs[in_language(fmt, twin.language)] = data
    for companion in _COMPANIONS:  # what it makes with its translations: the bilingual document, keyed pdf@cy+en
        outputs.update(companion.render(release, frozenset(chosen), templates))
    return outputs


def making(wanted: Iterable[Format], release: Release | None = None) -> tuple[Format, ...]:
    """The formats rendered to make ``wanted``: those and every format they need, in build order.

    For a given ``release``, what its files need (a PDF by Typst needs no HTML page);
    without one, everything they may need.
    """
    needed = set(wanted)
    for fmt in reversed(formats()):  # a format comes after the ones it needs, so one pass back finds them all
        if fmt in needed:
            step = renderer(fmt)
            needed.update(step.needs if release is None else step.needs_for(release))
    return tuple(fmt for fmt in formats() if fmt in needed)


#: The formats shipped with the toolkit, one module each, in build order.
BUILTIN: tuple[str, ...] = ("docx", "html", "pdf", "md")

for _module in BUILTIN:
    importlib.import_module(f"{__name__}.{_module}")

#: The shipped formats (a format registered later is built only when asked for).
ALL_FORMATS: tuple[Format, ...] = formats()

#: The shipped companions: documents a release makes with its translations (the bilingual document).
COMPANIONS: tuple[str, ...] = ("bilingual_doc",)

for _module in COMPANIONS:
    importlib.import_module(f"{__name__}.{_module}")
