"""Public checks for 'regression_minimize'."""

import numpy as np
import pytest

from grader import expect, expect_float, expect_number, fail, readable


def fitted(student, loss_name, x, y):
    result = student.fit(getattr(student, loss_name), x, y)
    if not (isinstance(result, tuple) and len(result) == 2):
        fail(
            ko="fit 은 (a, b) 두 실수를 돌려줘야 합니다.", en="fit should return two floats (a, b)."
        )
    return expect_float(result[0], "a"), expect_float(result[1], "b")


@pytest.mark.points(1)
def test_ols_loss_of_a_perfect_line_is_zero(student):
    """ko: 점들이 직선 위에 있으면 ols_loss 는 0 입니다.
    en: ols_loss is 0 when the points lie on the line."""
    x = np.array([0.0, 1.0, 2.0], np.float32)
    got = expect_number(student.ols_loss(2.0, 1.0, x, 2 * x + 1), "ols_loss(2, 1, ...)")
    expect(
        abs(got) < 1e-6,
        ko=f"0 이어야 하는데 {readable(got)} 입니다.",
        en=f"expected 0, got {readable(got)}.",
    )


@pytest.mark.points(2)
def test_fit_finds_the_line_of_the_given_data(student):
    """ko: fit(ols_loss, x, y) 는 a ≈ 2, b ≈ 1 을 찾습니다.
    en: fit(ols_loss, x, y) finds a ≈ 2 and b ≈ 1."""
    a, b = fitted(student, "ols_loss", student.x, student.y)
    intercept_untrained = abs(b) < 1e-6 and abs(a - 2) < 0.3
    expect(
        abs(a - 2) < 0.1 and abs(b - 1) < 0.1,
        ko=f"a ≈ 2, b ≈ 1 이어야 하는데 a = {a:.3f}, b = {b:.3f} 입니다."
        + (
            " b 가 전혀 바뀌지 않았습니다: var_list=[a, b] 에 b 를 넣으세요."
            if intercept_untrained
            else ""
        ),
        en=f"expected a ≈ 2, b ≈ 1, got a = {a:.3f}, b = {b:.3f}."
        + (" b never moved: put b in var_list=[a, b]." if intercept_untrained else ""),
        diagnosis="var-list-incomplete" if intercept_untrained else None,
    )
