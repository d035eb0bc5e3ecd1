"""``grader batch`` answers bad input and Ctrl-C in words, and never two batches at once."""

from __future__ import annotations

import csv
import fcntl
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import ROOT


def _grader(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "grader.cli", *map(str, args)],
        cwd=ROOT,
        env=_environment(),
        capture_output=True,
        text=True,
        timeout=300,
    )


def _environment() -> dict[str, str]:
    env = {**os.environ, "COLUMNS": "200", "TF_CPP_MIN_LOG_LEVEL": "3"}
    env.pop("GRADER_BANK", None)
    return env


def _stored(out: Path) -> set[str]:
    if not (out / "results.sqlite").is_file():
        return set()
    try:
        with sqlite3.connect(out / "results.sqlite", timeout=5) as db:
            return {row[0] for row in db.execute("SELECT student FROM submissions")}
    except sqlite3.Error:
        return set()


@pytest.mark.slow
def test_ctrl_c_keeps_what_was_graded_and_writes_its_views(tmp_path: Path) -> None:
    (tmp_path / "class").mkdir()
    (tmp_path / "class" / "a.py").write_text("x = 1\n")
    (tmp_path / "class" / "b.py").write_text("import time\ntime.sleep(600)\n")
    (tmp_path / "class" / "notes.txt").write_text("not a submission\n")
    out = tmp_path / "out"
    batch = subprocess.Popen(
        [sys.executable, "-m", "grader.cli", "batch", tmp_path / "class", "--out", out],
        cwd=ROOT,
        env=_environment(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 240
        while "a" not in _stored(out) and batch.poll() is None:
            assert time.monotonic() < deadline, "a was never graded"
            time.sleep(0.5)
        # b is now asleep in its first cell, which runs inside pytest.
        time.sleep(5)
        assert batch.poll() is None
        batch.send_signal(signal.SIGINT)
        stdout, stderr = batch.communicate(timeout=120)
    finally:
        batch.kill()
    assert batch.returncode == 130, stdout + stderr
    assert "interrupted; graded submissions are kept" in stderr
    assert "Traceback" not in stderr and "pytest stopped" not in stdout + stderr
    assert "notes.txt: not a .ipynb or .py, not graded" in stdout
    rows = list(csv.DictReader((out / "grades.csv").open(encoding="utf-8")))
    assert [row["student"] for row in rows] == ["a"]
    assert (out / "index.html").is_file() and (out / "students" / "a.html").is_file()
    assert _stored(out) == {"a"}


def test_out_naming_a_file_is_one_line_without_traceback(tmp_path: Path) -> None:
    (tmp_path / "class").mkdir()
    (tmp_path / "class" / "kim.py").write_text("x = 1\n")
    (tmp_path / "out").write_text("an instructor's file\n")
    done = _grader("batch", tmp_path / "class", "--out", tmp_path / "out")
    assert done.returncode == 2
    assert "--out" in done.stderr and "is a file" in done.stderr
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert (tmp_path / "out").read_text() == "an instructor's file\n"


def test_a_negative_timeout_is_named_as_timeout(tmp_path: Path) -> None:
    (tmp_path / "class").mkdir()
    (tmp_path / "class" / "kim.py").write_text("x = 1\n")
    done = _grader("batch", tmp_path / "class", "--out", tmp_path / "out", "--timeout", "-1")
    assert done.returncode == 2
    assert "--timeout must be a positive number" in done.stderr
    assert "--cell-timeout" not in done.stderr and "--wall-timeout" not in done.stderr


def test_an_empty_class_folder_is_refused_and_nothing_written(tmp_path: Path) -> None:
    (tmp_path / "class").mkdir()
    done = _grader("batch", tmp_path / "class", "--out", tmp_path / "out")
    assert done.returncode != 0
    assert "is empty" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "out").exists()


def test_a_class_with_nothing_gradable_lists_what_was_skipped_and_why(tmp_path: Path) -> None:
    class_dir = tmp_path / "class"
    (class_dir / "lee").mkdir(parents=True)
    (class_dir / "lee" / "answers.docx").write_text("")
    (class_dir / "kim.txt").write_text("print('hello')\n")
    (class_dir / "[bold]park.pdf").write_text("")
    (class_dir / ".DS_Store").write_text("")
    done = _grader("batch", class_dir, "--out", tmp_path / "out")
    assert done.returncode != 0
    assert "holds nothing to grade" in done.stderr and "Traceback" not in done.stderr
    assert "kim.txt: not a .ipynb or .py" in done.stderr
    assert "lee/ holds no .ipynb or .py file" in done.stderr
    # Students' file names are printed as they are, never read as console markup.
    assert "[bold]park.pdf: not a .ipynb or .py" in done.stderr
    assert "1 entries whose names begin with a dot" in done.stderr
    assert not (tmp_path / "out").exists()


def test_a_second_batch_on_the_same_out_refuses(tmp_path: Path) -> None:
    (tmp_path / "class").mkdir()
    (tmp_path / "class" / "kim.py").write_text("x = 1\n")
    out = tmp_path / "out"
    out.mkdir()
    with (out / ".lock").open("w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        held.write("4242")
        held.flush()
        done = _grader("batch", tmp_path / "class", "--out", out)
    assert done.returncode == 2
    assert "another grader batch (process 4242) is writing to" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (out / "results.sqlite").exists() and not (out / "index.html").exists()


@pytest.mark.slow
def test_at_80_columns_the_report_path_is_one_line_and_a_rerun_shows_no_unknown_total(
    tmp_path: Path,
) -> None:
    class_dir = tmp_path / "class"
    class_dir.mkdir()
    (class_dir / "kim.py").write_text("# EXERCISE: conv_output_size\nx = 1\n")
    out = tmp_path / ("a-long-folder-name-for-the-reports-of-this-class" * 2) / "out"
    env = {**_environment(), "COLUMNS": "80"}

    def batch() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "grader.cli", "batch", str(class_dir), "--out", str(out)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )

    first = batch()
    assert first.returncode == 0, first.stdout + first.stderr
    assert f"Reports: {out / 'index.html'}" in first.stdout.splitlines()
    again = batch()
    assert again.returncode == 0, again.stdout + again.stderr
    assert "0/?" not in again.stdout and "1 unchanged" in again.stdout
    assert f"Reports: {out / 'index.html'}" in again.stdout.splitlines()
