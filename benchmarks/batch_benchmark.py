"""Benchmark ``authoring batch`` against the naive way, on synthetic forms for all 44 forces.

Usage (from the checkout, with the package installed)::

    python benchmarks/batch_benchmark.py                 # everything, 3 runs each (about 10 minutes)
    python benchmarks/batch_benchmark.py --runs 5 --naive-runs 1 --skip-440

Everything happens in a temporary folder: the synthetic forms (benchmarks/synthetic.py)
are never written into forces/, and no output goes to output/. Scenarios, side by side:

1. naive: for each force, a fresh process per format: ``python -m authoring build`` for
   the HTML, the DOCX and the Markdown, then the ``weasyprint`` command on the HTML;
2. ``authoring batch`` cold (empty output folder);
3. ``authoring batch`` again, nothing changed;
4. ``authoring batch`` after one form changed;
5. ``authoring batch`` cold over 440 releases (ten folders of 44, each its own release date).

Every batch runs as its own process, as a user would run it. Peak memory per worker is
the high-water mark (VmHWM) of each worker process, read from /proc while it runs (Linux).
Then, in this process, it times each stage of rendering one release (where the time goes).
"""

from __future__ import annotations

import argparse
import ctypes.util
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import synthetic

from authoring.render.assets import asset_root
from authoring.render.pdf import PDF_VARIANT

MiB = 1024 * 1024

TARGETS = {
    "cold 44 wall (s)": 8.0,
    "naive / cold (x, at least)": 10.0,
    "no-op wall (s)": 1.0,
    "one changed wall (s)": 2.0,
    "440 / 44 (x)": 10.5,
    "peak memory per worker (MiB)": 250.0,
}


@dataclass
class Run:
    """One timed command: its wall time and the peak memory of each of its worker processes."""

    seconds: float
    worker_peaks: list[int] = field(default_factory=list)  # bytes


def timed(command: Sequence[str | Path], *, cwd: Path) -> Run:
    """Run ``command``; time it, and watch its child processes' peak memory."""
    peaks: dict[int, int] = {}
    started = time.perf_counter()
    process = subprocess.Popen([str(part) for part in command], cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    watcher = threading.Thread(target=_watch_children, args=(process, peaks), daemon=True)
    watcher.start()
    out, err = process.communicate()
    seconds = time.perf_counter() - started
    watcher.join()
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(map(str, command))} failed ({process.returncode}):\n{out.decode()}{err.decode()}")
    return Run(seconds, list(peaks.values()))


def _watch_children(process: subprocess.Popen[bytes], peaks: dict[int, int]) -> None:
    children = Path(f"/proc/{process.pid}/task/{process.pid}/children")
    while process.poll() is None:
        try:
            pids = [int(pid) for pid in children.read_text().split()]
        except (OSError, ValueError):
            pids = []
        for pid in pids:
            hwm = _vm_hwm(pid)
            if hwm:
                peaks[pid] = max(peaks.get(pid, 0), hwm)
        time.sleep(0.02)


