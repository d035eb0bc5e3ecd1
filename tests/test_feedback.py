"""Numbers and counts in feedback read as a person would write them."""

from __future__ import annotations

import numpy as np
import pytest

from grader.feedback import plural, readable


@pytest.mark.parametrize(
    ("value", "written"),
    [
        (1.2345678901234567e33, "1.235e+33"),
        (np.float32(0.25), "0.25"),
        (0.6931471805599453, "0.6931"),
        (6.0, "6.0"),
        (235146, "235146"),
        (np.int64(3), "3"),
        (float("nan"), "nan"),
        ([1, 2], "[1, 2]"),
        (True, "True"),
    ],
)
def test_a_number_keeps_four_significant_digits(value: object, written: str) -> None:
    assert readable(value) == written


def test_a_count_of_one_is_singular_and_others_plural() -> None:
    assert plural(1, "channel") == "1 channel"
    assert plural(2, "unit") == "2 units"
    assert plural(0, "bias", "biases") == "0 biases"
