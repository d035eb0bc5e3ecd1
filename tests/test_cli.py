"""The ``grader`` command as students and instructors type it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from grader.bank import Bank

from .conftest import ROOT, NotebookWriter, solution_source, starter_source

pytestmark = pytest.mark.slow


def grader(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "120", "TF_CPP_MIN_LOG_LEVEL": "3"}
    env.pop("GRADER_BANK", None)
    return subprocess.run(
        [sys.executable, "-m", "grader.cli", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_check_passes_a_correct_answer_in_english(
    bank: Bank, write_notebook: NotebookWriter
) -> None:
    path = write_notebook("mine.ipynb", solution_source(bank, "one_hot"))
    done = grader("check", str(path), "--lang", "en")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "All checks passed" in done.stdout and "one_hot" in done.stdout
    assert "conv_output_size" not in done.stdout


def test_check_fails_a_starter_in_korean_with_feedback(
    bank: Bank, write_notebook: NotebookWriter
) -> None:
    path = write_notebook("mine.ipynb", starter_source(bank, "conv_output_size"))
    done = grader("check", str(path))
    assert done.returncode == 1
    assert "점수: 0 / 4" in done.stdout and "숫자여야" in done.stdout


def test_check_never_runs_hidden_checks(bank: Bank, write_notebook: NotebookWriter) -> None:
    path = write_notebook("mine.ipynb", solution_source(bank, "conv_output_size"))
    done = grader("check", str(path), "--lang", "en")
    assert "hidden" not in done.stdout.lower() and "Keras Conv2D" not in done.stdout


def test_a_missing_file_is_an_error_without_traceback(tmp_path: Path) -> None:
    done = grader("check", str(tmp_path / "nope.ipynb"))
    assert done.returncode == 2
    assert "does not exist" in done.stderr and "Traceback" not in done.stderr


def test_batch_outside_a_bank_says_how_to_find_one(tmp_path: Path) -> None:
    (tmp_path / "class").mkdir()
    done = grader("batch", "class", "--out", "out", cwd=tmp_path)
    assert done.returncode == 2 and "--bank" in done.stderr and "Traceback" not in done.stderr


def test_batch_exits_zero_even_when_students_fail(tmp_path: Path) -> None:
    (tmp_path / "class").mkdir()
    (tmp_path / "class" / "kim.py").write_text("raise SystemExit(3)\n")
    done = grader(
        "batch", str(tmp_path / "class"), "--out", str(tmp_path / "out"), "--timeout", "20"
    )
    assert done.returncode == 0, done.stderr
    assert "1 students: 1 graded" in done.stdout
    assert (tmp_path / "out" / "students" / "kim.html").is_file()


def test_check_one_exercise_of_a_course_notebook_with_bank_after_the_command(
    bank: Bank, write_notebook: NotebookWriter, tmp_path: Path
) -> None:
    path = write_notebook(
        "course.ipynb", solution_source(bank, "one_hot"), starter_source(bank, "conv_output_size")
    )
    done = grader(
        "check",
        str(path),
        "--exercise",
        "one_hot",
        "--bank",
        str(ROOT),
        "--lang",
        "en",
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "one_hot" in done.stdout and "conv_output_size" not in done.stdout
    assert "Took " in done.stdout and " s." in done.stdout


def test_help_shows_the_grader_package_default_once() -> None:
    done = grader("release", "--help")
    assert "tf-grader==tf-grader" not in " ".join(done.stdout.split())
    assert "tf-grader==" in done.stdout


def test_help_at_80_columns_never_breaks_the_grader_package_default_at_its_hyphen() -> None:
    env = {**os.environ, "COLUMNS": "80"}
    done = subprocess.run(
        [sys.executable, "-m", "grader.cli", "release", "--help"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert any(word.startswith("tf-grader==") for word in done.stdout.split())
    assert all(len(line) <= 80 for line in done.stdout.splitlines())
