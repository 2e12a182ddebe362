"""Update a round's forms from its workbook: figures, verdicts and inspectors; nothing else.

The data flow: read the table (:mod:`authoring.sheet.read`) → match its header to the
campaign's columns (:mod:`authoring.sheet.columns`) → read each cell as a form's value
(:mod:`authoring.sheet.cells`) → for each force, the changes to its form → each changed
form's new text (:mod:`authoring.sheet.yamledit`: comments, order and free text kept) →
that text validated exactly as ``validate`` validates a form
(:func:`authoring.inputs.load.validate_form`: the same model, the same checks between
fields) → every problem at its cell → only if there is none, the forms written, each
atomically. A form the sheet does not change is not written at all, so an unchanged
sheet changes no byte of any form.

A force with no form, whose row gives something, gets a draft made by
:func:`authoring.inputs.scaffold.skeleton`: ``TODO`` wherever text is needed.

A form keeps one finding per kind for the sheet's columns: a form with two findings of a
kind is not guessed at (its cells must stay blank, or it is reported), and a kind the
sheet has no columns for is left as it is, and said so.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from authoring.exceptions import InvalidInputError, Problem
from authoring.files.read import UnreadableFileError, read_regular
from authoring.files.write import write_files
from authoring.inputs.load import form_files, validate_form
from authoring.inputs.project import load_campaign_folder
from authoring.inputs.scaffold import skeleton, write_schema_beside
from authoring.inputs.yamlsource import MAX_BYTES, SourceDocument, load_yaml, parse_yaml
from authoring.model.campaign import Campaign
from authoring.model.findings import FieldType
from authoring.registry import forces, unknown_force_message
from authoring.sheet.cells import Blank, CellError, read_cell, same
from authoring.sheet.columns import FORCE, PERIOD, Column, columns, kinds, one_finding_each
from authoring.sheet.read import Table, UnreadableTableError, column_letter, read_table
from authoring.sheet.yamledit import Edit, edited


@dataclass(frozen=True)
class Change:
    """One figure that changes: its column, the form's value and the sheet's."""

    header: str
    old: Any
    new: Any


@dataclass
class FormUpdate:
    """What the sheet changes in one force's form (a new draft if it has none)."""

    force: str
    path: Path
    new: bool
    changes: list[Change] = field(default_factory=list)
    text: str = ""
    original: bytes | None = None


@dataclass
class ImportResult:
    """What an import changes (or, in a dry run, would change), and what it left alone."""

    updates: list[FormUpdate]
    unchanged: int
    remarks: list[str]
    written: list[Path] = field(default_factory=list)


@dataclass
class _Form:
    path: Path
    document: SourceDocument | None
    problems: list[Problem]


def import_sheet(path: Path, folder: Path, *, dry_run: bool = False) -> ImportResult:
    """Update the forms of the campaign folder ``folder`` from the workbook (or CSV) at ``path``.

    Raises :class:`InvalidInputError` with every problem, at its cell, if any row is
    invalid; then nothing is written. With ``dry_run``, nothing is written either way.
    """
    campaign = load_campaign_folder(folder)
    try:
        table = read_table(path)
    except UnreadableTableError as exc:
        raise InvalidInputError([Problem(path, None, None, "", str(exc))]) from exc
    plan = _Plan(table, campaign, folder)
    result = plan.run()
    if plan.problems:
        raise InvalidInputError(plan.problems)
    if dry_run:
        return result
    result.written = _write(result.updates, campaign)
    return result


