"""Benchmark our PDFs against a peer's: ``authoring batch -f pdf`` by each engine and LibreOffice, side by side.

Usage (from the checkout, with the package installed and ``scripts/install-libreoffice`` run)::

    python benchmarks/pdf_peer_benchmark.py                 # 44 and 440 releases, 3 pairs each
    python benchmarks/pdf_peer_benchmark.py --pairs 5 --skip-440

What a press office would otherwise do is write the release in Word and let LibreOffice
turn the DOCX into PDF. So the peer converts *our own* DOCX of the same synthetic releases
(benchmarks/synthetic.py) in one headless LibreOffice process for all of them
(``soffice --headless --convert-to pdf``), start-up included, with a fresh user profile
each run; we build the same releases' PDFs with a cold ``authoring batch -f pdf`` (fresh
output folder), as a user would run it, once with each PDF engine (WeasyPrint, the default,
and Typst: ``--pdf-engine typst``). All run as child processes of this script:

- **CPU seconds**: user + system time of every process of the run (``getrusage`` of the
  children this script waited for, before and after) — the primary figure, since the
  machine may be shared and wall-clock time then depends on the neighbours;
- **wall** seconds;
- **peak memory**: the high-water mark (VmHWM) of the largest process of the run, and the
  sum over its processes, read from /proc while it runs (Linux).

The three runs of a round follow each other (which goes first rotates from round to round),
so that a slow spell of a shared machine hits all; the report gives each round's ratios and
the medians. Then it times ``authoring batch`` cold in all four formats (the wall-clock
target), a cold ``authoring build -f pdf --pdf-engine typst`` of one release (the CPU target
of the Typst engine), and each stage of one release in a warm process (where the time goes).

At 440 releases LibreOffice runs as four processes of 110 files each (one process stops
after about 250 files). The PDFs differ in what they carry: ours are tagged PDF/UA-1 with the house font embedded
and subset, metadata and "Page X of Y"; LibreOffice's default export is untagged.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import os
import resource
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
from batch_benchmark import cpu_check, where_the_time_goes

MiB = 1024 * 1024
#: The most files one LibreOffice process is given (see :func:`libreoffice`).
LIBREOFFICE_CHUNK = 110
#: Our PDF engines, as ``--pdf-engine`` names them.
ENGINES = ("weasyprint", "typst")
PEER = "LibreOffice"
TARGETS = {
    "CPU ours / LibreOffice at 44 (x)": 1.0,
    "CPU ours / LibreOffice at 440 (x)": 1.0,
    "CPU typst / LibreOffice at 44 (x)": 0.25,
    "CPU typst / LibreOffice at 440 (x)": 0.25,
    "44 × 4 formats wall (s)": 4.0,
    "cold build -f pdf, typst (CPU-s)": 0.4,
}


@dataclass
class Run:
    """One command's cost: CPU seconds of all its processes, wall seconds, peak memory."""

    cpu: float
    wall: float
    peaks: dict[int, int] = field(default_factory=dict)  # pid -> VmHWM bytes

    @property
    def largest(self) -> float:
        return max(self.peaks.values(), default=0) / MiB

    @property
    def total(self) -> float:
        return sum(self.peaks.values()) / MiB


