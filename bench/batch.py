"""Throughput of ``grader batch`` on a generated class, against one Jupyter kernel per notebook.

Run on demand (not part of the tests)::

    .venv/bin/python bench/batch.py [--students 40] [--jobs 2]

The class is made from the bank: each notebook answers one exercise with its reference
solution or one of its known-mistake variants; some crash (``os._exit``) and some loop
until their cell times out. In the same run it is graded

* by ``grader batch --jobs N`` (warm zygotes, sandboxed runners, checks in the grader), then
  again unchanged (resume) and again after one submission changed; then as the ``grader
  batch`` command after one more changed, run in its own process and served by the warm
  server (:mod:`grader.launcher`);
* by the baseline notebook graders commonly use: N processes, each notebook executed in a
  fresh Jupyter kernel by nbclient, with the same pytest checks then run in that kernel.

Prints submissions per minute, the physical limit (cells' own time over the workers plus
one TensorFlow import, and the same with the student code the checks call), the mean
per-submission overhead above the cells and the grader's own work, peak memory (PSS of the
whole process tree, and per worker), the ratio baseline/ours, and with ``--scale 200`` the
throughput of a class that large beside it.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import nbformat
import psutil
from nbformat.v4 import new_code_cell, new_notebook

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from grader.course.bank import Bank, load_bank  # noqa: E402
from grader.grading.batch import run_batch  # noqa: E402
from grader.grading.grader import GradingOptions  # noqa: E402
from grader.grading.validate import mistake_variants  # noqa: E402
from grader.results.store import ResultsStore  # noqa: E402
from grader.sandbox.confinement import Limits  # noqa: E402

CELL_SECONDS = 5.0


def make_class(bank: Bank, count: int, folder: Path) -> None:
    """Write ``count`` notebooks: references, mistakes, crashes and timeouts."""
    variants = []
    for exercise in bank.exercises:
        assert exercise.solution is not None
        variants.append(exercise.solution.read_text())
        variants += [path.read_text() for path, _ in mistake_variants(exercise)]
    for i in range(count):
        source = variants[(i * 7) % len(variants)]
        cells = [source]
        if i % 10 == 3:
            cells.append("import os\nos._exit(1)")
        elif i % 10 == 7:
            cells.insert(0, "while True:\n    pass")
        notebook = new_notebook()
        notebook.cells = [new_code_cell(cell) for cell in cells]
        (folder / f"student{i:03d}.ipynb").write_text(nbformat.writes(notebook))


class PeakMemory:
    """Samples the PSS of this process and all its descendants; PSS counts forked,
    shared pages once, so warm runners are not counted as many full copies."""

    def __init__(self) -> None:
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        self._thread.join()

    def _sample(self) -> None:
        me = psutil.Process()
        while not self._stop.wait(0.5):
            total = 0
            for process in [me, *me.children(recursive=True)]:
                try:
                    total += process.memory_full_info().pss
                except (psutil.Error, OSError):
                    continue
            self.peak = max(self.peak, total)


_HARNESS = """
import importlib.util, pathlib, pytest
_namespace = globals()
class _Student:
    def __getattr__(self, name):
        try:
            return _namespace[name]
        except KeyError:
            raise AttributeError(name) from None
