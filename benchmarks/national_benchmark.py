"""Benchmark what a national release adds to a cold batch of 44 forces, side by side.

Usage (from the checkout, with the package installed)::

    python benchmarks/national_benchmark.py            # 5 runs of each, interleaved
    python benchmarks/national_benchmark.py --runs 9

Two folders of synthetic forms for all 44 forces (benchmarks/synthetic.py), in a
temporary folder: one whose campaign declares the 2012 round's summary (as shipped), one
whose campaign is the same without it. Each run is a cold ``authoring batch`` (empty output
folder) in its own process, as a user would run it (``python -m authoring``, which starts
the chart server first: docs/national.md); the kinds of run alternate, so that all see the
same load on the machine. A third kind, the round with a summary run without the chart
server (the CLI entered past its launcher, as a program calling it would), shows what the
server saves. The target: the median with a summary within 0.5 s of the median without.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import synthetic
import yaml

TARGET_SECONDS = 0.5


#: The command as a user runs it, and past its launcher (no chart server).
COMMAND = ("-m", "authoring")
NO_SERVER = ("-c", "import sys; sys.argv[0] = 'authoring'; from authoring.cli.app import run; run()")


def cold_batch(folder: Path, out: Path, cwd: Path, command: tuple[str, ...] = COMMAND) -> tuple[float, float]:
    """One cold batch in its own process: (wall seconds, CPU seconds of it and its workers)."""
    shutil.rmtree(out, ignore_errors=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, *command, "batch", str(folder), "--out", str(out)],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"batch of {folder} failed ({done.returncode}):\n{done.stdout}{done.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return seconds, cpu


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="cold batches of each kind (default 5)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="national-benchmark-") as scratch:
        root = Path(scratch)
        with_summary, without = root / "with-summary", root / "without-summary"
        synthetic.write_forms(with_summary)
        synthetic.write_forms(without)
        campaign = yaml.safe_load((without / "campaign.yaml").read_text(encoding="utf-8"))
        if "summary" not in yaml.safe_load((with_summary / "campaign.yaml").read_text(encoding="utf-8")):
            raise SystemExit(f"{synthetic.CAMPAIGN} declares no summary: nothing to compare")
        campaign.pop("summary")
        (without / "campaign.yaml").write_text(yaml.safe_dump(campaign, allow_unicode=True), encoding="utf-8")
        kinds = {
            "without summary": (without, COMMAND),
            "with summary": (with_summary, COMMAND),
            "summary, no server": (with_summary, NO_SERVER),
        }
        times: dict[str, list[float]] = {label: [] for label in kinds}
        cpus: dict[str, list[float]] = {label: [] for label in kinds}
        for run in range(args.runs):
            order = list(kinds)
            order = order[run % len(order) :] + order[: run % len(order)]  # no kind always goes first
            for label in order:
                folder, command = kinds[label]
                out = root / f"out-{label.replace(' ', '-').replace(',', '')}"
                seconds, cpu = cold_batch(folder, out, root, command)
                times[label].append(seconds)
                cpus[label].append(cpu)
                print(f"run {run + 1}/{args.runs} {label:>18}: {seconds:6.2f} s wall, {cpu:6.2f} CPU-s", flush=True)
        national = list((root / "out-with-summary" / "national").rglob("*"))
        unserved = statistics.median(times["summary, no server"])
        if not any(path.suffix == ".pdf" for path in national):
            raise SystemExit("the batch with a summary built no national release")
        base, extra = statistics.median(times["without summary"]), statistics.median(times["with summary"])
        print()
        print(f"median cold batch of 44 forces, without summary: {base:.2f} s")
        print(f"median cold batch of 44 forces, with summary:    {extra:.2f} s")
        print(f"difference: {extra - base:+.2f} s (target: within {TARGET_SECONDS} s); ratio {extra / base:.3f}")
        base_cpu, extra_cpu = statistics.median(cpus["without summary"]), statistics.median(cpus["with summary"])
        print(f"median CPU time (batch and its workers): {base_cpu:.2f} s without, {extra_cpu:.2f} s with summary")
        paired = [w - wo for w, wo in zip(times["with summary"], times["without summary"], strict=True)]
        print(f"median of the paired differences (same round of runs): {statistics.median(paired):+.2f} s")
        print(
            f"with summary but no chart server: {unserved:.2f} s ({unserved - base:+.2f} s), "
            f"{statistics.median(cpus['summary, no server']):.2f} CPU-s"
        )
        return 0 if extra - base <= TARGET_SECONDS else 1


if __name__ == "__main__":
    raise SystemExit(main())
