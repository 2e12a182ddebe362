"""Benchmark ``authoring validate`` on a campaign of 1,000 hostile templates (issue 19).

Usage (from the checkout, with the package installed)::

    python benchmarks/hostile_campaign_benchmark.py              # 1,000 templates, 3 runs (about a minute)
    python benchmarks/hostile_campaign_benchmark.py --count 200 --runs 1 --no-naive

Everything happens in a temporary folder. The campaign is the reference one with one more
kind of finding per template; each template (tests/hostile_templates.py, :func:`generated`)
has benign lines around one hostile line: loops in loops, huge repeats and powers, huge
widths to ``center``, ``indent``, ``format`` and ``str.format``, ``lipsum``, doubling
``replace``, unknown filters, a filter given the wrong type, control and direction
characters, characters no font prints, huge literals, unknown names, recursion,
over-long sentences and syntax errors. Side by side, in one run:

1. ``validate`` on the 1,000 hostile templates: wall time and peak memory (the child's
   maximum resident set), and whether every template is reported at its hostile line;
2. ``validate`` on 1,000 harmless templates (the same benign lines, no hostile one): the
   cost of checking that many templates at all;
3. the naive way: one template of each kind rendered by Jinja's own immutable sandbox (as
   the toolkit did before), in a child under ``ulimit -v`` (1 GB) and a timeout, to show
   what the bounds prevent.

The targets are the issue's: under 30 s and under 500 MB, every template reported at its line.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
MiB = 1024 * 1024
TARGET_SECONDS = 30.0
TARGET_MIB = 500.0
_PROBLEM = re.compile(r"forces/campaign\.yaml:(\d+):\d+: findings\.h(\d+)\.phrase: ")

_NAIVE = """
import sys
from jinja2 import StrictUndefined
from jinja2.sandbox import ImmutableSandboxedEnvironment
env = ImmutableSandboxedEnvironment(undefined=StrictUndefined)
try:
    text = env.from_string(sys.argv[1]).render(force={"name": "Kent Police"}, n=3)
except MemoryError:
    print("out of memory")
except Exception as error:
    print("error:", type(error).__name__)
else:
    print("made", len(text), "characters")
"""


def _validate(folder: Path) -> tuple[float, float, str]:
    """Run ``authoring validate`` on ``folder``'s campaign: wall seconds, peak MiB, stderr."""
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "authoring", "validate", "forces/campaign.yaml"],
        cwd=folder,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stderr is not None
    stderr = process.stderr.read()
    _, _, usage = os.wait4(process.pid, 0)  # this child's own peak, not the largest of all children
    process.returncode = 0
    seconds = time.perf_counter() - started
    return seconds, usage.ru_maxrss / 1024, stderr


def _located(stderr: str, starts: list[int], templates: list[tuple[str, int]]) -> tuple[int, list[str]]:
    """How many templates are reported at their hostile line, and the first few that are not."""
    found: dict[int, set[int]] = {}
    for line in stderr.splitlines():
        match = _PROBLEM.match(line)
        if match:
            found.setdefault(int(match.group(2)), set()).add(int(match.group(1)))
    wrong = []
    for index, (_, hostile_line) in enumerate(templates):
        expected = starts[index] + hostile_line - 1
        if expected not in found.get(index, set()):
            wrong.append(f"h{index}: expected line {expected}, reported {sorted(found.get(index, set()))}")
    return len(templates) - len(wrong), wrong[:5]


def _naive(template: str, timeout: float) -> str:
    command = f"ulimit -v 1000000; exec timeout {timeout:g} {sys.executable} -c {_quote(_NAIVE)} {_quote(template)}"
    started = time.perf_counter()
    done = subprocess.run(["bash", "-c", command], capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if done.returncode == 124:
        return f"killed after {timeout:g} s"
    said = done.stdout.strip().splitlines() or done.stderr.strip().splitlines()[-1:] or [f"exit {done.returncode}"]
    return f"{said[0][:60]} ({seconds:.1f} s)"


def _quote(text: str) -> str:
    return "'" + text.replace("'", "'\"'\"'") + "'"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=1000, help="how many hostile templates (default 1,000)")
    parser.add_argument("--runs", type=int, default=3, help="runs of each validate (the median is reported)")
    parser.add_argument("--no-naive", action="store_true", help="skip the naive sandbox's samples")
    parser.add_argument("--naive-timeout", type=float, default=5.0, help="seconds each naive sample may take")
    args = parser.parse_args(argv)

    sys.path.insert(0, str(REPO))
    from tests.hostile_templates import _HOSTILE_LINES, campaign_with_kinds, generated

    hostile = generated(args.count)
    harmless = [("\n".join(line for line in template.split("\n") if "force.name }}" in line) or "x", 1)
                for template, _ in hostile]  # fmt: skip
    ok = True
    with tempfile.TemporaryDirectory(prefix="hostile-campaign-") as temporary:
        root = Path(temporary)
        rows = []
        for label, templates in (("hostile", hostile), ("harmless", harmless)):
            folder = root / label
            _, starts = campaign_with_kinds(folder / "forces", [template for template, _ in templates])
            runs = [_validate(folder) for _ in range(args.runs)]
            seconds = statistics.median(run[0] for run in runs)
            peak = max(run[1] for run in runs)
            rows.append((label, seconds, peak))
            if label == "hostile":
                reported, wrong = _located(runs[-1][2], starts, templates)
                print(f"hostile templates reported at their line: {reported:,} of {len(templates):,}")
                for line in wrong:
                    print(f"  not at its line: {line}")
                ok &= reported == len(templates)
                ok &= seconds < TARGET_SECONDS and peak < TARGET_MIB
        print(
            f"\n{'validate, ' + str(args.count) + ' templates':<34} {'median wall (s)':>16} {'peak memory (MiB)':>18}"
        )
        for label, seconds, peak in rows:
            print(f"{label:<34} {seconds:>16.2f} {peak:>18.0f}")
        print(f"{'hostile / harmless':<34} {rows[0][1] / rows[1][1]:>15.2f}x {rows[0][2] / rows[1][2]:>17.2f}x")
        print(f"targets: under {TARGET_SECONDS:g} s and under {TARGET_MIB:g} MiB: {'met' if ok else 'NOT MET'}")
    if not args.no_naive:
        print(f"\nthe naive way (Jinja's sandbox, unbounded; ulimit -v 1 GB, {args.naive_timeout:g} s each):")
        rng = random.Random(19)
        for make in _HOSTILE_LINES:
            template = make(rng)
            print(f"  {template[:58]:<60} {_naive(template, args.naive_timeout)}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
