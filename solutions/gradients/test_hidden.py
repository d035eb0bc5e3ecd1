"""Hidden checks for 'gradients'."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from grader import expect, expect_number

points = st.floats(-20, 20, allow_nan=False).map(lambda x: round(x, 2))


def close(got, wanted):
    return abs(got - wanted) <= 1e-3 * max(1.0, abs(wanted))


@pytest.mark.points(2)
@given(x=points)
def test_gradient_of_square_anywhere(student, x):
    """ko: 여러 x 에서 x² 의 기울기가 2x 입니다.
    en: the gradient of x² is 2x at many x."""
    got = student.gradient_of_square(x)
    expect(got is not None, ko="기울기가 None 입니다.", en="the gradient is None.")
    got = expect_number(got, "gradient_of_square(x)")
    expect(
        close(got, 2 * x),
        ko=f"x = {x} 에서 기울기가 틀립니다.",
        en=f"the gradient is wrong at x = {x}.",
    )


@pytest.mark.points(2)
@given(x=points)
def test_gradient_of_cube_anywhere(student, x):
    """ko: 여러 x 에서 x³ 의 기울기가 3x² 입니다.
    en: the gradient of x³ is 3x² at many x."""
    got = student.gradient_of_cube(x)
    expect(
        got is not None,
        ko="기울기가 None 입니다: tape.watch(x)를 부르세요.",
        en="the gradient is None: call tape.watch(x).",
        diagnosis="not-watched",
    )
    got = expect_number(got, "gradient_of_cube(x)")
    expect(
        close(got, 3 * x * x),
        ko=f"x = {x} 에서 기울기가 틀립니다.",
        en=f"the gradient is wrong at x = {x}.",
    )


@pytest.mark.points(2)
@given(t=st.floats(0, 10, allow_nan=False).map(lambda x: round(x, 2)))
def test_motion_anywhere(student, t):
    """ko: 여러 시각에서 속도와 가속도가 맞습니다.
    en: speed and acceleration are right at many times."""
    speed, acceleration = student.motion(t)
    right_speed = speed is not None and close(expect_number(speed, "speed"), 9.8 * t + 3.0)
    expect(
        speed is not None and acceleration is not None,
        ko="속도나 가속도가 None 입니다.",
        en="the speed or the acceleration is None.",
        diagnosis="second-order-outside-tape" if acceleration is None and right_speed else None,
    )
    expect(
        not all(isinstance(part, (int, float)) for part in (speed, acceleration)),
        ko="속도와 가속도가 텐서가 아니라 파이썬 숫자입니다: 테이프 두 개로 구하세요.",
        en="the speed and the acceleration are Python numbers, not tensors: get them with two "
        "tapes.",
        diagnosis="formula-not-tape",
    )
    expect(
        close(expect_number(speed, "speed"), 9.8 * t + 3.0),
        ko=f"t = {t} 에서 속도가 틀립니다.",
        en=f"the speed is wrong at t = {t}.",
    )
    expect(
        close(expect_number(acceleration, "acceleration"), 9.8),
        ko=f"t = {t} 에서 가속도가 틀립니다.",
        en=f"the acceleration is wrong at t = {t}.",
    )