class _Plan:
    """One import: the table, the campaign's columns, the forms, and every problem found."""

    def __init__(self, table: Table, campaign: Campaign, folder: Path) -> None:
        self.table = table
        self.campaign = campaign
        self.folder = folder
        self.columns = columns(campaign)
        self.problems: list[Problem] = list(table.problems)
        self.remarks: list[str] = list(table.remarks)

    def run(self) -> ImportResult:
        header_row = next((index for index, row in enumerate(self.table.rows) if any(_filled(v) for v in row)), None)
        if header_row is None:
            self.problems.append(self.table.whole("the sheet is empty: its first row should name the columns"))
            return ImportResult([], 0, self.remarks)
        used = self._header(header_row)
        if FORCE not in used:
            self.problems.append(
                self.table.at(header_row, None, "", "no 'force' column in the first row: it says which force a row is")
            )
            return ImportResult([], 0, self.remarks)
        self._cell_marks(used, header_row)
        self._missing_kinds(used)
        forms = self._forms()
        updates: list[FormUpdate] = []
        unchanged = 0
        seen: dict[str, int] = {}
        blank = 0
        for index in range(header_row + 1, len(self.table.rows)):
            row = self.table.rows[index]
            cells = {header: row[at] if at < len(row) else None for header, at in used.items()}
            if not any(_filled(value) for header, value in cells.items() if header != "name"):
                blank += 1
                continue
            force = self._force(index, used, cells.get(FORCE))
            if force is None:
                continue
            if force in seen:
                message = f"'{force}' has two rows ({seen[force] + 1} and {index + 1}); give each force one row"
                self.problems.append(self.table.at(index, used[FORCE], FORCE, message))
                continue
            seen[force] = index
            values = self._values(index, used, cells)
            form = forms.get(force)
            update = self._update(index, used, force, values, form)
            if update is not None:
                updates.append(update)
            elif form is not None:
                unchanged += 1
        if blank:
            rows = "row was" if blank == 1 else "rows were"
            self.remarks.append(f"{self.table.path}: {blank} blank {rows} passed over")
        missing = sorted(force for force in forms if force not in seen and force in forces())
        if missing:
            kept = "its form is kept as it is" if len(missing) == 1 else "their forms are kept as they are"
            self.remarks.append(f"{self.table.path}: no row for {', '.join(missing)}; {kept}")
        return ImportResult(updates, unchanged, self.remarks)

    # ------------------------------------------------------------------ the header

    def _header(self, row: int) -> dict[str, int]:
        known = {column.header: column for column in self.columns}
        folded = {_fold(header): header for header in known}
        used: dict[str, int] = {}
        for index, value in enumerate(self.table.rows[row]):
            if not _filled(value):
                if any(_filled(r[index]) for r in self.table.rows[row + 1 :] if index < len(r)):
                    self.remarks.append(
                        f"{self.table.path}: column {column_letter(index)} has no header; it was passed over"
                    )
                continue
            text = str(value).strip()
            header = folded.get(_fold(text))
            if header is None:
                problem = self._unknown_header(text)
                if problem:
                    self.problems.append(self.table.at(row, index, text, problem))
                else:
                    self.remarks.append(
                        f"{self.table.path}: column {column_letter(index)} ('{text}') is not a figure of this round; "
                        "it was passed over"
                    )
                continue
            if header in used:
                message = f"'{header}' heads two columns ({column_letter(used[header])} and {column_letter(index)})"
                self.problems.append(self.table.at(row, index, header, message + "; delete one"))
                continue
            used[header] = index
        return used

    def _unknown_header(self, text: str) -> str | None:
        headers = [column.header for column in self.columns]
        kind, dot, name = text.partition(".")
        all_kinds = kinds(self.columns)
        if dot and kind in all_kinds:
            fields = [column.field for column in all_kinds[kind]]
            close = difflib.get_close_matches(name, fields, n=1, cutoff=0.6)
            hint = f"did you mean '{kind}.{close[0]}'?" if close else f"it has: {', '.join(fields)}"
            return f"a {kind} finding has no field '{name}'; {hint}"
        if dot and kind and " " not in kind:
            known = ", ".join(all_kinds) or "none"
            return f"no kind of finding '{kind}' in this round; its kinds are: {known}"
        close = difflib.get_close_matches(text.lower(), headers, n=1, cutoff=0.8)
        if close:
            return f"not a column of this round; did you mean '{close[0]}'?"
        return None

    def _missing_kinds(self, used: dict[str, int]) -> None:
        for kind, found in kinds(self.columns).items():
            if not any(column.header in used for column in found):
                self.remarks.append(
                    f"{self.table.path}: no columns for {kind}: every form's {kind} finding is kept as it is"
                )

    def _cell_marks(self, used: dict[str, int], header_row: int) -> None:
        where = {index: header for header, index in used.items()}
        for top, left, bottom, right in self.table.merged:
            touched = [where[c] for c in range(left, right + 1) if c in where]
            if touched and bottom >= header_row:
                span = f"{self.table.cell(top, left).split('!')[-1]}:{column_letter(right)}{bottom + 1}"
                message = f"cells {span} are merged; unmerge them: each force needs its own figure in its own cell"
                self.problems.append(self.table.at(top, left, touched[0], message))
        for row, column in self.table.formulas:
            if column in where and row > header_row:
                message = (
                    "a formula with no saved result (the file was saved by a program that does not calculate); "
                    "open it in Excel or LibreOffice and save it, or type the figure"
                )
                self.problems.append(self.table.at(row, column, where[column], message))

    # ------------------------------------------------------------------ the forms

    def _forms(self) -> dict[str, _Form]:
        found: dict[str, list[_Form]] = {}
        for path in form_files(self.folder):
            try:
                document: SourceDocument | None = load_yaml(path, keep_going=True)
                problems: list[Problem] = []
            except InvalidInputError as error:
                document, problems = None, list(error.problems)
            named = document.data.get("force") if document and isinstance(document.data, dict) else None
            force = named if isinstance(named, str) else path.stem
            found.setdefault(force, []).append(_Form(path, document, problems))
        result = {}
        for force, claimed in found.items():
            if len(claimed) > 1:
                files = ", ".join(str(form.path) for form in claimed)
                message = f"'{force}' is named by {len(claimed)} forms ({files}); each force may have one form only"
                result[force] = _Form(claimed[0].path, None, [Problem(claimed[0].path, None, None, "force", message)])
            else:
                result[force] = claimed[0]
        return result

    def _force(self, row: int, used: dict[str, int], value: Any) -> str | None:
        registry = forces()
        if not _filled(value):
            message = "no force in this row, but figures: fill in the force's key (see 'authoring forces')"
            self.problems.append(self.table.at(row, used[FORCE], FORCE, message))
            return None
        text = str(value).strip()
        if text.lower() in registry:
            return text.lower()
        by_name = {force.name.casefold(): slug for slug, force in registry.items()}
        if text.casefold() in by_name:
            return by_name[text.casefold()]
        self.problems.append(self.table.at(row, used[FORCE], FORCE, unknown_force_message(text)))
        return None

    def _values(self, row: int, used: dict[str, int], cells: dict[str, Any]) -> dict[str, Any]:
        values = {}
        for column in self.columns:
            if column.header not in used or column.informative or column.header == FORCE:
                continue
            raw = cells[column.header]
            if (
                column.type is FieldType.PERCENT
                and (row, used[column.header]) in self.table.percent
                and isinstance(raw, int | float)
                and not isinstance(raw, bool)
            ):
                raw = raw * 100  # shown as a percentage: 0.165 is the 16.5% the cell shows
            value = read_cell(raw, column)
            if isinstance(value, CellError):
                self.problems.append(self.table.at(row, used[column.header], column.header, value.message))
                continue
            values[column.header] = value
        return values

    # ------------------------------------------------------------------ one force's form

    def _update(
        self, row: int, used: dict[str, int], force: str, values: dict[str, Any], form: _Form | None
    ) -> FormUpdate | None:
        if form is not None and form.document is None:
            if any(not isinstance(value, Blank) for value in values.values()):
                self.problems.extend(form.problems)
            return None
        if form is None:
            path = self.folder / f"{force}.yaml"
            text = skeleton(forces()[force], campaign=self.campaign, path=path)
            document = parse_yaml(text, path)
            update = FormUpdate(force, path, new=True)
        else:
            assert form.document is not None
            document = form.document
            update = FormUpdate(force, form.path, new=False, original=document.raw)
            text = document.raw.decode("utf-8")
        data = document.data if isinstance(document.data, dict) else {}
        edits = self._edits(row, used, values, data, update)
        if not update.changes:
            return None
        if update.path.is_symlink():
            message = "the form is a symbolic link, and the toolkit never writes through a link; put the file here"
            self.problems.append(Problem(update.path, None, None, "", message))
            return None
        update.text = edited(text, edits)
        self._check(row, used, update, document)
        return update

    def _edits(
        self, row: int, used: dict[str, int], values: dict[str, Any], data: dict[str, Any], update: FormUpdate
    ) -> list[Any]:
        edits: list[Edit] = []
        order = list(data) or ["force", "status", "grade", "inspector", "findings"]
        for column in self.columns:
            if column.kind is not None or column.header not in values:
                continue
            value, old = values[column.header], data.get(column.field)
            if isinstance(value, Blank):
                if old is not None and not update.new:
                    message = f"blank, but the form says '{old}'; give the {_called(column)}, or TODO in a draft"
                    self.problems.append(self.table.at(row, used[column.header], column.header, message))
                continue
            if same(old, value, column) or (update.new and column.field == "status" and value == "draft"):
                continue
            update.changes.append(Change(column.header, old, value))
            edits.append(Edit("set", (column.field,), value, tuple(order)))
        single, twice = one_finding_each(data)
        for kind, found in kinds(self.columns).items():
            present = [column for column in found if column.header in values]
            if not present:
                continue
            given = {c.header: values[c.header] for c in present if not isinstance(values[c.header], Blank)}
            if kind in twice:
                if given:
                    first = next(iter(given))
                    message = (
                        f"the form has {len(twice[kind])} {kind} findings "
                        f"(findings {', '.join(map(str, twice[kind]))}); "
                        f"the sheet cannot say which to change: leave these cells blank and edit the form, "
                        f"or keep one {kind} finding"
                    )
                    self.problems.append(self.table.at(row, used[first], first, message))
                continue
            if kind in single:
                index, finding = single[kind]
                if not given:
                    first = present[0].header
                    message = (
                        f"every {kind} cell is blank, but the form has a {kind} finding (findings.{index}): "
                        f"fill them in, or delete the finding from the form"
                    )
                    self.problems.append(self.table.at(row, used[first], first, message))
                    continue
                names = [column.field for column in found]
                for column in present:
                    new, old = values[column.header], finding.get(column.field)
                    if same(old, new, column):
                        continue
                    update.changes.append(Change(column.header, old, new))
                    path = ("findings", index, column.field)
                    if isinstance(new, Blank):
                        edits.append(Edit("remove", path))
                    else:
                        edits.append(Edit("set", path, new, ("kind", *names)))
                continue
            if not given:
                continue
            pairs = [("kind", kind)] + [
                (c.field, given[c.header]) for c in present if c.header in given and c.field != PERIOD
            ]
            if f"{kind}.{PERIOD}" in given:
                pairs.append((PERIOD, given[f"{kind}.{PERIOD}"]))
            for column in present:
                if column.header in given:
                    update.changes.append(Change(column.header, None, given[column.header]))
            position = self._position(data, kind)
            edits.append(Edit("insert", ("findings", position), pairs))
        return edits

    def _position(self, data: dict[str, Any], kind: str) -> int:
        """Where a new finding of ``kind`` goes: after the findings of kinds before it in the campaign, else last."""
        order = list(self.campaign.findings)
        findings = data.get("findings") if isinstance(data.get("findings"), list) else []
        assert isinstance(findings, list)
        after = -1
        before = None
        for index, finding in enumerate(findings):
            other = finding.get("kind") if isinstance(finding, dict) else None
            if other in order and order.index(other) < order.index(kind):
                after = index
            elif other in order and before is None and order.index(other) > order.index(kind):
                before = index
        if after >= 0:
            return after + 1
        return before if before is not None else len(findings)

    def _check(self, row: int, used: dict[str, int], update: FormUpdate, before: SourceDocument) -> None:
        """Validate the form as the sheet leaves it, as ``validate`` does; each problem at its cell if it has one."""
        data: dict[str, Any] = {}
        try:
            document = parse_yaml(update.text, update.path, keep_going=True)
            data = document.data if isinstance(document.data, dict) else {}
            validate_form(document, self.campaign)
        except InvalidInputError as error:
            status_changed = any(change.header == "status" for change in update.changes)
            for problem in error.problems:
                self.problems.append(self._placed(row, used, update, before, data, problem, status_changed))

    def _placed(
        self,
        row: int,
        used: dict[str, int],
        update: FormUpdate,
        before: SourceDocument,
        data: dict[str, Any],
        problem: Problem,
        status_changed: bool,
    ) -> Problem:
        header = _header_of(problem.field, data)
        if header is not None and header in used:
            return self.table.at(row, used[header], header, problem.message)
        if header is not None and header.partition(".")[0] in kinds(self.columns):
            return self.table.at(row, None, header, f"{problem.message} ({update.force})")
        loc = tuple(int(part) if part.isdigit() else part for part in problem.field.split(".")) if problem.field else ()
        at = before.locate(loc) if not update.new and loc else None
        where = f" ({update.path}, line {at[0]})" if at else f" ({update.path})"
        if status_changed and "status" in used:
            return self.table.at(row, used["status"], problem.field or "status", problem.message + where)
        if update.new:
            return self.table.at(row, None, problem.field, f"{problem.message} (in the new draft {update.path})")
        line, column = at if at else (None, None)
        return Problem(update.path, line, column, problem.field, problem.message)