def measured(command: Sequence[str | Path], *, cwd: Path) -> Run:
    """Run ``command`` to its end; its CPU time (every process), wall time and peak memory."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    peaks: dict[int, int] = {}
    started = time.perf_counter()
    process = subprocess.Popen([str(part) for part in command], cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    watcher = threading.Thread(target=_watch_tree, args=(process, peaks), daemon=True)
    watcher.start()
    out, err = process.communicate()
    wall = time.perf_counter() - started
    watcher.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(map(str, command))} failed ({process.returncode}):\n{out.decode()}{err.decode()}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Run(cpu, wall, peaks)


def _watch_tree(process: subprocess.Popen[bytes], peaks: dict[int, int]) -> None:
    """Record the VmHWM of the process and of all its descendants until it ends."""
    while process.poll() is None:
        for pid in _tree(process.pid):
            hwm = _vm_hwm(pid)
            if hwm:
                peaks[pid] = max(peaks.get(pid, 0), hwm)
        time.sleep(0.02)


def _tree(root: int) -> list[int]:
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        with contextlib.suppress(OSError, ValueError):  # the process has just ended
            for task in Path(f"/proc/{pid}/task").iterdir():
                todo.extend(int(child) for child in (task / "children").read_text().split())
    return found


def _vm_hwm(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def ours(folders: Sequence[Path], *, out: Path, cwd: Path, engine: str = "weasyprint") -> Run:
    """A cold ``authoring batch -f pdf --pdf-engine ENGINE`` of the forms in ``folders``, as a user runs it."""
    command = [sys.executable, "-m", "authoring", "batch", *folders, "--out", out, "--format", "pdf"]
    run = measured([*command, "--pdf-engine", engine], cwd=cwd)
    _expect(out, "pdf", sum(len(list(folder.glob("*.yaml"))) - 1 for folder in folders))  # less each campaign
    return run


def make_docx(folders: Sequence[Path], out: Path, cwd: Path) -> list[Path]:
    measured([sys.executable, "-m", "authoring", "batch", *folders, "--out", out, "--format", "docx"], cwd=cwd)
    return sorted(out.rglob("*.docx"))


def libreoffice(docx: Sequence[Path], *, out: Path, profile: Path, cwd: Path) -> Run:
    """Headless LibreOffice converting every DOCX to PDF, with a fresh user profile.

    One process converts them all, up to :data:`LIBREOFFICE_CHUNK` files: LibreOffice 7.4
    stops after about 250 files given at once (exit status 0, the rest not converted), so
    larger sets go to one process per chunk, one after another, sharing the profile.
    """
    soffice = shutil.which("soffice") or "soffice"
    command = [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", "pdf"]
    total = Run(0.0, 0.0)
    for start in range(0, len(docx), LIBREOFFICE_CHUNK):
        run = measured([*command, "--outdir", out, *docx[start : start + LIBREOFFICE_CHUNK]], cwd=cwd)
        total = Run(total.cpu + run.cpu, total.wall + run.wall, {**total.peaks, **run.peaks})
    _expect(out, "pdf", len(docx))
    return total


def _expect(out: Path, ext: str, count: int) -> None:
    made = len(list(out.rglob(f"*.{ext}")))
    if made != count:
        raise SystemExit(f"{out}: {made} .{ext} files, expected {count}")


def rounds(label: str, count: int, folders: Sequence[Path], docx: Sequence[Path], work: Path) -> list[dict[str, Run]]:
    """``count`` rounds of each engine's batch and LibreOffice, the order rotating from round to round."""
    results = []
    for index in range(count):
        fresh = _fresh(work / "runs")
        runners: dict[str, Callable[[], Run]] = {
            engine: functools.partial(ours, folders, out=fresh / engine, cwd=work, engine=engine) for engine in ENGINES
        }
        runners[PEER] = functools.partial(libreoffice, docx, out=fresh / "peer", profile=fresh / "lo-profile", cwd=work)
        names = list(runners)
        order = names[index % len(names) :] + names[: index % len(names)]
        made = {name: runners[name]() for name in order}
        results.append(made)
        peer = made[PEER]
        print(
            f"  {label} round {index + 1}/{count}: "
            + " | ".join(f"{name} {run.cpu:6.2f} CPU-s {run.wall:6.2f} s wall" for name, run in made.items())
            + " | ratios to LibreOffice "
            + ", ".join(f"{engine} {made[engine].cpu / peer.cpu:5.2f}" for engine in ENGINES),
            flush=True,
        )
    return results


def report(label: str, results: list[dict[str, Run]]) -> dict[str, float]:
    """Print the medians of every run and the ratios; return the median CPU ratio of each engine to LibreOffice."""
    print(f"\n{label}: median of {len(results)} rounds")
    print("                    CPU-s     wall s   largest process MiB   all processes MiB")
    for name in (*ENGINES, PEER):
        runs = [made[name] for made in results]
        cpu, wall = statistics.median(r.cpu for r in runs), statistics.median(r.wall for r in runs)
        largest, total = max(r.largest for r in runs), max(r.total for r in runs)
        print(f"  {name:<14} {cpu:8.2f} {wall:10.2f} {largest:21.0f} {total:19.0f}")
    ratios = {}
    for engine in ENGINES:
        each = [made[engine].cpu / made[PEER].cpu for made in results]
        ratios[engine] = statistics.median(each)
        print(f"  CPU ratio {engine} / LibreOffice per round: {', '.join(f'{r:.2f}' for r in each)}")
        print(f"  median ratio {engine} / LibreOffice: {ratios[engine]:.3f}")
    each = [made["typst"].cpu / made["weasyprint"].cpu for made in results]
    print(f"  median ratio typst / weasyprint: {statistics.median(each):.3f}")
    return ratios


