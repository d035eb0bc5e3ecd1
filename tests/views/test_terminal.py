"""What ``grader check`` prints, at 80 columns, as a student reads it."""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path

import pytest
from rich.console import Console

from grader import diagnoses, messages
from grader.course.bank import Bank
from grader.course.submission import load_submission
from grader.errors import SubmissionError
from grader.feedback import Language, Message
from grader.results.model import CellRun, CheckOutcome, ExerciseResult, SubmissionResult
from grader.views.terminal import print_check_result

LONG_KO = (
    "'one_hot' 문제에서 `cross_entropy`가 정의되지 않았습니다. 이 문제의 셀이 끝까지 "
    "실행되지 못했습니다 (셀 1: OSError: out of pty devices). 그 셀을 먼저 고치세요. "
    "`tf.keras.utils.to_categorical(tf.keras.utils.to_categorical(labels))`은 너무 깁니다."
)


def printed(result: SubmissionResult, bank: Bank, lang: Language = "ko") -> str:
    out = io.StringIO()
    print_check_result(Console(file=out, width=80, force_terminal=False), result, bank, lang)
    return out.getvalue()


def a_result(**changes: object) -> SubmissionResult:
    check = CheckOutcome(
        exercise="one_hot",
        check="test_public::test_y",
        title=Message(ko="y 는 (128, 10) 텐서입니다.", en="y is a (128, 10) tensor."),
        visibility="public",
        outcome="failed",
        points=0.0,
        max_points=2.0,
        message=Message(ko=LONG_KO, en="`cross_entropy` is not defined."),
        diagnosis="none-returned",
    )
    fields: dict[str, object] = {
        "student": "kim",
        "path": "kim.ipynb",
        "sha256": "0",
        "bank_version": "1",
        "exercises": (ExerciseResult("one_hot", True, (check,)),),
        "cells": (
            CellRun(
                7, "one_hot", "error", ename="CalledProcessError", evalue="\x1b[1;31mno\x1b[0m"
            ),
        ),
        "notices": (messages.as_notice(messages.unknown_exercise("tensor", "tensors")),),
    }
    fields.update(changes)
    return SubmissionResult(**fields)  # type: ignore[arg-type]


def joined(text: str) -> str:
    """The printed text with its table borders and line breaks taken out."""
    kept = "".join(c for c in text if c not in "│┌┐└┘├┤┬┴┼─\n")
    return "".join(kept.split())


def test_korean_feedback_wraps_at_80_columns_and_loses_nothing(public_bank: Bank) -> None:
    text = printed(a_result(), public_bank)
    assert "…" not in text
    assert "".join(LONG_KO.split()) in joined(text)
    assert all(len(line) <= 80 for line in text.splitlines())


def test_korean_output_has_no_slugs_english_labels_or_escapes(public_bank: Bank) -> None:
    text = printed(a_result(), public_bank)
    assert "none-returned" not in text and "[error]" not in text and "\x1b" not in text
    assert "[1;31m" not in text
    assert "셀 7 (오류): CalledProcessError: no" in text
    assert "`tensors`문제를뜻했나요?" in joined(text) and "Did you mean" not in text


def test_english_output_gets_the_english_notice(public_bank: Bank) -> None:
    text = printed(a_result(), public_bank, "en")
    assert "Didyoumean`tensors`?" in joined(text) and "뜻했나요" not in text
    assert "cell 7 (error): CalledProcessError: no" in text


def test_an_unreadable_file_is_explained_once_not_once_per_check(public_bank: Bank) -> None:
    error = "kim.ipynb is not a notebook: invalid JSON at line 1, column 2 (Expecting value)."
    checks = tuple(
        CheckOutcome(
            "one_hot",
            f"test_public::test_{n}",
            Message(ko=f"검사 {n}", en=f"check {n}"),
            "public",
            "error",
            0.0,
            1.0,
            messages.submission_unreadable(error),
        )
        for n in range(6)
    )
    result = a_result(
        exercises=(ExerciseResult("one_hot", True, checks),), cells=(), notices=(), error=error
    )
    text = printed(result, public_bank)
    assert text.count("invalid JSON") == 1
    assert "검사 6개를 채점하지 않았습니다" in text and "점수: 0 / 6" in text


def test_an_unreadable_notebook_is_explained_in_the_students_language(
    public_bank: Bank, tmp_path: Path
) -> None:
    broken = tmp_path / "kim.ipynb"
    broken.write_text("{not json", encoding="utf-8")
    with pytest.raises(SubmissionError) as refused:
        load_submission(broken)
    result = a_result(exercises=(), cells=(), notices=(), error=str(refused.value))
    korean, english = printed(result, public_bank), printed(result, public_bank, "en")
    assert "JSON이잘못되었습니다" in joined(korean) and "invalid JSON" not in korean
    assert "invalid JSON" in english and "잘못" not in english


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_a_failed_check_names_its_mistake_in_the_students_words(
    public_bank: Bank, lang: Language
) -> None:
    text = joined(printed(a_result(), public_bank, lang))
    mistake = diagnoses.FRAMEWORK["none-returned"]
    assert "".join(mistake.name.in_language(lang).split()) in text
    assert "".join(mistake.explanation.in_language(lang).split()) in text
    assert "none-returned" not in text


def test_an_exercises_own_mistake_is_named_as_its_exercise_toml_says(public_bank: Bank) -> None:
    [exercise] = a_result().exercises
    twice = replace(exercise.checks[0], diagnosis="one-hot-twice")
    text = joined(printed(a_result(exercises=(replace(exercise, checks=(twice,)),)), public_bank))
    named = public_bank.get("one_hot").mistakes["one-hot-twice"]
    assert "".join(named.name.ko.split()) in text and "one-hot-twice" not in text
