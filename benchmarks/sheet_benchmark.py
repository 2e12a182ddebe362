"""Import of a round's workbook, against rewriting the forms from scratch, side by side in one run.

A synthetic round of the example value-for-money campaign: a form for each of the 44 forces
(every kind of finding, a text finding, a quote, comments), and a workbook written by
``authoring sheet`` in which every force's figures change. Timed (wall clock, median of
``--repeat`` runs, each on a fresh copy of the forms):

* ``import``: :func:`authoring.sheet.importer.import_sheet` — read with python-calamine,
  every cell checked, each changed form edited with ruamel.yaml (comments, order and text
  kept), validated as ``validate`` validates it, and written atomically;
* ``from scratch``: the naive way — the same workbook read with openpyxl, each form read
  with PyYAML, its figures replaced, and the form written again with ``yaml.safe_dump``
  (comments and layout lost, nothing validated);
* ``read only``: the workbook's cells read with python-calamine and with openpyxl.

440 forces are ten such rounds (ten campaign folders), imported one after another.

    .venv/bin/python benchmarks/sheet_benchmark.py [--repeat 7]

Every form says it is synthetic; everything is written under a temporary folder.
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from authoring.registry import forces  # noqa: E402
from authoring.sheet.importer import import_sheet  # noqa: E402
from authoring.sheet.workbook import round_sheet, xlsx_bytes  # noqa: E402

CAMPAIGN = REPO / "forces" / "value-for-money-2013" / "campaign.yaml"
HEADER = "# SYNTHETIC benchmark form: invented figures, not a real release.\n"


def synthetic_form(slug: str, seed: int, *, flow: bool = False) -> str:
    """A form; with ``flow``, its structured findings written on one line each ({kind: savings, …})."""
    rng = random.Random(f"{slug}/{seed}")
    target = rng.randrange(10, 200) * 100000
    text = yaml.safe_dump(
        {
            "force": slug,
            "status": "draft",
            "grade": rng.choice(["outstanding", "good", "requires-improvement", "inadequate"]),
            "inspector": "alex-morgan",
            "findings": [
                {"kind": "spending", "budget": rng.randrange(100, 3000) * 1000000, "year": "2013/14"},
                {"kind": "savings", "target": target, "identified": target // 2, "share_of_budget": 12.5},
                "[Synthetic] The force has joined its back-office services with a neighbouring force.",
                {"kind": "workforce", "officers_then": rng.randrange(1000, 5000), "officers_by_2015": 900},
                {"kind": "crime", "since": "2010-04-01", "direction": "fallen", "change": 7.5, "published": True},
            ],
            "quote": ["[Synthetic] This example shows a force that is finding its savings."],
        },
        sort_keys=False,
        allow_unicode=True,
        width=100,
    )
    if flow:
        text = re.sub(r"^- kind: (.*)\n((?:  \w+: .*\n)+)", _one_line, text, flags=re.MULTILINE)
    return HEADER + text


def _one_line(match: re.Match[str]) -> str:
    fields = ", ".join(line.strip() for line in match.group(2).splitlines())
    return f"- {{kind: {match.group(1)}, {fields}}}\n"


def make_round(folder: Path, seed: int, *, flow: bool = False) -> None:
    folder.mkdir(parents=True)
    shutil.copy(CAMPAIGN, folder / "campaign.yaml")
    for slug in forces():
        (folder / f"{slug}.yaml").write_text(synthetic_form(slug, seed, flow=flow), encoding="utf-8")


def changed_workbook(folder: Path, target: Path, *, added: bool = False) -> None:
    """The round's workbook from ``authoring sheet``, with every force's savings target and officers changed.

    With ``added``, every form also gains a figure it did not have (``savings.from_collaboration``).
    """
    import openpyxl

    target.write_bytes(xlsx_bytes(round_sheet(folder)))
    book = openpyxl.load_workbook(target)
    figures = book["Figures"]
    header = {cell.value: cell.column for cell in figures[1]}
    for row in range(2, figures.max_row + 1):
        figures.cell(row, header["savings.target"]).value = figures.cell(row, header["savings.target"]).value + 1000
        figures.cell(row, header["workforce.officers_by_2015"]).value = 950
        if added:
            figures.cell(row, header["savings.from_collaboration"]).value = 12500
    book.save(target)


def from_scratch(workbook: Path, folder: Path) -> None:
    """The naive way: openpyxl reads the sheet; each form is loaded, its figures set, and dumped again."""
    import openpyxl

    book = openpyxl.load_workbook(workbook, data_only=True)
    rows = list(book["Figures"].iter_rows(values_only=True))
    header = [str(value) for value in rows[0]]
    for row in rows[1:]:
        cells = dict(zip(header, row, strict=False))
        path = folder / f"{cells['force']}.yaml"
        form = yaml.safe_load(path.read_text(encoding="utf-8"))
        for name in ("status", "grade", "inspector"):
            form[name] = cells[name]
        for finding in form["findings"]:
            if isinstance(finding, dict):
                for field in list(finding):
                    value = cells.get(f"{finding['kind']}.{field}")
                    if value is not None:
                        finding[field] = value.isoformat()[:10] if hasattr(value, "isoformat") else value
                if finding.get("kind") == "savings" and cells.get("savings.from_collaboration") is not None:
                    finding["from_collaboration"] = cells["savings.from_collaboration"]
        path.write_text(yaml.safe_dump(form, sort_keys=False, allow_unicode=True), encoding="utf-8")


def read_calamine(workbook: Path) -> int:
    from python_calamine import CalamineWorkbook

    return len(CalamineWorkbook.from_path(str(workbook)).get_sheet_by_name("Figures").to_python())


def read_openpyxl(workbook: Path) -> int:
    import openpyxl

    return len(list(openpyxl.load_workbook(workbook, read_only=True, data_only=True)["Figures"].iter_rows()))


def timed(run: Callable[[], object], prepare: Callable[[], None], repeat: int) -> tuple[float, float]:
    """The medians of wall-clock and CPU seconds over ``repeat`` runs."""
    walls, cpus = [], []
    for _ in range(repeat):
        prepare()
        start, cpu = time.perf_counter(), time.process_time()
        run()
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="sheet-benchmark-") as temp:
        base = Path(temp)
        rounds = [base / "rounds" / f"round-{n}" for n in range(10)]
        for n, folder in enumerate(rounds):
            make_round(folder, n)
            changed_workbook(folder, base / f"round-{n}.xlsx")
        changed_workbook(rounds[0], base / "added.xlsx", added=True)
        flow_round = base / "flow-round"
        make_round(flow_round, 0, flow=True)
        changed_workbook(flow_round, base / "flow.xlsx", added=True)
        work = base / "work"

        def fresh(count: int, *, flow: bool = False) -> Callable[[], None]:
            def prepare() -> None:
                shutil.rmtree(work, ignore_errors=True)
                for n in range(count):
                    shutil.copytree(flow_round if flow else rounds[n], work / f"round-{n}")

            return prepare

        def importing(count: int, name: str = "round-{n}.xlsx") -> Callable[[], None]:
            def run() -> None:
                for n in range(count):
                    result = import_sheet(base / name.format(n=n), work / f"round-{n}")
                    assert len(result.written) == 44, result

            return run

        def naive(count: int, name: str = "round-{n}.xlsx") -> Callable[[], None]:
            def run() -> None:
                for n in range(count):
                    from_scratch(base / name.format(n=n), work / f"round-{n}")

            return run

        import_sheet(base / "round-0.xlsx", rounds[0], dry_run=True)  # warm: the libraries and the form model
        print(f"median of {args.repeat} runs, seconds: wall clock (CPU)")
        print(f"{'forces':>7}  {'import':>14}  {'from scratch':>14}  {'ratio':>5}")
        scenarios = [
            (1, "round-{n}.xlsx", "figures changed"),
            (10, "round-{n}.xlsx", "figures changed"),
            (1, "added.xlsx", "a figure added to every form (in place)"),
            (1, "flow.xlsx", "the same, findings written {kind: …} (ruamel.yaml)"),
        ]
        for count, name, what in scenarios:
            prepare = fresh(count, flow=name == "flow.xlsx")
            ours = timed(importing(count, name), prepare, args.repeat)
            theirs = timed(naive(count, name), prepare, args.repeat)
            print(
                f"{44 * count:>7}  {ours[0]:6.3f} ({ours[1]:5.3f})  {theirs[0]:6.3f} ({theirs[1]:5.3f})  "
                f"{ours[0] / theirs[0]:5.2f}  {what}"
            )
        workbook = base / "round-0.xlsx"
        calamine = timed(lambda: read_calamine(workbook), lambda: None, args.repeat)[0]
        openpyxl_time = timed(lambda: read_openpyxl(workbook), lambda: None, args.repeat)[0]
        print(
            f"reading the 44-row workbook: python-calamine {calamine * 1000:.1f} ms, "
            f"openpyxl {openpyxl_time * 1000:.1f} ms ({openpyxl_time / calamine:.1f}x)"
        )


if __name__ == "__main__":
    main()
