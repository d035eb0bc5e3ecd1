"""What a student waits for: ``grader check`` against one TensorFlow import.

Run on demand (not part of the tests)::

    .venv/bin/python bench/check.py [--runs 5]

Times, in one run and alternating so that both see the same machine:

* ``python -c "import tensorflow"``: the least any check of TensorFlow code can cost;
* ``grader check`` on a one-exercise notebook (the reference answer of ``one_hot``), as a
  student runs it, from process start to exit: run in its own process
  (``GRADER_SERVER=0``), and served by the warm server (:mod:`grader.launcher`), whose
  first command (the one that starts it) is timed apart.

Prints the medians, the cells' own run time as the runner measured it, and the ratio
``check / (import + cells)`` of each, whose target is at most 1.3.

Then ``grader.check("one_hot")`` in a student's kernel (an in-process IPython shell that
has run the same answer): its first call in a fresh kernel and the median of later calls,
beside its baseline, the checks' own work (each public check function called directly on
the kernel's names, with no pytest, no wire format and no table).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_notebook

ROOT = Path(__file__).resolve().parent.parent
EXERCISE = "one_hot"


def write_notebook(folder: Path) -> Path:
    notebook = new_notebook()
    source = (ROOT / "solutions" / EXERCISE / "solution.py").read_text(encoding="utf-8")
    notebook.cells = [new_code_cell(source)]
    path = folder / "mine.ipynb"
    path.write_text(nbformat.writes(notebook), encoding="utf-8")
    return path


def timed(command: list[str], **env: str) -> float:
    started = time.perf_counter()
    subprocess.run(
        command,
        env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", **env},
        capture_output=True,
        check=False,
    )
    return time.perf_counter() - started


def stop_servers(scratch: str) -> None:
    """End the warm server this benchmark started (its socket is below ``scratch``)."""
    import psutil

    for process in psutil.process_iter(["cmdline"]):
        if any(scratch in word for word in process.info["cmdline"] or []):
            process.kill()


def cell_seconds(notebook: Path) -> float:
    """The cells' own run time, from one graded run's stored timings."""
    sys.path.insert(0, str(ROOT))
    from grader.course.bank import load_bank
    from grader.grading.grader import Grader, GradingOptions

    options = GradingOptions(hidden=False, answered_only=True, trust_submissions=True)
    with Grader(load_bank(ROOT, with_solutions=False), options) as grader:
        return grader.grade_file(notebook).timings["cells"]


def measure_in_kernel(calls: int) -> dict[str, float]:
    """In this (fresh) interpreter: a kernel that has run the answer, then grader.check."""
    import importlib.util
    import inspect
    import types

    from IPython.core.interactiveshell import InteractiveShell
    from IPython.utils.capture import capture_output

    shell = InteractiveShell.instance()
    answer = (ROOT / "solutions" / EXERCISE / "solution.py").read_text(encoding="utf-8")
    shell.run_cell(answer + "\nimport grader")

    def timed(source: str) -> float:
        started = time.perf_counter()
        with capture_output():
            assert shell.run_cell(source).success
        return time.perf_counter() - started

    call = f'grader.check("{EXERCISE}", bank={str(ROOT)!r})'
    first = timed(call)
    later = [timed(call) for _ in range(calls)]

    path = ROOT / "exercises" / EXERCISE / "test_public.py"
    spec = importlib.util.spec_from_file_location("public_checks", path)
    assert spec is not None and spec.loader is not None
    public = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(public)
    student = types.SimpleNamespace(**shell.user_ns)
    checks = [f for n, f in inspect.getmembers(public, inspect.isfunction) if n.startswith("test_")]

    def bare() -> float:
        started = time.perf_counter()
        for check in checks:
            check(student)
        return time.perf_counter() - started

    bare()
    return {
        "first": first,
        "later": statistics.median(later),
        "bare": statistics.median(bare() for _ in range(calls)),
    }


def in_kernel_seconds(calls: int) -> dict[str, float]:
    """grader.check's first and later calls in a fresh kernel, and the checks' bare work."""
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    command = [sys.executable, __file__, "--in-kernel", str(calls)]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    measured: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return measured


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    # The child that measures one fresh kernel (see in_kernel_seconds).
    parser.add_argument("--in-kernel", type=int, metavar="CALLS", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.in_kernel:
        sys.path.insert(0, str(ROOT))
        print(json.dumps(measure_in_kernel(args.in_kernel)))
        return
    with tempfile.TemporaryDirectory() as scratch:
        notebook = write_notebook(Path(scratch))
        check = [sys.executable, "-m", "grader.launcher", "--bank", str(ROOT), "check"]
        check.append(str(notebook))
        here = {"GRADER_SERVER": "0"}
        served = {"GRADER_SERVER": "1", "CI": "", "TMPDIR": scratch}
        imports, checks, served_checks = [], [], []
        try:
            server_start = timed(check, **served)
            for _ in range(args.runs):
                imports.append(timed([sys.executable, "-c", "import tensorflow"]))
                checks.append(timed(check, **here))
                served_checks.append(timed(check, **served))
        finally:
            stop_servers(scratch)
        cells = cell_seconds(notebook)
    kernel = [in_kernel_seconds(calls=10) for _ in range(args.runs)]
    tf_import, graded = statistics.median(imports), statistics.median(checks)
    warm = statistics.median(served_checks)
    first = statistics.median(k["first"] for k in kernel)
    later = statistics.median(k["later"] for k in kernel)
    bare = statistics.median(k["bare"] for k in kernel)
    print(
        json.dumps(
            {
                "runs": args.runs,
                "import_tensorflow_s": round(tf_import, 3),
                "cells_s": round(cells, 3),
                "grader_check_s": round(graded, 3),
                "ratio": round(graded / (tf_import + cells), 2),
                "served": {
                    "first_command_starting_the_server_s": round(server_start, 3),
                    "grader_check_s": round(warm, 3),
                    "ratio": round(warm / (tf_import + cells), 2),
                },
                "target_ratio": 1.3,
                "in_notebook_check": {
                    "first_call_s": round(first, 3),
                    "later_calls_s": round(later, 3),
                    "checks_own_work_ms": round(bare * 1000, 2),
                    "later_over_own_work": round(later / bare, 1),
                    "later_vs_grader_check": f"1/{graded / later:.0f}",
                },
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
