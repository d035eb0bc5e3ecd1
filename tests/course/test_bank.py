"""The bank: exercises in course order, public and hidden checks apart, a version that moves."""

from __future__ import annotations

import ast
import shutil
from pathlib import Path

import numpy as np
import pytest

from grader.course.bank import Bank, find_bank_root, from_starter, load_bank
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


def _functions(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}


def test_no_check_copies_a_function_its_starter_defines(bank: Bank) -> None:
    for exercise in bank.exercises:
        given = _functions(exercise.folder / "starter.py")
        for check in (*exercise.public_checks, *exercise.hidden_checks):
            copied = given & _functions(check)
            assert not copied, f"{check}: take {sorted(copied)} with from_starter"


def test_a_check_takes_the_starters_function_as_the_starter_runs_it(bank: Bank) -> None:
    exercise = bank.get("linear_classifier")
    starter: dict[str, object] = {}
    exec((exercise.folder / "starter.py").read_text(encoding="utf-8"), starter)
    make_points = from_starter(exercise.hidden_checks[0], "make_points")
    for ours, theirs in zip(make_points(0), (starter["inputs"], starter["targets"]), strict=True):
        np.testing.assert_array_equal(ours, theirs)
    assert make_points(1)[0].tolist() != make_points(0)[0].tolist()


def test_from_starter_runs_only_the_imports_and_the_one_definition(tmp_path: Path) -> None:
    folder = tmp_path / "exercises" / "x"
    folder.mkdir(parents=True)
    (folder / "starter.py").write_text(
        "import pathlib\n"
        "START = 2\n"
        "start = 100\n"
        "def seeds(n):\n    return list(range(START, START + n))\n"
        "pathlib.Path(__file__).with_name('ran').touch()\n"
        "def other():\n    raise SystemExit\n",
        encoding="utf-8",
    )
    check = folder / "test_public.py"
    assert from_starter(check, "seeds")(3) == [2, 3, 4]
    assert not (folder / "ran").exists()
    with pytest.raises(BankError, match="no function 'missing'"):
        from_starter(check, "missing")
    with pytest.raises(BankError, match="cannot read the starter"):
        from_starter(tmp_path / "solutions" / "y" / "test_hidden.py", "seeds")
