"""Hidden checks for 'regression_minimize': new lines, and the two losses told apart."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grader import expect, expect_float, expect_number


def line(slope, intercept, noise, seed):
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 1, size=60).astype(np.float32)
    return x, (slope * x + intercept + rng.normal(scale=noise, size=60)).astype(np.float32)


@pytest.mark.points(2)
@settings(max_examples=2)
@given(
    slope=st.floats(-3, 3).map(lambda v: round(v, 2)),
    intercept=st.floats(-2, 2).map(lambda v: round(v, 2)),
)
def test_ols_fit_finds_any_line(student, reference, slope, intercept):
    """ko: fit(ols_loss) 가 여러 직선을 찾아냅니다.
    en: fit(ols_loss) recovers many lines."""
    x, y = line(slope, intercept, 0.05, 11)
    a, b = student.fit(student.ols_loss, x, y)
    wanted_a, wanted_b = np.polyfit(x, y, 1)
    a, b = expect_float(a, "a"), expect_float(b, "b")
    untrained_b = abs(b) < 1e-6 and abs(wanted_b) > 0.05
    expect(
        abs(a - wanted_a) < 0.05 and abs(b - wanted_b) < 0.05,
        ko=f"기울기 {slope}, 절편 {intercept} 인 데이터에서 직선을 찾지 못했습니다.",
        en=f"the line was not found for data of slope {slope}, intercept {intercept}.",
        diagnosis="var-list-incomplete" if untrained_b else None,
    )


@pytest.mark.points(2)
@given(a=st.floats(-3, 3).map(lambda v: round(v, 2)), b=st.floats(-2, 2).map(lambda v: round(v, 2)))
def test_tls_loss_divides_by_one_plus_slope_squared(student, reference, a, b):
    """ko: tls_loss 가 공식과 같습니다.
    en: tls_loss matches the formula."""
    x, y = line(1.5, 0.5, 0.3, 3)
    got = expect_number(student.tls_loss(a, b, x, y), "tls_loss")
    wanted = float(reference.tls_loss(a, b, x, y))
    same_as_ols = (
        abs(got - float(reference.ols_loss(a, b, x, y))) < 1e-4 * max(1, wanted) and a != 0
    )
    expect(
        abs(got - wanted) < 1e-4 * max(1.0, wanted),
        ko="tls_loss 의 값이 틀립니다."
        + (" (1 + a²) 로 나누지 않았습니다." if same_as_ols else ""),
        en="tls_loss is wrong." + (" It is not divided by (1 + a²)." if same_as_ols else ""),
        diagnosis="tls-is-ols" if same_as_ols else None,
    )


def descend(x, y, *, tls):
    """What the statement's fit gives: 300 steps of gradient descent at rate 0.1 from
    a = b = 0 on the mean OLS or TLS loss, each step from both partial derivatives at the
    same point. Computed here, with the derivatives written out, in milliseconds; the
    same steps in TensorFlow's eager mode take most of a second."""
    a = b = 0.0
    x, y = x.astype(np.float64), y.astype(np.float64)
    for _ in range(300):
        residual = y - (a * x + b)
        scale = 1 + a * a if tls else 1.0
        d_a = np.mean(-2 * residual * x) / scale
        if tls:
            d_a -= np.mean(residual**2) * 2 * a / scale**2
        d_b = np.mean(-2 * residual) / scale
        a, b = a - 0.1 * d_a, b - 0.1 * d_b
    return a, b


@pytest.mark.points(2)
def test_fit_minimizes_the_loss_it_is_given(student, rng):
    """ko: fit(tls_loss) 는 fit(ols_loss) 와 다른, TLS 의 직선을 찾습니다.
    en: fit(tls_loss) finds the TLS line, which differs from the OLS one."""
    x, y = line(
        float(rng.uniform(1.5, 2.5)), float(rng.uniform(-1, 1)), 0.6, int(rng.integers(1 << 30))
    )
    wanted = descend(x, y, tls=True)
    result = student.fit(student.tls_loss, x, y)
    expect(
        isinstance(result, tuple) and len(result) == 2,
        ko="fit 은 (a, b) 두 실수를 돌려줘야 합니다.",
        en="fit should return two floats (a, b).",
    )
    a, b = expect_float(result[0], "a"), expect_float(result[1], "b")
    right = abs(a - wanted[0]) < 0.02 and abs(b - wanted[1]) < 0.02
    ols = None if right else descend(x, y, tls=False)
    as_ols = ols is not None and abs(a - ols[0]) < 0.02 and abs(b - ols[1]) < 0.02
    expect(
        right,
        ko="fit(tls_loss, x, y) 가 tls_loss 를 최소화한 직선을 찾지 못했습니다."
        + (
            " 결과가 fit(ols_loss, ...) 와 같습니다: fit 안에서 인자로 받은 loss 를 쓰세요."
            if as_ols
            else ""
        ),
        en="fit(tls_loss, x, y) did not find the line that minimizes tls_loss."
        + (" It equals fit(ols_loss, ...): use the loss that fit is given." if as_ols else ""),
        diagnosis="fit-ignores-loss" if as_ols else None,
    )
