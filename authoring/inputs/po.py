"""A translator's round trip: what a bilingual round needs in Welsh, as a PO file, and back into its YAML.

:func:`export_catalog` collects every English text of a round that a bilingual release
needs in Welsh: the campaign's (:func:`authoring.model.bilingual.campaign_pairs`) and the
free texts of each bilingual force's form (:func:`authoring.model.bilingual.form_pairs`).
Each becomes one PO entry: the English as ``msgid``, the current Welsh as ``msgstr``
(empty while missing or TODO), its place as a ``#:`` reference (``campaign.yaml:42``), and
a context naming the file and the field (``campaign.yaml:background.0``), so that two
identical English texts stay two entries. Babel writes and reads the file
(:mod:`babel.messages.pofile`); translators use their own tools (Poedit, Weblate).

:func:`import_catalog` writes each translated entry back where it came from: under the
campaign's ``cy:`` block, or as the ``cy:`` twin beside the form's English. The YAML is
edited round-trip (ruamel.yaml), so its comments, order and layout stay as they were;
a file with no new Welsh is not written at all. An entry whose English has changed
since the export, or whose place is gone, is not written: it is reported, so that the
translator sees it again in the next export.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from authoring.exceptions import InvalidInputError, Problem, UsageError
from authoring.files.read import UnreadableFileError, read_regular
from authoring.files.write import write_files
from authoring.inputs.load import CAMPAIGN_FILE, form_files, validate_campaign, validate_form
from authoring.inputs.yamlsource import MAX_BYTES, Loc, field_path, load_yaml
from authoring.model.bilingual import Pair, campaign_pairs, form_pairs
from authoring.model.gaps import parse_gap

#: A PO file is a round's worth of text: far larger is a mistake (or an attack).
MAX_PO_BYTES = 4 * 1024 * 1024
#: The note on an entry that is a template, for the translator.
TEMPLATE_NOTE = "A template: keep each {{ … }} and {% … %} exactly as it is; translate the words around them."


@dataclass(frozen=True)
class Entry:
    """One English text of the round, where it is, and its Welsh so far."""

    path: Path
    pair: Pair
    line: int | None

    @property
    def context(self) -> str:
        """The entry's identity in the PO file: ``campaign.yaml:background.0``."""
        return f"{self.path.name}:{field_path(self.pair.english_loc)}"

    @property
    def welsh(self) -> str:
        """The Welsh as a translator sees it: empty while it is missing or TODO."""
        welsh = self.pair.welsh
        return welsh if isinstance(welsh, str) and parse_gap(welsh) is None else ""


@dataclass
class ImportReport:
    """What an import wrote, and the entries it could not."""

    written: list[Path] = field(default_factory=list)
    updated: int = 0
    unchanged: int = 0
    untranslated: int = 0
    stale: list[str] = field(default_factory=list)
    """One line per entry not written: its context and why."""


def round_entries(folder: Path) -> list[Entry]:
    """Every text of the round in ``folder`` a bilingual release needs in Welsh, in file order.

    Raises :class:`InvalidInputError` if the campaign or a bilingual force's form is invalid
    (fix it first: ``authoring validate`` says how), :class:`UsageError` if there is no campaign.
    """
    campaign_path = folder / CAMPAIGN_FILE
    if not campaign_path.is_file():
        raise UsageError(f"{folder}: no {CAMPAIGN_FILE} here; name a round's folder, e.g. forces/value-for-money-2013")
    document = load_yaml(campaign_path, keep_going=True)
    campaign = validate_campaign(document)
    entries = [
        Entry(campaign_path, pair, _line(document.locate(pair.english_loc))) for pair in campaign_pairs(campaign)
    ]
    problems: list[Problem] = []
    for path in form_files(folder):
        form_document = load_yaml(path, keep_going=True)
        try:
            form = validate_form(form_document, campaign)
        except InvalidInputError as error:
            problems.extend(error.problems)
            continue
        if campaign.welsh.bilingual(form.force):
            entries += [Entry(path, pair, _line(form_document.locate(pair.english_loc))) for pair in form_pairs(form)]
    if problems:
        raise InvalidInputError(problems)
    return entries


def _line(position: tuple[int, int] | None) -> int | None:
    return position[0] if position else None


