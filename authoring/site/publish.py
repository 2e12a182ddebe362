"""``authoring site``: the newsroom written as a folder of static files.

:func:`build_site` reads as a data flow:

1. take the catalogue of what may be shown now (:func:`authoring.site.catalogue.catalogue`),
   under the batch output's lock, so that a batch never changes the files being read;
2. make every file of the site in memory (:func:`site_files`): the pages from the Jinja
   templates in ``templates/site/`` (autoescaped, sandboxed), each in its language's words
   (:mod:`authoring.site.words`: a Welsh page is Welsh throughout), the feeds and the
   sitemap from :mod:`authoring.site.feeds`, the downloads copied from the batch's output;
3. under the site folder's own lock, write only the files whose bytes differ from what is
   there (each atomically, :func:`authoring.files.write.write_files`), and remove the files
   an earlier run wrote that are no longer part of the site (a release back to draft, a
   rehearsal with a later ``--now``): only files the site recorded it wrote
   (``.authoring-site.json``), never anything else in the folder.

The same catalogue gives the same bytes: nothing depends on the clock but what is shown.
No part of a path comes from a form's text: rounds are named after their folder, forces by
their registry key, files by the names the batch gave them, all checked to be plain names.
The site folder, and every folder in it, is refused if it is a symbolic link.
"""

from __future__ import annotations

import datetime as dt
import json
import stat
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import FileSystemLoader, StrictUndefined, TemplateError
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup

from authoring.build.facts import DEFAULT_LANGUAGE
from authoring.build.pipeline import DEFAULT_OUT_DIR
from authoring.exceptions import OutputLockedError, OutputWriteError, UsageError
from authoring.files.lock import LOCK_FILE, output_lock
from authoring.files.read import UnreadableFileError, read_regular
from authoring.files.write import write_files
from authoring.render.environment import Templates, inline_html, template_problem
from authoring.site.catalogue import Catalogue, Published, Round, catalogue
from authoring.site.feeds import atom_feed, sitemap
from authoring.site.words import SiteWords, time_element

#: Where the site goes unless told otherwise: inside the batch's output folder.
DEFAULT_SITE_DIR = DEFAULT_OUT_DIR / "site"
#: The site's record of the files it wrote (so that it removes only its own).
RECORD_FILE = ".authoring-site.json"
FEED_FILE = "feed.atom"
STYLESHEET = "site.css"
ACCESSIBILITY = "accessibility/"
ANOTHER_FORMAT = "another-format/"
#: Language names, as a link to that version of a page says them (in the language itself).
LANGUAGE_NAMES = {"en": "English", "cy": "Cymraeg"}


@dataclass(frozen=True)
class SiteReport:
    """What a run did: the catalogue it showed, and the files written, unchanged and removed."""

    catalogue: Catalogue
    site_dir: Path
    written: tuple[Path, ...]
    unchanged: int
    removed: tuple[Path, ...]
    base_url: str = ""
    """The address the feeds and the sitemap give the site."""


def build_site(
    *,
    built: Path = DEFAULT_OUT_DIR,
    site_dir: Path = DEFAULT_SITE_DIR,
    now: dt.datetime,
    base_url: str | None = None,
    templates: Templates | None = None,
    examples: bool = False,
) -> SiteReport:
    """Write the newsroom for ``now`` from the batch output ``built`` into ``site_dir``; see the module docstring.

    ``base_url`` is the address the folder is served at (the feeds and the sitemap need
    whole addresses); by default the newest round's web address. Example rounds are left
    out unless ``examples`` (to try the site out). Raises
    :class:`UsageError` (no manifest, a bad address), :class:`OutputLockedError` (a batch or
    another site run is busy) and :class:`OutputWriteError` (a link in the way, a full disk).
    """
    templates = templates or Templates.at()
    if site_dir.resolve() == built.resolve():
        raise UsageError(
            f"--out {site_dir} is the batch's output folder; give a folder of its own, e.g. {built / 'site'}"
        )
    with output_lock(built):
        shown = catalogue(built, now=now, examples=examples)
    url = _base_url(base_url or shown.words.website or "http://localhost/")
    files = site_files(shown, base_url=url, templates=templates)
    _refuse_links(site_dir)
    try:
        with output_lock(site_dir):
            return _write(shown, site_dir, files, url)
    except OutputLockedError:
        raise OutputLockedError(
            f"another 'authoring site' is writing to {site_dir}; wait for it, then run again"
        ) from None


def _base_url(url: str) -> str:
    if not url.startswith(("https://", "http://")) or any(c.isspace() or c in "\"'<>" for c in url):
        raise UsageError(f"--url {url!r}: give the site's address, e.g. https://news.example.org/")
    return url if url.endswith("/") else url + "/"


# --------------------------------------------------------------------------- the files