def _header_of(path: str, data: dict[str, Any]) -> str | None:
    """The column a problem's field path (``findings.3.target``) stands in, if any."""
    parts = path.split(".") if path else []
    if not parts:
        return None
    if parts[0] != "findings":
        return parts[0]
    findings = data.get("findings")
    if len(parts) < 2 or not parts[1].isdigit() or not isinstance(findings, list) or int(parts[1]) >= len(findings):
        return None
    finding = findings[int(parts[1])]
    if not isinstance(finding, dict) or not isinstance(finding.get("kind"), str):
        return None
    return f"{finding['kind']}.{parts[2]}" if len(parts) > 2 else f"{finding['kind']}"


def _called(column: Column) -> str:
    return {"grade": "verdict", "inspector": "inspector", "status": "status (draft or final)"}.get(
        column.field, column.header
    )


def _filled(value: Any) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


def _fold(text: str) -> str:
    return "".join(text.split()).casefold()


def _write(updates: Iterable[FormUpdate], campaign: Campaign) -> list[Path]:
    """Write every updated form at once; nothing if a form changed on disk since it was read."""
    updates = list(updates)
    stale = []
    for update in updates:
        if update.new:
            if os.path.lexists(update.path):
                stale.append(update.path)
            continue
        try:
            now = read_regular(update.path, limit=MAX_BYTES, links=True)
        except UnreadableFileError:
            now = None
        if now != update.original:
            stale.append(update.path)
    if stale:
        message = "changed while the sheet was read; nothing was written: run the import again"
        raise InvalidInputError([Problem(path, None, None, "", message) for path in stale])
    written = write_files({update.path: update.text.encode("utf-8") for update in updates})
    drafts = [update.path for update in updates if update.new]
    if drafts:
        write_schema_beside(drafts[0], campaign)
    return written


def describe(update: FormUpdate) -> list[str]:
    """A dry run's lines for one form: ``kent (forces/…/kent.yaml)`` then ``  savings.target: 54800000 → 55000000``."""
    from authoring.sheet.cells import shown

    what = "new draft" if update.new else "changes"
    lines = [f"{update.force} ({update.path}, {what}):"]
    lines.extend(f"  {change.header}: {shown(change.old)} → {shown(change.new)}" for change in update.changes)
    return lines
