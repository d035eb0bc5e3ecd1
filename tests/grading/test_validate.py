"""``grader validate`` proves the bank sound, and catches a check that is not."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from grader.course.bank import Bank, load_bank
from grader.grading.grader import Grader, GradingOptions
from grader.grading.validate import validate, validate_in_parallel

from ..conftest import COURSE_LIMITS, ROOT, TEST_LIMITS

pytestmark = pytest.mark.slow


def test_every_check_of_the_bank_is_sound(bank: Bank) -> None:
    # Two workers, as `grader validate --jobs 2`; the single-process path is the one the
    # tests below take.
    options = GradingOptions(limits=COURSE_LIMITS, answered_only=True)
    verdicts = list(validate_in_parallel(bank, options, jobs=2))
    unsound = [v for v in verdicts if not v.sound]
    assert unsound == []
    order = [v.exercise for v in verdicts]
    assert sorted(set(order), key=order.index) == bank.ids()
    for exercise in bank.ids():
        mistakes = [
            v for v in verdicts if v.exercise == exercise and v.variant.startswith("mistake")
        ]
        assert len(mistakes) >= 3, exercise


def one_exercise_bank(tmp_path: Path, exercise: str) -> Path:
    for part in ("exercises", "solutions"):
        shutil.copytree(ROOT / part / exercise, tmp_path / part / exercise)
    return tmp_path


def test_a_check_that_passes_the_starter_is_unsound(tmp_path: Path) -> None:
    root = one_exercise_bank(tmp_path, "conv_output_size")
    (root / "exercises" / "conv_output_size" / "test_lenient.py").write_text(
        "import pytest\n\n@pytest.mark.points(1)\ndef test_anything(student):\n    assert True\n"
    )
    for mistake in (root / "solutions" / "conv_output_size" / "mistakes").glob("*.py"):
        if mistake.stem not in ("same_formula", "hardcoded"):
            mistake.unlink()
    bank = load_bank(root)
    with Grader(bank, GradingOptions(limits=TEST_LIMITS, answered_only=True)) as grader:
        verdicts = {v.variant: v for v in validate(bank, grader)}
    assert not verdicts["starter"].sound
    assert "test_lenient::test_anything" in str(verdicts["starter"].problem)
    assert not verdicts["mistakes"].sound and "at least 2" in str(verdicts["mistakes"].problem)
    assert verdicts["reference"].sound


def test_a_mistake_whose_diagnosis_is_never_named_is_unsound(tmp_path: Path) -> None:
    root = one_exercise_bank(tmp_path, "conv_output_size")
    mistake = root / "solutions" / "conv_output_size" / "mistakes" / "no_padding.py"
    mistake.write_text(mistake.read_text().replace("padding-forgotten", "some-other-mistake"))
    bank = load_bank(root)
    with Grader(bank, GradingOptions(limits=TEST_LIMITS, answered_only=True)) as grader:
        verdicts = {v.variant: v for v in validate(bank, grader)}
    assert not verdicts["mistake no_padding"].sound
    assert "some-other-mistake" in str(verdicts["mistake no_padding"].problem)
    # Nor does the page have a name for it: exercise.toml names the bank's own mistakes.
    assert not verdicts["names"].sound
    assert "some-other-mistake" in str(verdicts["names"].problem)
    assert "padding-forgotten" not in str(verdicts["names"].problem)


def test_a_correct_alternative_that_loses_points_is_unsound(tmp_path: Path) -> None:
    root = one_exercise_bank(tmp_path, "conv_output_size")
    folder = root / "solutions" / "conv_output_size"
    for variant in [*(folder / "mistakes").glob("*.py"), *(folder / "alternatives").glob("*.py")]:
        if variant.stem not in ("no_padding", "not_floored", "hardcoded", "floor_division"):
            variant.unlink()
    (root / "exercises" / "conv_output_size" / "test_strict.py").write_text(
        "import pytest\n\n@pytest.mark.points(1)\ndef test_uses_no_floor_division(student):\n"
        "    assert student.conv_output_size(9, 3, 0, 2) == 4 and False\n"
    )
    bank = load_bank(root)
    with Grader(bank, GradingOptions(limits=TEST_LIMITS, answered_only=True)) as grader:
        verdicts = {v.variant: v for v in validate(bank, grader)}
    unsound = verdicts["alternative floor_division"]
    assert not unsound.sound
    assert "test_strict::test_uses_no_floor_division" in str(unsound.problem)
