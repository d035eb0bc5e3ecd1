"""The grader's output holds no TensorFlow, absl or oneDNN log lines and no library
warnings, from the grader or the zygote; what else is written to stderr still shows."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from grader.quiet import native_logs_dropped, without_native_logs

from .conftest import ROOT

PREAMBLE = (
    "WARNING: All log messages before absl::InitializeLog() is called are written to STDERR\n"
)
ONEDNN = (
    "I0000 00:00:1796193211.973167   22718 port.cc:153] oneDNN custom operations are on. "
    "You may see slightly different numerical results.\n"
)
CPU_GUARD = (
    "I0000 00:00:1796193212.081442   22721 cpu_feature_guard.cc:227] This TensorFlow binary "
    "is optimized to use available CPU instructions.\n"
    "To enable the following instructions: AVX2 FMA, in other operations, rebuild TensorFlow.\n"
)
CUDA = "E0000 00:00:1796193212.1   22721 cuda_dnn.cc:8310] Unable to register cuDNN factory\n"

#: What a student or an instructor must never see in the grader's output.
NOISE = ("absl", "oneDNN", "I0000", "W0000", "site-packages", "Warning:")


def test_absl_and_tensorflow_records_are_dropped_with_their_continuation_lines() -> None:
    text = ONEDNN + CPU_GUARD + CUDA + PREAMBLE + ONEDNN
    assert "".join(without_native_logs(text)) == ""


def test_what_is_not_a_native_record_is_kept_in_order() -> None:
    warning = "/x/keras/src/api.py:12: UserWarning: something a library says\n  warn(...)\n"
    fatal = "F0000 00:00:1.2   7 cpu_feature_guard.cc:37] The library needs AVX.\n"
    text = "before\n" + ONEDNN + warning + PREAMBLE + ONEDNN + fatal + "after"
    assert "".join(without_native_logs(text)) == "before\n" + warning + fatal + "after"


def test_a_block_writes_to_stderr_without_its_native_records(
    capfd: pytest.CaptureFixture[str],
) -> None:
    with native_logs_dropped():
        os.write(2, (PREAMBLE + ONEDNN).encode())
        print("a library could not load", file=sys.stderr)
    os.write(2, b"then stderr is itself again\n")
    assert capfd.readouterr().err == "a library could not load\nthen stderr is itself again\n"


def test_stderr_is_restored_when_the_block_raises(capfd: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(ImportError), native_logs_dropped():
        os.write(2, ONEDNN.encode())
        raise ImportError("no module named tensorflow")
    os.write(2, b"restored\n")
    assert capfd.readouterr().err == "restored\n"


def _grader_command(*args: str | Path, cwd: Path) -> str:
    """The installed ``grader`` command's stdout and stderr, piped, at 80 columns."""
    env = {**os.environ, "COLUMNS": "80"}
    for name in ("TF_CPP_MIN_LOG_LEVEL", "TF_ENABLE_ONEDNN_OPTS", "GRADER_BANK", "PYTHONWARNINGS"):
        env.pop(name, None)
    done = subprocess.run(
        [str(Path(sys.executable).parent / "grader"), *map(str, args)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode in (0, 1), done.stdout + done.stderr
    return done.stdout + done.stderr


def _without_cell_ids(path: Path, source: str) -> Path:
    """A notebook of format 4.5 whose cell has no id, as older tools save them."""
    cell = {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": []}
    notebook = {
        "cells": [{**cell, "source": source}],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    path.write_text(json.dumps(notebook), encoding="utf-8")
    return path


@pytest.mark.slow
def test_check_and_batch_print_no_tensorflow_logs_and_no_library_warnings(
    tmp_path: Path,
) -> None:
    answer = "# EXERCISE: conv_output_size\ndef conv_output_size(n, m, p=0, s=1):\n    return n\n"
    module = tmp_path / "kim.py"
    module.write_text(answer, encoding="utf-8")
    notebook = _without_cell_ids(tmp_path / "lee.ipynb", answer)
    class_dir = tmp_path / "class"
    class_dir.mkdir()
    (class_dir / "kim.py").write_text(answer, encoding="utf-8")
    _without_cell_ids(class_dir / "lee.ipynb", answer)

    outputs = {
        "check .py": _grader_command("--bank", ROOT, "check", module, cwd=tmp_path),
        "check .ipynb": _grader_command("check", notebook, "--bank", ROOT, cwd=tmp_path),
        "batch": _grader_command(
            "--bank", ROOT, "batch", class_dir, "--out", tmp_path / "out", cwd=tmp_path
        ),
    }
    assert "conv_output_size" in outputs["check .py"] + outputs["check .ipynb"]
    assert "2 students: 2 graded" in outputs["batch"]
    for command, output in outputs.items():
        found = [word for word in NOISE if word in output]
        assert not found, f"grader {command} printed {found}:\n{output}"
