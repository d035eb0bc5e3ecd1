"""CPU time of the grader's own process per submission, on the class ``bench/batch.py`` makes.

Run on demand (not part of the tests)::

    .venv/bin/python bench/own_work.py [--students 20] [--profile out.prof]

One grader grades the class in this process after one warm-up submission. Wall time
on a shared machine follows its load; the grader process's CPU time does much less so,
and it leaves out the runners (other processes), where the student's cells and the
checks' calls run. Prints the grader's CPU seconds per submission (mean, median) beside
wall seconds, and with ``--profile`` writes cProfile's statistics of the graded
submissions (warm-up excluded) for ``python -m pstats``.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from batch import CELL_SECONDS, make_class  # noqa: E402

from grader.course.bank import load_bank  # noqa: E402
from grader.grading.grader import Grader, GradingOptions  # noqa: E402
from grader.sandbox.confinement import Limits  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=20)
    parser.add_argument("--profile", type=Path, help="write cProfile statistics here")
    args = parser.parse_args()
    bank = load_bank(ROOT)
    options = GradingOptions(limits=Limits(cpu_seconds=CELL_SECONDS))
    profile = cProfile.Profile()
    cpu: list[float] = []
    wall: list[float] = []
    with tempfile.TemporaryDirectory() as scratch, Grader(bank, options) as grader:
        folder = Path(scratch)
        make_class(bank, args.students + 1, folder)
        paths = sorted(folder.glob("*.ipynb"))
        grader.grade_file(paths[-1])
        for path in paths[:-1]:
            cpu_start, wall_start = time.process_time(), time.perf_counter()
            if args.profile:
                profile.enable()
            grader.grade_file(path)
            if args.profile:
                profile.disable()
            cpu.append(time.process_time() - cpu_start)
            wall.append(time.perf_counter() - wall_start)
    if args.profile:
        profile.dump_stats(args.profile)
    print(f"{len(cpu)} submissions, load average {os.getloadavg()[0]:.2f}")
    print(
        f"grader CPU per submission: mean {statistics.fmean(cpu):.3f} s, "
        f"median {statistics.median(cpu):.3f} s, total {sum(cpu):.2f} s"
    )
    print(
        f"wall per submission:       mean {statistics.fmean(wall):.3f} s, "
        f"median {statistics.median(wall):.3f} s, total {sum(wall):.2f} s"
    )


if __name__ == "__main__":
    main()