class _Fixtures:
    @pytest.fixture(scope="module")
    def student(self):
        return _Student()
    @pytest.fixture
    def reference(self, request):
        exercise = pathlib.Path(str(request.node.path)).parent.name
        path = pathlib.Path({root!r}) / "solutions" / exercise / "solution.py"
        spec = importlib.util.spec_from_file_location("reference_" + exercise, path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
pytest.main({checks!r} + ["-q", "-p", "no:cacheprovider", "--import-mode=importlib",
             "-c", "/dev/null", "--rootdir", {root!r}], plugins=[_Fixtures()])
"""


def _baseline_one(args: tuple[str, list[str]]) -> float:
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, DeadKernelError

    path, checks = args
    notebook = nbformat.read(path, as_version=4)
    notebook.cells.append(new_code_cell(_HARNESS.format(root=str(ROOT), checks=checks)))
    started = time.perf_counter()
    client = NotebookClient(
        notebook, timeout=CELL_SECONDS, allow_errors=True, kernel_name="python3"
    )
    with contextlib.suppress(DeadKernelError, CellExecutionError, TimeoutError, RuntimeError):
        client.execute()
    return time.perf_counter() - started


def baseline(bank: Bank, folder: Path, jobs: int) -> float:
    checks = [str(p) for e in bank.exercises for p in (*e.public_checks, *e.hidden_checks)]
    paths = sorted(str(p) for p in folder.glob("*.ipynb"))
    started = time.perf_counter()
    with ProcessPoolExecutor(jobs) as pool:
        list(pool.map(_baseline_one, [(p, checks) for p in paths]))
    return time.perf_counter() - started


def import_seconds() -> float:
    """One ``import tensorflow`` in a fresh interpreter, as a worker's start pays it."""
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import tensorflow"], check=True, capture_output=True)
    return time.perf_counter() - started


def reruns(
    bank: Bank, folder: Path, out: Path, options: GradingOptions, jobs: int
) -> tuple[float, float]:
    """The batch again, unchanged, then after one submission changed."""
    started = time.perf_counter()
    run_batch(bank, folder, out, options, jobs=jobs)
    unchanged = time.perf_counter() - started
    change_one(folder, "in process")
    started = time.perf_counter()
    run_batch(bank, folder, out, options, jobs=jobs)
    return unchanged, time.perf_counter() - started


def command_reruns(folder: Path, out: Path, jobs: int, scratch: str) -> dict[str, float]:
    """``grader batch`` as an instructor runs it, after one submission changed each time:
    in its own process, then served by the warm server (the command that starts it, and
    one after)."""
    import psutil

    command = [sys.executable, "-m", "grader.launcher", "--bank", str(ROOT), "batch"]
    command += [str(folder), "--out", str(out), "--jobs", str(jobs)]
    served = {"GRADER_SERVER": "1", "CI": "", "TMPDIR": scratch}
    seconds = {}
    try:
        for name, env in [
            ("here", {"GRADER_SERVER": "0"}),
            ("starting_the_server", served),
            ("served", served),
        ]:
            change_one(folder, name)
            started = time.perf_counter()
            subprocess.run(command, env={**os.environ, **env}, capture_output=True, check=True)
            seconds[name] = time.perf_counter() - started
    finally:
        for process in psutil.process_iter(["cmdline"]):
            if any(scratch in word for word in process.info["cmdline"] or []):
                process.kill()
    return seconds


def change_one(folder: Path, mark: str) -> None:
    changed = folder / "student000.ipynb"
    notebook = nbformat.read(changed, as_version=4)
    notebook.cells.append(new_code_cell(f"# changed: {mark}"))
    nbformat.write(notebook, changed)


def larger_class(
    bank: Bank, scratch: Path, options: GradingOptions, args: argparse.Namespace
) -> float:
    """Seconds ``grader batch`` takes over a class of ``--scale`` notebooks."""
    large = scratch / "large"
    large.mkdir()
    make_class(bank, args.scale, large)
    started = time.perf_counter()
    run_batch(bank, large, scratch / "large-out", options, jobs=args.jobs)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=40)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument(
        "--scale", type=int, default=0, help="also grade a class this large, for throughput"
    )
    args = parser.parse_args()
    bank = load_bank(ROOT)
    options = GradingOptions(limits=Limits(cpu_seconds=CELL_SECONDS))
    with tempfile.TemporaryDirectory() as scratch:
        folder, out = Path(scratch) / "class", Path(scratch) / "out"
        folder.mkdir()
        make_class(bank, args.students, folder)

        with PeakMemory() as memory:
            started = time.perf_counter()
            run_batch(bank, folder, out, options, jobs=args.jobs)
            ours = time.perf_counter() - started
        with ResultsStore(out / "results.sqlite") as store:
            results = store.results()
        above_cells = [r.seconds - r.timings.get("cells", 0.0) for r in results]
        overheads = [
            r.seconds - r.timings.get("cells", 0.0) - r.timings.get("calls", 0.0) for r in results
        ]
        rerun, one_changed = reruns(bank, folder, out, options, args.jobs)
        commands = command_reruns(folder, out, args.jobs, scratch)

        theirs = baseline(bank, folder, args.jobs)
        tensorflow_import = import_seconds()

        scaled = larger_class(bank, Path(scratch), options, args) if args.scale else None

    n = args.students
    # The least any grader can take: every cell's own run time shared out over the
    # workers, after the one TensorFlow import that must come first; and beside it, with
    # the student's code the checks call (training on the checks' data) counted too.
    cells = sum(r.timings.get("cells", 0.0) for r in results)
    calls = sum(r.timings.get("calls", 0.0) for r in results)
    limit = cells / args.jobs + tensorflow_import
    student_limit = (cells + calls) / args.jobs + tensorflow_import
    print(f"class: {n} notebooks, {args.jobs} workers, cell limit {CELL_SECONDS:g} s")
    print(f"grader batch:        {ours:7.1f} s  {60 * n / ours:6.1f} submissions/min")
    print(f"kernel per notebook: {theirs:7.1f} s  {60 * n / theirs:6.1f} submissions/min")
    print(f"throughput ratio baseline/ours: {theirs / ours:.1f}x")
    print(
        f"physical limit: {limit:7.1f} s (cells {cells:.1f} s / {args.jobs} workers "
        f"+ import tensorflow {tensorflow_import:.1f} s); ours is {ours / limit:.2f}x of it"
    )
    print(
        f"physical limit with the checks' calls into student code ({calls:.1f} s): "
        f"{student_limit:7.1f} s; ours is {ours / student_limit:.2f}x of it"
    )
    print(
        "overhead per submission above the cells: "
        f"mean {statistics.fmean(above_cells):.3f} s, median {statistics.median(above_cells):.3f} s"
    )
    print(
        "the grader's own work per submission (above cells and the checks' calls): "
        f"mean {statistics.fmean(overheads):.3f} s, median {statistics.median(overheads):.3f} s"
    )
    print(
        f"peak memory (PSS, whole tree): {memory.peak / 2**30:.2f} GiB, "
        f"{memory.peak / 2**30 / args.jobs:.2f} GiB per worker"
    )
    print(f"rerun, unchanged: {rerun:.2f} s ({100 * rerun / ours:.1f}% of the first run)")
    print(f"rerun, one submission changed: {one_changed:.2f} s (run_batch in this process)")
    print(
        f"`grader batch` rerun, one submission changed: {commands['served']:.2f} s served by "
        f"the warm server ({commands['starting_the_server']:.2f} s for the command that "
        f"started it), {commands['here']:.2f} s run in its own process"
    )
    if scaled is not None:
        print(
            f"throughput at N = {n}: {60 * n / ours:.1f}/min; at N = {args.scale}: "
            f"{60 * args.scale / scaled:.1f}/min ({100 * (args.scale / scaled) / (n / ours):.0f}% "
            f"of the throughput at N = {n})"
        )


if __name__ == "__main__":
    main()
