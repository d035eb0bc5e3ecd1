"""What a check's exception means for the student, and what hidden checks never reveal."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from grader.course.bank import Bank
from grader.errors import (
    CheckFailed,
    MissingName,
    NotAnswered,
    PartialCredit,
    RunnerGone,
    StudentError,
)
from grader.feedback import Message, expect, fail, partial_credit
from grader.grading.plugin import hidden_rng, seed_material, verdict

TITLE = Message(ko="제목", en="title")


def test_authored_feedback_is_shown_as_written_with_its_diagnosis() -> None:
    with pytest.raises(CheckFailed) as caught:
        expect(False, ko="틀림", en="wrong", diagnosis="one-hot-twice")
    outcome, credit, message, diagnosis = verdict(caught.value, "hidden", TITLE)
    assert (outcome, credit, message, diagnosis) == (
        "failed",
        0.0,
        Message("틀림", "wrong"),
        "one-hot-twice",
    )


def test_partial_credit_awards_its_fraction() -> None:
    with pytest.raises(PartialCredit) as caught:
        partial_credit(0.5, ko="반", en="half")
    assert verdict(caught.value, "public", TITLE)[:2] == ("partial", 0.5)


def test_partial_credit_outside_zero_to_one_is_a_bank_bug() -> None:
    with pytest.raises(ValueError, match="within"):
        partial_credit(1.5, ko="", en="")


def test_a_hidden_assertion_never_shows_its_expected_value() -> None:
    error = AssertionError("assert 235146 == 42")
    outcome, _, message, _ = verdict(error, "hidden", TITLE)
    assert outcome == "failed"
    assert "235146" not in message.ko + message.en
    assert TITLE.en in message.en


def test_a_public_assertion_shows_its_text() -> None:
    _, _, message, _ = verdict(AssertionError("assert 3 == 4"), "public", TITLE)
    assert "assert 3 == 4" in message.en


def test_a_hidden_checks_own_crash_does_not_leak_its_message() -> None:
    outcome, _, message, _ = verdict(ValueError("expected 1234"), "hidden", TITLE)
    assert outcome == "error"
    assert "1234" not in message.ko + message.en and "ValueError" in message.en


@pytest.mark.parametrize(
    ("error", "outcome", "words"),
    [
        (NotAnswered("one_hot"), "not-answered", "# EXERCISE: one_hot"),
        (MissingName("y", "one_hot"), "failed", "`y` is not defined"),
        (MissingName("y", "one_hot", "cell 3: timeout"), "failed", "cell 3: timeout"),
        (StudentError("ZeroDivisionError", "division by zero"), "failed", "ZeroDivisionError"),
        (RunnerGone("the runner exited"), "error", "the runner exited"),
    ],
)
def test_framework_failures_become_bilingual_messages(
    error: Exception, outcome: str, words: str
) -> None:
    got, credit, message, _ = verdict(error, "public", TITLE)
    assert (got, credit) == (outcome, 0.0)
    assert words in message.en and message.ko and message.ko != message.en


def test_fail_raises_so_it_can_be_used_as_a_statement() -> None:
    with pytest.raises(CheckFailed, match="english"):
        fail(ko="한국어", en="english")


@pytest.mark.parametrize(
    ("error", "diagnosis", "words"),
    [
        (
            StudentError("AttributeError", "'numpy.float32' object has no attribute '_id'"),
            "numpy-in-tape",
            "inside the tape",
        ),
        (
            StudentError("TypeError", "unsupported operand type(s) for *: 'float' and 'NoneType'"),
            "none-gradient",
            "outside the `with tf.GradientTape() as tape:` block",
        ),
        (
            StudentError(
                "InvalidArgumentError",
                "cannot compute MatMul as input #1(zero-based) was expected to be a int32 "
                "tensor but is a float tensor [Op:MatMul]",
            ),
            "int-float-mixed",
            "tf.cast",
        ),
        (
            MissingName(
                "W",
                "tf1_to_tf2",
                "cell 2: AttributeError: module 'tensorflow' has no attribute 'placeholder'",
            ),
            "tf1-in-eager",
            "placeholders",
        ),
        (
            StudentError(
                "ValueError",
                "The layer sequential has never been called and thus has no defined input.",
            ),
            "model-not-built",
            "keras.Input",
        ),
    ],
)
def test_a_known_raw_error_is_explained_and_named(
    error: Exception, diagnosis: str, words: str
) -> None:
    _, _, message, named = verdict(error, "hidden", TITLE)
    assert named == diagnosis
    assert words in message.en and message.ko != message.en
    assert str(getattr(error, "ename", "")) in message.en


def test_an_unknown_raw_error_names_no_mistake() -> None:
    _, _, _, named = verdict(StudentError("TypeError", "int32 cannot be assigned"), "public", TITLE)
    assert named is None


class _Submission:
    def __init__(self, sha256: str) -> None:
        self.sha256 = sha256


class _Context:
    def __init__(self, bank: Bank, sha256: str) -> None:
        self.submission = _Submission(sha256)
        self.grader = SimpleNamespace(bank=bank)


def test_hidden_inputs_repeat_for_a_file_and_differ_between_files(bank: Bank) -> None:
    def draw(sha256: str, check: str = "test_hidden.py::test_x") -> list[int]:
        return list(hidden_rng(seed_material(_Context(bank, sha256)), check).integers(0, 10**9, 4))

    assert draw("a" * 64) == draw("a" * 64)
    assert draw("a" * 64) != draw("b" * 64)
    assert draw("a" * 64) != draw("a" * 64, "test_hidden.py::test_y")


def test_hidden_inputs_are_not_computable_from_what_students_see(bank: Bank) -> None:
    material = seed_material(_Context(bank, "a" * 64))
    assert bank.version.encode() not in material
    assert len(material) > len("a" * 64) + 16