def site_files(shown: Catalogue, *, base_url: str, templates: Templates) -> dict[str, bytes]:
    """Every file of the site, by path inside it (``/``-separated), for the catalogue ``shown``.

    Each page is in one language, and says everything in it (its :class:`SiteWords`): a
    release's page in the release's, the others in English; the accessibility statement
    and the 'another format' page in every language a release is in.
    """
    env = _environment(templates.root)
    files: dict[str, bytes] = {}
    words = shown.words
    common: dict[str, Any] = {
        "feed": FEED_FILE,
        "languages": LANGUAGE_NAMES,
        "base_url": base_url,
        "words_in": shown.words_in,
    }

    def page(path: str, template: str, *, words: SiteWords = words, **context: Any) -> None:
        depth = path.count("/")
        away = Markup(' hreflang="{}"').format(DEFAULT_LANGUAGE) if words.language != DEFAULT_LANGUAGE else Markup()
        try:
            html = env.get_template(f"site/{template}").render(
                **common, **context, words=words, away=away, root="../" * depth, here=path.removesuffix("index.html")
            )
        except TemplateError as error:
            raise template_problem(f"site/{template}", error) from error
        files[path] = html.encode()

    page("index.html", "home.html.j2", rounds=shown.rounds)
    for folder, word, paragraphs in (
        (ACCESSIBILITY, "accessibility", "accessibility_statement"),
        (ANOTHER_FORMAT, "another_format_link", "another_format"),
    ):
        versions = [(language, folder + shown.words_in(language).folder) for language in shown.languages]
        for language, path in versions:
            in_language = shown.words_in(language)
            page(
                f"{path}index.html",
                "words.html.j2",
                words=in_language,
                title=in_language.text(word),
                paragraphs=getattr(in_language, paragraphs),
                versions=versions if len(versions) > 1 else [],
            )
    for round_ in shown.rounds:
        page(f"{round_.path}index.html", "round.html.j2", round=round_)
        files[f"{round_.path}{FEED_FILE}"] = atom_feed(
            title=f"{round_.title}: {words.title}",
            feed_id=f"tag:{round_.tag_authority},{round_.release_date.isoformat()}:{round_.slug}",
            url=base_url + round_.path,
            self_url=base_url + round_.path + FEED_FILE,
            author=round_.organisation,
            entries=[(release, round_) for release in round_.releases],
            base_url=base_url,
            words_in=shown.words_in,
        )
        for release in round_.releases:
            page(
                f"{release.path}index.html",
                "release.html.j2",
                words=shown.words_in(release.language),
                round=round_,
                release=release,
                versions=round_.languages_of(release),
            )
            for download in release.downloads:
                files[f"{release.files_path}{download.name}"] = download.data
            for download in release.bilingual:  # once for every language: beside the English page
                files[f"{release.bilingual_path}{download.name}"] = download.data
        if round_.national is not None:
            page(f"{round_.path}national/index.html", "national.html.j2", round=round_, national=round_.national)
            for download in round_.national.downloads:
                files[f"{round_.path}national/{download.name}"] = download.data
    files[FEED_FILE] = atom_feed(
        title=words.title,
        feed_id=base_url + FEED_FILE,
        url=base_url,
        self_url=base_url + FEED_FILE,
        author=shown.rounds[0].organisation if shown.rounds else words.title,
        entries=[(release, round_) for round_ in shown.rounds for release in round_.releases],
        base_url=base_url,
        words_in=shown.words_in,
    )
    files["sitemap.xml"] = sitemap(_sitemap_pages(shown, base_url))
    files["robots.txt"] = f"User-agent: *\nAllow: /\nSitemap: {base_url}sitemap.xml\n".encode()
    files[STYLESHEET] = _stylesheet(templates.root)
    return files


def _sitemap_pages(shown: Catalogue, base_url: str) -> list[tuple[str, dt.datetime | None, dict[str, str]]]:
    newest = max((round_.updated for round_ in shown.rounds), default=None)
    pages: list[tuple[str, dt.datetime | None, dict[str, str]]] = [(base_url, newest, {})]
    for folder in (ACCESSIBILITY, ANOTHER_FORMAT):
        words = {language: base_url + folder + shown.words_in(language).folder for language in shown.languages}
        for address in words.values():
            pages.append((address, None, words if len(words) > 1 else {}))
    for round_ in shown.rounds:
        pages.append((base_url + round_.path, round_.updated, {}))
        if round_.national is not None:
            pages.append((base_url + round_.path + "national/", round_.published, {}))
        for release in round_.releases:
            versions = round_.languages_of(release)
            alternates = {v.language: base_url + v.path for v in versions} if len(versions) > 1 else {}
            pages.append((base_url + release.path, release.updated, alternates))
    return pages


