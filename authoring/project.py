"""Where the project is, found the way git finds its repository; and what a mistyped path meant.

A project is a folder with ``forces/campaign.yaml`` in it. Commands run anywhere inside
it — in the project folder, in ``forces/``, in ``output/kent/`` — find it by walking up
from the working folder, so that ``authoring batch`` run from ``forces/`` still reads
``forces/`` and writes ``output/`` beside it, not ``forces/output/``.
"""

from __future__ import annotations

import difflib
import os
from dataclasses import dataclass
from pathlib import Path

from authoring.exceptions import UsageError
from authoring.loading import CAMPAIGN_FILE, DEFAULT_FORMS_DIR
from authoring.registry import forces

#: Where builds go, inside the project, unless told otherwise.
OUTPUT_FOLDER = "output"


@dataclass(frozen=True)
class Project:
    """A project folder, as a path relative to the working folder where it is inside it."""

    root: Path

    @property
    def forms_dir(self) -> Path:
        """The folder of forms and their campaign: ``forces/``."""
        return self.root / DEFAULT_FORMS_DIR

    @property
    def out_dir(self) -> Path:
        """Where releases are written unless told otherwise: ``output/``."""
        return self.root / OUTPUT_FOLDER


def find_project(start: Path | None = None) -> Project | None:
    """The nearest folder, from ``start`` (the working folder) upwards, that has ``forces/campaign.yaml``."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / DEFAULT_FORMS_DIR / CAMPAIGN_FILE).is_file():
            return Project(Path(os.path.relpath(folder, here)) if folder != here else Path())
    return None


def forms_dir() -> Path:
    """The project's folder of forms; ``forces`` if there is one here without a campaign yet.

    Raises :class:`UsageError`, saying where to run from, if there is neither.
    """
    project = find_project()
    if project is not None:
        return project.forms_dir
    if DEFAULT_FORMS_DIR.is_dir():
        return DEFAULT_FORMS_DIR
    raise UsageError(
        f"no {DEFAULT_FORMS_DIR}/{CAMPAIGN_FILE} here or in any folder above; run authoring inside the project "
        f"(the folder with {DEFAULT_FORMS_DIR}/), or name the forms"
    )


def out_dir() -> Path:
    """The project's output folder (``output`` here if there is no project)."""
    project = find_project()
    return project.out_dir if project is not None else Path(OUTPUT_FOLDER)


def check_paths(paths: list[Path]) -> None:
    """Raise :class:`UsageError` for the first path that does not exist, saying what it probably meant.

    ``build kent`` → did you mean ``forces/kent.yaml``? — or, if the force has no form yet,
    ``authoring new kent`` writes one.
    """
    for path in paths:
        if not path.exists():
            raise UsageError(f"{path}: no such file or folder{_meant(path)}")


def _meant(path: Path) -> str:
    name = path.name.removesuffix(".yaml")
    if not name:
        return ""
    if path.parent == Path():
        if name.lower() in ("true", "false", "yes", "no"):
            return "; flags such as --final take no value: write the flag alone"
        project = find_project()
        folder = project.forms_dir if project else DEFAULT_FORMS_DIR
        candidate = folder / f"{name}.yaml"
        if candidate.is_file():
            return f"; did you mean {candidate}?"
    else:
        folder = path.parent
    stems = [form.stem for form in folder.glob("*.yaml") if form.name != CAMPAIGN_FILE] if folder.is_dir() else []
    close = difflib.get_close_matches(name, stems, n=1, cutoff=0.75)
    if close:
        return f"; did you mean {folder / close[0]}.yaml?"
    if name in forces():
        return f"; {name} has no form yet: 'authoring new {name}' writes one"
    return ""