def _vm_hwm(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def batch(*folders: Path, out: Path, cwd: Path) -> Run:
    return timed([sys.executable, "-m", "authoring", "batch", *folders, "--out", out], cwd=cwd)


def naive(forms: Sequence[Path], *, out: Path, cwd: Path) -> Run:
    """Per force, a fresh process per format, one after another, as a shell loop would."""
    weasyprint = Path(sys.executable).with_name("weasyprint")
    base_url = (asset_root() / "release.html").as_uri()
    started = time.perf_counter()
    for form in forms:
        for fmt in ("html", "docx", "md"):
            _run([sys.executable, "-m", "authoring", "build", form, "--format", fmt, "--out", out], cwd=cwd)
        for html in (out / form.stem).glob("*.html"):
            _run(
                [weasyprint, "--base-url", base_url, "--pdf-variant", PDF_VARIANT, html, html.with_suffix(".pdf")],
                cwd=cwd,
            )
    return Run(time.perf_counter() - started)


def repeat(label: str, runs: int, once: Callable[[int], Run]) -> list[Run]:
    return [shown(label, index, runs, once(index)) for index in range(runs)]


def shown(label: str, index: int, runs: int, result: Run) -> Run:
    print(f"  {label:<28} run {index + 1}/{runs}: {result.seconds:7.2f} s", flush=True)
    return result


def median(runs: list[Run]) -> float:
    return statistics.median(run.seconds for run in runs)


def peak_worker(runs: list[Run]) -> float:
    return max((peak for run in runs for peak in run.worker_peaks), default=0) / MiB


def cpu_check() -> str:
    """A fixed pure-Python loop, to tell a slow spell of a shared machine from a slow toolkit."""
    started = time.perf_counter()
    total = 0
    for number in range(5_000_000):
        total += number
    return f"CPU check (a fixed loop, about 0.3 s on a quiet machine): {time.perf_counter() - started:.2f} s"


def where_the_time_goes(forms: Sequence[Path]) -> None:
    """Time each stage of one release in a warm process (what a batch worker does)."""

    from authoring.build.pipeline import load_releases
    from authoring.render import pdf
    from authoring.render.docx import render_docx
    from authoring.render.html import render_html
    from authoring.render.md import render_markdown

    pdf.warm_up()
    releases = [release for _, release in load_releases(list(forms))]
    stages: dict[str, list[float]] = {
        name: [] for name in ("HTML", "Markdown", "DOCX", "PDF layout", "PDF write (fonts, tags, zlib)")
    }
    for release in releases:
        started = time.perf_counter()
        html = render_html(release)
        stages["HTML"].append(time.perf_counter() - started)
        started = time.perf_counter()
        render_markdown(release)
        stages["Markdown"].append(time.perf_counter() - started)
        started = time.perf_counter()
        render_docx(release)
        stages["DOCX"].append(time.perf_counter() - started)
        started = time.perf_counter()
        document = pdf.lay_out(release, html)
        stages["PDF layout"].append(time.perf_counter() - started)
        started = time.perf_counter()
        pdf.write(release, document, html)
        stages["PDF write (fonts, tags, zlib)"].append(time.perf_counter() - started)
    total = sum(statistics.median(times) for times in stages.values())
    print(f"\nWhere the time goes (one warm process, median per release over {len(releases)} releases):")
    for name, times in stages.items():
        share = statistics.median(times) / total
        print(f"  {name:<30} {statistics.median(times) * 1000:7.1f} ms  {share:5.0%}")
    print(f"  {'total':<30} {total * 1000:7.1f} ms")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="runs of each batch scenario (median reported)")
    parser.add_argument("--naive-runs", type=int, default=1, help="runs of the naive way (about 3 minutes each)")
    parser.add_argument("--skip-440", action="store_true", help="leave out the 440-release scenario")
    parser.add_argument("--skip-naive", action="store_true", help="leave out the naive way")
    args = parser.parse_args(argv)

    print(f"load average before: {os.getloadavg()[0]:.2f}; {cpu_check()}")
    harfbuzz_subset = ctypes.util.find_library("harfbuzz-subset")
    print(
        f"cores: {os.cpu_count()}; python {sys.version.split()[0]}; libharfbuzz-subset: {harfbuzz_subset or 'MISSING'}"
    )
    if not harfbuzz_subset:
        print("  WeasyPrint falls back to fontTools for font subsetting (slower); run scripts/bootstrap.")

    work = Path(tempfile.mkdtemp(prefix="authoring-benchmark-"))
    try:
        forms = synthetic.write_forms(work / "forces")
        print(f"synthetic forms: {len(forms)} in {work / 'forces'} (deleted at the end)\n")
        results: dict[str, list[Run]] = {}

        if not args.skip_naive:
            results["naive"] = repeat(
                "naive", args.naive_runs, lambda i: naive(forms, out=_fresh(work / f"naive-{i}"), cwd=work)
            )

        cold: list[Run] = []
        noop: list[Run] = []
        changed: list[Run] = []
        for index in range(args.runs):  # interleaved, so that slow spells of the machine hit all alike
            out = _fresh(work / "output")
            cold.append(shown("batch cold", index, args.runs, batch(work / "forces", out=out, cwd=work)))
            noop.append(shown("batch no-op", index, args.runs, batch(work / "forces", out=out, cwd=work)))
            synthetic.change_one(forms[index % len(forms)], index)
            changed.append(shown("batch one changed", index, args.runs, batch(work / "forces", out=out, cwd=work)))
        results |= {"batch cold": cold, "batch no-op": noop, "batch one changed": changed}

        if not args.skip_440:
            folders = [work / f"round-{day:02d}" for day in range(1, 11)]
            for day, folder in enumerate(folders, start=1):
                synthetic.write_forms(folder, seed=day, release_day=day)
            results["batch 440 cold"] = repeat(
                "batch 440 cold", args.runs, lambda i: batch(*folders, out=_fresh(work / "output-440"), cwd=work)
            )

        report(results)
        where_the_time_goes(forms)
        print(f"\nload average after: {os.getloadavg()[0]:.2f}; {cpu_check()}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


def report(results: dict[str, list[Run]]) -> None:
    print("\nScenario                    median      min      max  runs")
    for name, runs in results.items():
        times = [run.seconds for run in runs]
        print(f"  {name:<24} {median(runs):7.2f} s {min(times):7.2f} s {max(times):7.2f} s  {len(runs):4d}")
    figures: dict[str, float] = {}
    figures["cold 44 wall (s)"] = median(results["batch cold"])
    if "naive" in results:
        figures["naive / cold (x, at least)"] = median(results["naive"]) / median(results["batch cold"])
    figures["no-op wall (s)"] = median(results["batch no-op"])
    figures["one changed wall (s)"] = median(results["batch one changed"])
    if "batch 440 cold" in results:
        figures["440 / 44 (x)"] = median(results["batch 440 cold"]) / median(results["batch cold"])
    figures["peak memory per worker (MiB)"] = max(peak_worker(runs) for runs in results.values())
    print("\nFigure                              value   target")
    for name, value in figures.items():
        target = TARGETS[name]
        met = value >= target if "at least" in name else value <= target
        print(f"  {name:<30} {value:8.2f} {target:8.2f}  {'ok' if met else 'MISSED'}")


def _run(command: Sequence[str | Path], *, cwd: Path) -> None:
    subprocess.run([str(part) for part in command], cwd=cwd, check=True, capture_output=True)


def _fresh(folder: Path) -> Path:
    shutil.rmtree(folder, ignore_errors=True)
    return folder


if __name__ == "__main__":
    raise SystemExit(main())
