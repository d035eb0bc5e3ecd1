"""Time to grade and render a module with 100,000 ``# EXERCISE:`` markers, against a module
of the same size with one.

Run on demand::

    .venv/bin/python bench/markers.py [--markers 100000]

Writes both modules (the same number of bytes), then grades and renders each in a
process of its own, one after the other in this run, so that each one's peak memory
is its own. Prints, for each, the seconds spent grading, the seconds spent rendering
its page and the class page, the peak resident memory of the grader and of the
largest process it started (zygote or runner), and the ratio of the two totals.
Costs linear in the file keep the ratio near 1 whatever ``--markers`` is.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

#: Each marker line is this long, so that 100,000 of them make the issue's 1.9 MB file.
_LINE = 19


def many_markers(count: int) -> str:
    """A module of ``count`` sections, each a marker naming an exercise of its own."""
    return "".join(f"# EXERCISE: x{i:0{_LINE - 14}d}\n" for i in range(count))


def one_marker(size: int) -> str:
    """A module of ``size`` bytes: one marker, then comment lines."""
    head = "# EXERCISE: one_hot\n"
    filler = "#" + "." * (_LINE - 2) + "\n"
    body = filler * ((size - len(head)) // len(filler))
    return head + body + "#" * (size - len(head) - len(body))


def _measure(path: Path, out: Path) -> dict[str, float]:
    """In a process of its own: grade and render ``path``; the seconds and the peaks."""
    from grader.course.bank import load_bank
    from grader.grading.grader import Grader, GradingOptions
    from grader.sandbox.confinement import Limits
    from grader.views.html import write_reports

    bank = load_bank(ROOT)
    options = GradingOptions(limits=Limits(cpu_seconds=60))
    with Grader(bank, options) as grader:
        started = time.perf_counter()
        result = grader.grade_file(path)
        graded = time.perf_counter()
    write_reports([result], bank, out)
    rendered = time.perf_counter()
    # ru_maxrss is in KiB on Linux and in bytes on macOS.
    per_mib = 2**20 if sys.platform == "darwin" else 1024
    return {
        "grade": graded - started,
        "render": rendered - graded,
        "grader_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / per_mib,
        "children_mib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / per_mib,
        "sections": float(len({c.exercise for c in result.cells})),
        "page_kib": (out / "students" / f"{path.stem}.html").stat().st_size / 1024,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--markers", type=int, default=100_000)
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure is not None:
        print(json.dumps(_measure(args.measure, args.measure.with_suffix(".out"))))
        return
    with tempfile.TemporaryDirectory() as scratch:
        many = Path(scratch) / "many.py"
        many.write_text(many_markers(args.markers), encoding="utf-8")
        one = Path(scratch) / "one.py"
        one.write_text(one_marker(many.stat().st_size), encoding="utf-8")
        size = many.stat().st_size / 2**20
        totals = {}
        for label, path in ((f"{args.markers} markers", many), ("1 marker", one)):
            done = subprocess.run(
                [sys.executable, __file__, "--measure", str(path)],
                capture_output=True,
                text=True,
                check=True,
            )
            m = json.loads(done.stdout.strip().splitlines()[-1])
            totals[label] = m["grade"] + m["render"]
            print(
                f"{label:>16}, {size:.2f} MiB: grade {m['grade']:6.2f} s, render "
                f"{m['render']:6.2f} s, peak {m['grader_mib']:5.0f} MiB grader / "
                f"{m['children_mib']:5.0f} MiB runner, page {m['page_kib']:.0f} KiB"
            )
        first, second = totals.values()
        print(f"ratio {args.markers} markers / 1 marker: {first / second:.2f}")


if __name__ == "__main__":
    main()
