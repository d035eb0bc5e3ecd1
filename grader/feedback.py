"""What a check says to a student when it fails: the API check authors write against.

A check is a pytest test function. It fails with a plain ``assert`` (the
message then comes from pytest, in English only) or, better, with :func:`fail`
or :func:`expect`, which carry a message in Korean and English and, for a known
mistake, a named diagnosis::

    expect(
        shape == (128, 10),
        ko=f"(128, 10) 모양이어야 하는데 {shape} 입니다.",
        en=f"expected shape (128, 10), got {shape}.",
        diagnosis="one-hot-twice" if shape == (128, 10, 10) else None,
    )
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal, NoReturn

import numpy as np

from grader.errors import CheckFailed, PartialCredit

Language = Literal["ko", "en"]


@dataclass(frozen=True)
class Message:
    """A sentence for the student, in Korean and in English."""

    ko: str
    en: str

    def in_language(self, language: Language) -> str:
        return self.ko if language == "ko" else self.en


def fail(*, ko: str, en: str, diagnosis: str | None = None) -> NoReturn:
    """End the check here as failed, with this feedback."""
    raise CheckFailed(Message(ko=ko, en=en), diagnosis)


def expect(condition: object, *, ko: str, en: str, diagnosis: str | None = None) -> None:
    """Fail the check with this feedback unless ``condition`` is true."""
    if not condition:
        raise CheckFailed(Message(ko=ko, en=en), diagnosis)


def partial_credit(fraction: float, *, ko: str, en: str, diagnosis: str | None = None) -> None:
    """End the check here, awarding ``fraction`` of its points with this feedback."""
    raise PartialCredit(fraction, Message(ko=ko, en=en), diagnosis)


def readable(value: object) -> str:
    """A number as a person would write it in a sentence: ``0.6931``, ``1.235e+33``, ``235146``.

    Floats keep four significant digits, so a diverged loss does not print 34 digits;
    anything that is not a single number is shown as ``str`` shows it.
    """
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if not isinstance(value, (float, np.floating)):
        return str(value)
    number = float(value)
    if not math.isfinite(number):
        return str(number)
    if number == int(number) and abs(number) < 1e15:
        return f"{int(number)}.0"
    return f"{number:.4g}"


def plural(count: int, noun: str, plural_noun: str | None = None) -> str:
    """``count`` and ``noun`` in English agreement: ``1 channel``, ``2 units``."""
    return f"{count} {noun if count == 1 else plural_noun or noun + 's'}"
