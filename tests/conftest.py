"""Shared fixtures: the repository's bank, notebooks written on the fly, a warm grader."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from grader.course.bank import Bank, load_bank
from grader.grading.grader import Grader, GradingOptions
from grader.sandbox.confinement import Confinement, Limits
from grader.sandbox.session import RunnerSession
from grader.sandbox.zygote import Zygote

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
# Every `grader` command a test runs, runs in that test's process tree: no warm server is
# left behind. The server's own tests (tests/test_launcher.py) turn it on, each its own.
os.environ["GRADER_SERVER"] = "0"

#: Short budgets keep hostile submissions cheap to grade in tests. They are CPU seconds,
#: so a busy machine slows the tests down without changing a grade; the wall clock is a
#: backstop far beyond them.
TEST_LIMITS = Limits(
    cpu_seconds=12, wall_seconds=30, total_cpu_seconds=120, total_wall_seconds=600, memory_mb=2048
)
#: Whole-course submissions train models; compile_fit's exercise.toml asks for more.
COURSE_LIMITS = Limits(cpu_seconds=30)


@contextlib.contextmanager
def cpu_hogs(count: int) -> Iterator[None]:
    """Keep ``count`` processes busy on the CPU for as long as the block runs."""
    hogs = [
        subprocess.Popen([sys.executable, "-c", "while True: pass"], stdin=subprocess.DEVNULL)
        for _ in range(count)
    ]
    try:
        yield
    finally:
        for hog in hogs:
            hog.kill()
            hog.wait()


@pytest.fixture(scope="session")
def bank() -> Bank:
    return load_bank(ROOT)


@pytest.fixture(scope="session")
def public_bank() -> Bank:
    return load_bank(ROOT, with_solutions=False)


@pytest.fixture(scope="session")
def grader(bank: Bank) -> Iterator[Grader]:
    """One warm grader (and zygote) shared by the slow tests."""
    with Grader(bank, GradingOptions(limits=TEST_LIMITS)) as warm:
        yield warm


def solution_source(bank: Bank, exercise_id: str) -> str:
    solution = bank.get(exercise_id).solution
    assert solution is not None
    return solution.read_text(encoding="utf-8")


def starter_source(bank: Bank, exercise_id: str) -> str:
    return (bank.get(exercise_id).folder / "starter.py").read_text(encoding="utf-8")


NotebookWriter = Callable[..., Path]


@pytest.fixture
def write_notebook(tmp_path: Path) -> NotebookWriter:
    """Write a notebook of code cells (strings) and markdown cells (``("md", text)``)."""

    def write(name: str, *cells: str | tuple[str, str], folder: Path | None = None) -> Path:
        notebook = new_notebook()
        for cell in cells:
            if isinstance(cell, tuple):
                notebook.cells.append(new_markdown_cell(cell[1]))
            else:
                notebook.cells.append(new_code_cell(cell))
        path = (folder or tmp_path) / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(nbformat.writes(notebook), encoding="utf-8")
        return path

    return write


@pytest.fixture(scope="session")
def zygote() -> Iterator[Zygote]:
    with Zygote() as warm:
        warm.start()
        yield warm


@pytest.fixture
def runner(zygote: Zygote, tmp_path: Path) -> Iterator[Callable[..., RunnerSession]]:
    """Start a runner that has run the given cells; closed at the end of the test."""
    sessions: list[RunnerSession] = []

    def start(
        *cells: str, limits: Limits = TEST_LIMITS, hidden: tuple[str, ...] = ()
    ) -> RunnerSession:
        session = RunnerSession(zygote, Confinement(limits, (str(ROOT), *hidden)))
        sessions.append(session)
        for number, source in enumerate(cells, start=1):
            run = session.run_cell(number, None, source)
            assert run.status == "ok", run
        return session

    yield start
    for session in sessions:
        session.close()
