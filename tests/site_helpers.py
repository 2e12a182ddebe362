"""Helpers for the newsroom's tests: a project built by a real batch, the site command, feed checks."""

from __future__ import annotations

import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

from typer.testing import CliRunner, Result

from authoring.build.batch import run_batch
from authoring.cli.app import app
from tests.conftest import ROOT

#: The address the tests serve the site at (in the feeds and the sitemap).
URL = "https://news.example.org/"
ROUND_2012 = "revisiting-police-relationships-2012"
ROUND_2013 = "value-for-money-2013"
ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})")
#: The 2012 round's embargo lifts at 00:01 GMT on 11 December 2012; the 2013 round's at 00:01 BST on 18 July 2013.
BEFORE_2012, AT_2012 = "2012-12-11T00:00", "2012-12-11T00:01"
LATER = "2014-01-01T09:00"


def batched_project(folder: Path) -> Path:
    """A project in ``folder``: a copy of the repository's two rounds, built by a real batch into ``output/``."""
    shutil.copytree(ROOT / "forces", folder / "forces")
    report = run_batch(sorted((folder / "forces").iterdir()), out_dir=folder / "output", jobs=2)
    assert report.ok, report.outcomes
    return folder


def copy_project(source: Path, target: Path) -> Path:
    shutil.copytree(source, target, symlinks=True)
    return target


def site(project: Path, *args: str | Path, out: Path | None = None) -> Result:
    """Run ``authoring site`` on ``project``'s batch output (into ``output/site`` unless ``out``)."""
    out = out or project / "output" / "site"
    command = ["site", "--built", str(project / "output"), "--out", str(out), "--url", URL, *map(str, args)]
    return CliRunner().invoke(app, command)


def rebatch(project: Path, round_: str = ROUND_2012) -> None:
    report = run_batch([project / "forces" / round_], out_dir=project / "output", jobs=1)
    assert report.ok, report.outcomes


def site_files(out: Path) -> dict[str, bytes]:
    """Every file the site wrote, by path inside it (its record and lock left out)."""
    return {
        path.relative_to(out).as_posix(): path.read_bytes()
        for path in sorted(out.rglob("*"))
        if path.is_file() and not path.name.startswith(".")
    }


def atom_problems(data: bytes) -> list[str]:
    """What an Atom document lacks that RFC 4287 requires (section 4.1), as sentences; [] if it is valid."""
    problems: list[str] = []
    root = ET.fromstring(data)
    if root.tag != f"{ATOM}feed":
        return [f"the root is {root.tag}, not atom:feed"]

    def one(parent: ET.Element, name: str, where: str) -> ET.Element | None:
        found = parent.findall(f"{ATOM}{name}")
        if len(found) != 1:
            problems.append(f"{where} has {len(found)} atom:{name}, not exactly one")
            return None
        return found[0]

    def check_date(element: ET.Element | None, where: str) -> None:
        if element is not None and not RFC3339.fullmatch(element.text or ""):
            problems.append(f"{where}: {element.text!r} is not an RFC 3339 date-time")

    def check_id(element: ET.Element | None, where: str) -> None:
        if element is not None and not re.fullmatch(r"[a-zA-Z][a-zA-Z0-9+.-]*:\S+", element.text or ""):
            problems.append(f"{where}: id {element.text!r} is not an absolute IRI")

    def check_links(parent: ET.Element, where: str) -> None:
        alternates: set[tuple[str | None, str | None]] = set()
        for link in parent.findall(f"{ATOM}link"):
            if not link.get("href"):
                problems.append(f"{where}: a link without href")
            if link.get("rel", "alternate") == "alternate":
                pair = (link.get("type"), link.get("hreflang"))
                if pair in alternates:
                    problems.append(f"{where}: two alternate links with the same type and hreflang")
                alternates.add(pair)

    check_id(one(root, "id", "the feed"), "the feed")
    one(root, "title", "the feed")
    check_date(one(root, "updated", "the feed"), "the feed")
    check_links(root, "the feed")
    if not [link for link in root.findall(f"{ATOM}link") if link.get("rel") == "self"]:
        problems.append("the feed has no link rel=self (RFC 4287 says it SHOULD)")
    feed_author = root.findall(f"{ATOM}author")
    ids: set[str] = set()
    for index, entry in enumerate(root.findall(f"{ATOM}entry")):
        where = f"entry {index}"
        entry_id = one(entry, "id", where)
        check_id(entry_id, where)
        if entry_id is not None:
            if entry_id.text in ids:
                problems.append(f"{where}: id {entry_id.text} used twice")
            ids.add(entry_id.text or "")
        one(entry, "title", where)
        check_date(one(entry, "updated", where), where)
        for published in entry.findall(f"{ATOM}published"):
            check_date(published, where)
        check_links(entry, where)
        if not feed_author and not entry.findall(f"{ATOM}author"):
            problems.append(f"{where}: no atom:author, and the feed has none")
        for author in [*feed_author, *entry.findall(f"{ATOM}author")]:
            one(author, "name", f"{where}'s author")
        has_alternate = any(link.get("rel", "alternate") == "alternate" for link in entry.findall(f"{ATOM}link"))
        if not entry.findall(f"{ATOM}content") and not has_alternate:
            problems.append(f"{where}: no atom:content and no alternate link")
    return problems


def sitemap_locations(data: bytes) -> list[str]:
    return [loc.text or "" for loc in ET.fromstring(data).iter(f"{SITEMAP}loc")]
