"""The bank: exercises in course order, public and hidden checks apart, a version that moves."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from grader.course.bank import Bank, find_bank_root, load_bank
from grader.errors import BankError

from ..conftest import ROOT


def test_the_bank_lists_the_course_in_order(bank: Bank) -> None:
    assert bank.ids()[:1] == ["tensors"]
    assert {"tensors", "one_hot", "conv_output_size"} <= set(bank.ids())
    for exercise in bank.exercises:
        assert exercise.public_checks, exercise.id
        assert exercise.hidden_checks, exercise.id
        assert exercise.solution is not None
        assert exercise.statement("ko") and exercise.statement("en")
        assert exercise.title.ko != exercise.title.en


def test_without_solutions_there_are_no_hidden_checks(public_bank: Bank) -> None:
    assert all(not e.hidden_checks and e.solution is None for e in public_bank.exercises)


def test_the_version_changes_when_a_hidden_check_changes(tmp_path: Path) -> None:
    copy = tmp_path / "bank"
    shutil.copytree(ROOT / "exercises", copy / "exercises")
    shutil.copytree(ROOT / "solutions", copy / "solutions")
    before = load_bank(copy).version
    hidden = copy / "solutions" / "one_hot" / "test_hidden.py"
    hidden.write_text(hidden.read_text() + "\n# changed\n")
    assert load_bank(copy).version != before


def test_a_folder_without_exercises_is_not_a_bank(tmp_path: Path) -> None:
    with pytest.raises(BankError, match="no exercises/ folder"):
        load_bank(tmp_path)


def test_the_bank_is_found_from_a_folder_inside_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GRADER_BANK", raising=False)
    assert find_bank_root(ROOT / "exercises" / "one_hot") == ROOT


def test_an_unknown_exercise_names_the_known_ones(bank: Bank) -> None:
    with pytest.raises(BankError, match="tensors"):
        bank.get("no_such_exercise")


def test_an_empty_grader_bank_variable_counts_as_unset(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "exercises").mkdir()
    monkeypatch.setenv("GRADER_BANK", "")
    assert find_bank_root(tmp_path / "exercises") == tmp_path.resolve()