@cache
def _environment(root: Path) -> ImmutableSandboxedEnvironment:
    env = ImmutableSandboxedEnvironment(
        loader=FileSystemLoader(root),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["inline"] = inline_html
    env.globals["DEFAULT_LANGUAGE"] = DEFAULT_LANGUAGE
    env.globals["time_element"] = time_element
    return env


def _stylesheet(root: Path) -> bytes:
    try:
        return (root / "site" / STYLESHEET).read_bytes()
    except OSError as error:
        raise UsageError(f"templates folder {root}: cannot read site/{STYLESHEET}: {error.strerror}") from None


# --------------------------------------------------------------------------- writing


def _refuse_links(site_dir: Path) -> None:
    """Refuse a site folder that is, or lies inside, a symbolic link's target given as the folder itself."""
    try:
        info = site_dir.lstat()
    except FileNotFoundError:
        return
    except OSError as error:
        raise OutputWriteError(f"cannot use {site_dir} as the site folder: {error.strerror}") from None
    if stat.S_ISLNK(info.st_mode):
        raise OutputWriteError(
            f"cannot use {site_dir} as the site folder: it is a symbolic link (the toolkit never writes through a "
            "link; give the real folder with --out)"
        )
    if not stat.S_ISDIR(info.st_mode):
        raise OutputWriteError(f"cannot use {site_dir} as the site folder: it is a file, not a folder")


def _check_folders(site_dir: Path, paths: Mapping[str, bytes]) -> None:
    """Every folder a file goes into is a real folder (or not there yet): never a link, never a file."""
    seen: set[str] = set()
    for relative in paths:
        parts = relative.split("/")[:-1]
        for depth in range(1, len(parts) + 1):
            folder = "/".join(parts[:depth])
            if folder in seen:
                continue
            seen.add(folder)
            try:
                info = (site_dir / folder).lstat()
            except FileNotFoundError:
                continue
            if not stat.S_ISDIR(info.st_mode):
                what = "a symbolic link" if stat.S_ISLNK(info.st_mode) else "not a folder"
                raise OutputWriteError(
                    f"cannot write the site into {site_dir}: {site_dir / folder} is {what}; remove it and run again"
                )


def _write(shown: Catalogue, site_dir: Path, files: dict[str, bytes], base_url: str) -> SiteReport:
    _check_folders(site_dir, files)
    record = site_dir / RECORD_FILE
    previous = _record(record)
    changed: dict[Path, bytes] = {}
    for relative, data in files.items():
        target = site_dir / relative
        try:
            same = read_regular(target, limit=len(data), what="a site file") == data
        except UnreadableFileError:
            same = False
        if not same:
            changed[target] = data
    listed = (json.dumps(sorted(files), indent=0) + "\n").encode()
    try:
        written = write_files(changed)
        removed = _remove(site_dir, [path for path in previous if path not in files])
        if previous != sorted(files) or not record.is_file():
            write_files({record: listed})
    except OSError as error:
        raise OutputWriteError(
            f"cannot write the site into {site_dir}: {error.strerror or error}"
            + (f" ({error.filename})" if error.filename else "")
        ) from error
    return SiteReport(
        catalogue=shown,
        site_dir=site_dir,
        written=tuple(sorted(written)),
        unchanged=len(files) - len(changed),
        removed=tuple(removed),
        base_url=base_url,
    )


def _record(path: Path) -> list[str]:
    """The files an earlier run wrote, as it recorded them (only plain relative paths are believed)."""
    try:
        data = json.loads(read_regular(path, limit=16 * 1024 * 1024, what="the site's record"))
    except (UnreadableFileError, ValueError, RecursionError):
        return []
    if not isinstance(data, list):
        return []
    return sorted(
        str(item)
        for item in data
        if isinstance(item, str)
        and item
        and not item.startswith("/")
        and all(part and not part.startswith(".") for part in item.split("/"))
        and item != LOCK_FILE
    )


def _remove(site_dir: Path, paths: list[str]) -> list[Path]:
    """Delete the files no longer part of the site (regular files only), then their folders if empty."""
    removed = []
    for relative in paths:
        path = site_dir / relative
        try:
            if any((site_dir / parent).is_symlink() for parent in _parents(relative)):
                continue
            if not stat.S_ISREG(path.lstat().st_mode):
                continue
            path.unlink()
        except OSError:
            continue
        removed.append(path)
        for parent in reversed(_parents(relative)):
            try:
                (site_dir / parent).rmdir()
            except OSError:
                break
    return sorted(removed)


def _parents(relative: str) -> list[str]:
    parts = relative.split("/")[:-1]
    return ["/".join(parts[: depth + 1]) for depth in range(len(parts))]


__all__ = ["DEFAULT_SITE_DIR", "Published", "Round", "SiteReport", "build_site", "site_files"]
