"""Hidden checks for 'tensors': only the instructor's grader runs these."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from grader import expect, expect_tensor

SAMPLE = (100, 100)


@pytest.mark.points(2)
@given(
    mean=st.floats(-50, 50).map(lambda x: round(x, 2)),
    stddev=st.floats(0.5, 20).map(lambda x: round(x, 2)),
)
def test_normal_has_the_asked_mean_and_spread(student, mean, stddev):
    """ko: normal 의 표본 평균과 표준편차가 요청한 값과 맞습니다.
    en: normal's sample mean and standard deviation match the requested ones."""
    values = expect_tensor(student.normal(SAMPLE, mean, stddev), "normal(...)", shape=SAMPLE)
    values = values.numpy().astype(np.float64)
    # Six standard errors: a correct answer fails this less than once in a billion runs.
    mean_tolerance = 6 * stddev / np.sqrt(values.size)
    swapped = abs(values.mean() - stddev) < mean_tolerance and abs(mean - stddev) > mean_tolerance
    expect(
        abs(values.mean() - mean) < mean_tolerance,
        ko="normal 이 돌려준 값들의 평균이 mean 과 다릅니다."
        + (" mean 과 stddev 의 순서가 바뀌지 않았는지 확인하세요." if swapped else ""),
        en="the values normal returns do not average to mean."
        + (" Check that mean and stddev are not swapped." if swapped else ""),
        diagnosis="mean-stddev-swapped" if swapped else None,
    )
    expect(
        abs(values.std() - stddev) < 0.05 * stddev,
        ko="normal 이 돌려준 값들의 표준편차가 stddev 와 다릅니다.",
        en="the values normal returns do not spread with standard deviation stddev.",
    )


@pytest.mark.points(1)
def test_normal_follows_any_shape(student):
    """ko: normal 은 3차원 모양도 따릅니다.
    en: normal follows a 3-D shape too."""
    expect_tensor(
        student.normal((2, 3, 7), 1.0, 2.0), "normal((2, 3, 7), 1.0, 2.0)", shape=(2, 3, 7)
    )