def cold_build(form: Path, work: Path, count: int) -> float:
    """The median CPU seconds of ``count`` cold ``authoring build -f pdf --pdf-engine typst`` of one form."""
    cpus = []
    for index in range(count):
        out = _fresh(work / "cold-build")
        command = [sys.executable, "-m", "authoring", "build", form, "-f", "pdf", "--pdf-engine", "typst", "-o", out]
        run = measured(command, cwd=work)
        _expect(out, "pdf", 1)
        cpus.append(run.cpu)
        print(f"  cold build -f pdf --pdf-engine typst {index + 1}/{count}: {run.cpu:.3f} CPU-s, {run.wall:.3f} s wall")
    return statistics.median(cpus)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pairs", type=int, default=3, help="rounds of runs per size (medians reported)")
    parser.add_argument("--cold-builds", type=int, default=5, help="runs of the cold one-release Typst build")
    parser.add_argument("--runs-4", type=int, default=3, help="runs of the 44 × 4 formats cold batch")
    parser.add_argument("--skip-440", action="store_true", help="leave out the 440-release pairs")
    args = parser.parse_args(argv)
    if not shutil.which("soffice"):
        raise SystemExit("soffice not found: run scripts/install-libreoffice first")

    print(f"load average before: {os.getloadavg()[0]:.2f}; {cpu_check()}")
    version = subprocess.run(["soffice", "--version"], capture_output=True, text=True).stdout.strip()
    print(f"cores: {os.cpu_count()}; python {sys.version.split()[0]}; {version}")
    work = Path(tempfile.mkdtemp(prefix="authoring-peer-benchmark-"))
    try:
        round_44 = [work / "forces"]
        forms = synthetic.write_forms(round_44[0])
        rounds_440 = [work / f"round-{day:02d}" for day in range(1, 11)]
        for day, folder in enumerate([] if args.skip_440 else rounds_440, start=1):
            synthetic.write_forms(folder, seed=day, release_day=day)
        # The peer's input: our own DOCX of the same releases (made once, not timed).
        docx_44 = make_docx(round_44, work / "docx-44", work)
        docx_440 = [] if args.skip_440 else make_docx(rounds_440, work / "docx-440", work)
        print(f"synthetic releases: {len(docx_44)} and {len(docx_440)}, in {work} (deleted at the end)\n")

        figures: dict[str, float] = {}
        ratios = report("44 releases", rounds("44", args.pairs, round_44, docx_44, work))
        figures["CPU ours / LibreOffice at 44 (x)"] = ratios["weasyprint"]
        figures["CPU typst / LibreOffice at 44 (x)"] = ratios["typst"]
        if not args.skip_440:
            ratios = report("440 releases", rounds("440", args.pairs, rounds_440, docx_440, work))
            figures["CPU ours / LibreOffice at 440 (x)"] = ratios["weasyprint"]
            figures["CPU typst / LibreOffice at 440 (x)"] = ratios["typst"]

        print()
        walls = []
        for index in range(args.runs_4):
            run = measured(
                [sys.executable, "-m", "authoring", "batch", *round_44, "--out", _fresh(work / "all-4")], cwd=work
            )
            walls.append(run.wall)
            print(f"  44 × 4 formats cold run {index + 1}/{args.runs_4}: {run.wall:6.2f} s wall, {run.cpu:6.2f} CPU-s")
        figures["44 × 4 formats wall (s)"] = statistics.median(walls)
        print()
        figures["cold build -f pdf, typst (CPU-s)"] = cold_build(
            sorted(round_44[0].glob("*.yaml"))[0], work, args.cold_builds
        )

        print("\nFigure                                 value   target")
        for name, value in figures.items():
            met = "ok" if value <= TARGETS[name] else "MISSED"
            print(f"  {name:<34} {value:7.3f} {TARGETS[name]:8.2f}  {met}")
        where_the_time_goes(forms)
        print(f"\nload average after: {os.getloadavg()[0]:.2f}; {cpu_check()}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


def _fresh(folder: Path) -> Path:
    shutil.rmtree(folder, ignore_errors=True)
    return folder


if __name__ == "__main__":
    raise SystemExit(main())
