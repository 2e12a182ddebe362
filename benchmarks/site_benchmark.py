"""Benchmark ``authoring site``: a newsroom of 44 releases in two rounds, after the batch.

Usage (from the checkout, with the package installed)::

    python benchmarks/site_benchmark.py            # 7 runs of each scenario (about two minutes)
    python benchmarks/site_benchmark.py --runs 3

Everything happens in a temporary folder: two rounds of 22 synthetic forms each
(benchmarks/synthetic.py), built once by ``authoring batch`` (not timed). Then, each
``authoring site`` run as its own process, as cron would run it, side by side:

0. the floor: ``authoring --version`` (the interpreter and the command line starting, no work);
1. the naive way: every file of the site written again (an empty site folder each time:
   what a generator that does not compare bytes first costs);
2. a rerun with nothing changed (the compare-before-write way: nothing is written);
3. a rerun after one release was corrected and rebuilt by a batch (the batch not timed):
   that release's page, its round's page and feed, the office feed and the sitemap change.

Then, in this process, where the time of one run goes (reading and checking the batch's
output, making the pages and feeds, comparing and writing). The target: under 1 s.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import synthetic

from authoring.registry import forces

TARGET_SECONDS = 1.0
NOW = "2013-01-01T09:00"


#: The CPU time (user + system) of each process timed by :func:`authoring`, in the order run.
CPU: list[float] = []


def authoring(*args: str | Path, cwd: Path) -> float:
    """Run ``python -m authoring ARGS`` in ``cwd``; its wall time in seconds (its CPU time goes to :data:`CPU`).

    On a shared machine the wall time includes waiting for a core; the CPU time does not,
    and on an idle machine the two are about equal for this single-process command.
    """
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "authoring", *map(str, args)], cwd=cwd, capture_output=True, text=True, check=False
    )
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    CPU.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    if done.returncode != 0:
        raise SystemExit(f"authoring {' '.join(map(str, args))} failed ({done.returncode}):\n{done.stderr}")
    return seconds


def make_project(root: Path) -> tuple[Path, list[Path]]:
    """Two rounds of 22 forces each (44 releases), built by a batch; returns the project and the forms."""
    slugs = sorted(forces())
    halves = (slugs[:22], slugs[22:])
    forms: list[Path] = []
    for index, (day, keep) in enumerate(zip((11, 12), halves, strict=True)):
        folder = root / "forces" / f"round-{index + 1}"
        for form in synthetic.write_forms(folder, release_day=day):
            if form.stem in keep:
                forms.append(form)
            else:
                form.unlink()
        campaign = folder / "campaign.yaml"
        text = campaign.read_text(encoding="utf-8")
        campaign.write_text(
            text.replace("national_report: Revisiting Police Relationships", f"national_report: Round {index + 1}"),
            encoding="utf-8",
        )
    print("building 44 releases with 'authoring batch' (not timed) …", flush=True)
    seconds = authoring("batch", cwd=root)
    print(f"  batch: {seconds:.1f} s", flush=True)
    return root, forms


def repeat(label: str, runs: int, once: Callable[[int], float]) -> tuple[list[float], list[float]]:
    """Run ``once`` ``runs`` times: the wall times, and the CPU times of the timed ``site`` processes."""
    times, cpu = [], []
    for index in range(runs):
        seconds = once(index)
        cpu.append(CPU[-1])
        print(f"  {label:<34} run {index + 1}/{runs}: {seconds:6.3f} s wall, {cpu[-1]:6.3f} s CPU", flush=True)
        times.append(seconds)
    return times, cpu


def where_the_time_goes(project: Path, runs: int) -> None:
    from authoring.files.lock import output_lock
    from authoring.render.environment import Templates
    from authoring.site.catalogue import catalogue
    from authoring.site.clock import parse_now
    from authoring.site.publish import _write, site_files

    stages: dict[str, list[float]] = {
        "read the batch's output (catalogue)": [],
        "make pages and feeds": [],
        "compare and write": [],
    }
    site = project / "output" / "site"
    for _ in range(runs):
        started = time.perf_counter()
        shown = catalogue(project / "output", now=parse_now(NOW))
        made = time.perf_counter()
        files = site_files(shown, base_url="https://news.example.org/", templates=Templates.at())
        rendered = time.perf_counter()
        with output_lock(site):
            _write(shown, site, files, "https://news.example.org/")
        done = time.perf_counter()
        stages["read the batch's output (catalogue)"].append(made - started)
        stages["make pages and feeds"].append(rendered - made)
        stages["compare and write"].append(done - rendered)
    print(f"\nWhere the time goes (one warm process, median of {runs}, nothing changed):")
    total = sum(statistics.median(times) for times in stages.values())
    for name, times in stages.items():
        print(f"  {name:<38} {statistics.median(times) * 1000:7.1f} ms  {statistics.median(times) / total:5.0%}")
    print(f"  {'total':<38} {total * 1000:7.1f} ms")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7, help="runs of each scenario (default 7)")
    options = parser.parse_args(argv)
    print(f"load average before: {os.getloadavg()[0]:.2f}; {os.cpu_count()} CPUs")
    root = Path(tempfile.mkdtemp(prefix="site-benchmark-"))
    try:
        project, forms = make_project(root)
        site = project / "output" / "site"
        command = ("site", "--now", NOW, "--url", "https://news.example.org/")

        def naive(_: int) -> float:
            shutil.rmtree(site, ignore_errors=True)
            return authoring(*command, cwd=project)

        def rerun(_: int) -> float:
            return authoring(*command, cwd=project)

        def corrected(index: int) -> float:
            form = forms[index % len(forms)]
            with form.open("a", encoding="utf-8") as stream:
                stream.write(
                    f"corrections:\n  - date: 2012-12-2{index % 10}\n    note: Benchmark correction {index}.\n"
                )
            authoring("batch", cwd=project)
            return authoring(*command, cwd=project)

        floor = repeat("floor: authoring --version", options.runs, lambda _: authoring("--version", cwd=project))
        cold = repeat("naive: every file written", options.runs, naive)
        authoring(*command, cwd=project)
        same = repeat("rerun, nothing changed", options.runs, rerun)
        changed = repeat("rerun, one release corrected", options.runs, corrected)
        where_the_time_goes(project, options.runs)
        pages = sum(1 for _ in site.rglob("index.html"))
        files = sum(1 for path in site.rglob("*") if path.is_file() and not path.name.startswith("."))
        print(f"\nThe site: {pages} pages, {files} files (44 releases, two rounds); medians of {options.runs} runs:")
        print(f"  {'':<28} {'wall':>8} {'CPU':>8}")
        rows = (
            ("floor (authoring --version)", floor),
            ("naive (every file written)", cold),
            ("nothing changed", same),
            ("one corrected", changed),
        )
        for label, (wall, cpu) in rows:
            verdict = "ok" if statistics.median(cpu) < TARGET_SECONDS else "OVER TARGET"
            target = "" if wall is floor[0] else f"   (target < {TARGET_SECONDS:.1f} s: {verdict}, by CPU time)"
            print(f"  {label:<28} {statistics.median(wall):6.3f} s {statistics.median(cpu):6.3f} s{target}")
        ratio = statistics.median(cold[1]) / statistics.median(same[1])
        print(f"  naive / nothing changed (CPU) {ratio:5.2f} x")
        print(f"load average after: {os.getloadavg()[0]:.2f}")
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