def export_catalog(folder: Path) -> bytes:
    """The round's texts as a PO file (Welsh, ``cy``): every entry with its English, place and current Welsh."""
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import write_po

    entries = round_entries(folder)
    moment = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)  # no clock in the file: the same round, the same bytes
    catalog = Catalog(
        locale="cy",
        project=folder.name,
        creation_date=moment,
        revision_date=moment,
        fuzzy=False,
        version="",
        language_team="Cymraeg",
        last_translator="",
        msgid_bugs_address="",
        header_comment=(
            f"# Welsh for the round {folder.name}: every English text its bilingual releases need in Welsh.\n"
            "# Translate each msgstr; leave an entry empty if its Welsh is not ready. Import it back with\n"
            "# 'authoring welsh-import'. Each entry's context names the file and the field it belongs to."
        ),
    )
    for entry in entries:
        relative = entry.path.relative_to(folder).as_posix()
        notes = [TEMPLATE_NOTE] if "{{" in entry.pair.english or "{%" in entry.pair.english else []
        todo = parse_gap(entry.pair.welsh)
        catalog.add(
            entry.pair.english,
            entry.welsh,
            locations=[(relative, entry.line or 1)],
            auto_comments=notes,
            user_comments=[f"TODO {todo.note}".strip()] if todo is not None else [],
            context=entry.context,
        )
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=100, include_lineno=True)
    return buffer.getvalue()


def import_catalog(po_file: Path, folder: Path) -> ImportReport:
    """Write the translated entries of ``po_file`` back into the round in ``folder``; see the module docstring.

    Raises :class:`UsageError` if the PO file cannot be read, :class:`InvalidInputError`
    if the round itself is invalid, :class:`OSError` if a file cannot be written (then none is).
    """
    from babel.messages.pofile import PoFileError, read_po

    try:
        data = read_regular(po_file, limit=MAX_PO_BYTES, what="a PO file")
        catalog = read_po(io.BytesIO(data), abort_invalid=True)
    except (UnreadableFileError, PoFileError, UnicodeDecodeError, ValueError) as error:
        raise UsageError(f"{po_file}: cannot read it as a PO file ({error})") from error
    current = {entry.context: entry for entry in round_entries(folder)}
    report = ImportReport()
    changes: dict[Path, list[tuple[Entry, str]]] = {}
    for message in catalog:
        if not message.id or not isinstance(message.id, str):  # the header (or a plural entry, which we never write)
            continue
        context = message.context or ""
        entry = current.get(context)
        if entry is None:
            report.stale.append(f"{context}: no such text in the round any more; not written")
            continue
        if message.id != entry.pair.english:
            report.stale.append(f"{context}: the English has changed since the export; not written")
            continue
        welsh = message.string.strip() if isinstance(message.string, str) else ""
        if not welsh or message.fuzzy:
            report.untranslated += 1
            continue
        if welsh == entry.welsh:
            report.unchanged += 1
            continue
        changes.setdefault(entry.path, []).append((entry, welsh))
    edited = {path: _edited(path, pairs) for path, pairs in changes.items()}
    report.written = write_files(edited) if edited else []
    report.updated = sum(len(pairs) for pairs in changes.values())
    return report


def _yaml() -> Any:
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096  # never re-wrap a line of the file: its lines stay as they were written
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def _edited(path: Path, pairs: Sequence[tuple[Entry, str]]) -> bytes:
    """The file at ``path`` with each Welsh text put in its place, everything else as it was."""
    yaml = _yaml()
    data = yaml.load(read_regular(path, limit=MAX_BYTES).decode("utf-8"))
    for entry, welsh in pairs:
        if path.name == CAMPAIGN_FILE:
            _set(data, entry.pair.welsh_loc, welsh)
        else:
            _set_twin(data, entry.pair.english_loc, welsh)
    buffer = io.StringIO()
    yaml.dump(data, buffer)
    return buffer.getvalue().encode("utf-8")


def _set(data: Any, loc: Loc, value: str) -> None:
    """Set ``data`` at ``loc`` to ``value``, making the mappings and lists on the way (a list padded with TODO)."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    node = data
    for key, following in zip(loc, [*loc[1:], None], strict=True):
        if isinstance(key, int):
            while len(node) <= key:
                node.append("TODO")
        if following is None:
            node[key] = value
            return
        present = node[key] if isinstance(key, int) else node.get(key)
        if not isinstance(present, list | dict):
            node[key] = CommentedSeq() if isinstance(following, int) else CommentedMap()
        node = node[key]


def _set_twin(data: Any, loc: Loc, welsh: str) -> None:
    """Give the English text at ``loc`` its Welsh twin: ``{en: English, cy: Welsh}``."""
    from ruamel.yaml.comments import CommentedMap

    parent: Any = data
    for key in loc[:-1]:
        parent = parent[key]
    value = parent[loc[-1]]
    if isinstance(value, dict):
        value["cy"] = welsh
        return
    twin = CommentedMap()
    twin["en"] = value
    twin["cy"] = welsh
    parent[loc[-1]] = twin
