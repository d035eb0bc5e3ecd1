"""Public checks for 'gradients'."""

import numpy as np
import pytest

from grader import expect, expect_number, fail, particle, readable


def gradient_value(value, name, *, unwatched_hint=False):
    """The gradient the student returned, as a number, failing unless it is a tensor."""
    if value is None:
        if unwatched_hint:
            fail(
                ko=f"{particle(name, '이/가')} None 입니다. 상수는 테이프가 추적하지 않습니다: "
                "tape.watch(x)를 부르세요.",
                en=f"{name} is None. A tape does not follow a constant: call tape.watch(x).",
                diagnosis="not-watched",
            )
        fail(
            ko=f"{particle(name, '이/가')} None 입니다.",
            en=f"{name} is None.",
            diagnosis="none-returned",
        )
    if isinstance(value, (int, float, np.number)):
        fail(
            ko=f"{particle(name, '이/가')} 텐서가 아니라 파이썬 숫자 {readable(value)} 입니다. "
            "tape.gradient 가 돌려주는 텐서를 그대로 돌려주세요.",
            en=f"{name} is the Python number {readable(value)}, not a tensor. Return the tensor "
            "that tape.gradient gives.",
            diagnosis="number-not-tensor",
        )
    return expect_number(value, name)


@pytest.mark.points(1)
def test_gradient_of_square_at_three_is_six(student):
    """ko: x = 3 에서 x² 의 기울기는 6 입니다.
    en: the gradient of x² at x = 3 is 6."""
    got = gradient_value(student.gradient_of_square(3.0), "gradient_of_square(3.0)")
    expect(
        abs(got - 6.0) < 1e-4,
        ko=f"6 이어야 하는데 {readable(got)} 입니다.",
        en=f"expected 6, got {readable(got)}.",
    )


@pytest.mark.points(2)
def test_gradient_of_cube_watches_the_constant(student):
    """ko: x = 2 에서 x³ 의 기울기는 12 입니다 (tape.watch 필요).
    en: the gradient of x³ at x = 2 is 12 (needs tape.watch)."""
    got = gradient_value(
        student.gradient_of_cube(2.0), "gradient_of_cube(2.0)", unwatched_hint=True
    )
    expect(
        abs(got - 12.0) < 1e-4,
        ko=f"12 이어야 하는데 {readable(got)} 입니다.",
        en=f"expected 12, got {readable(got)}.",
    )


@pytest.mark.points(2)
def test_motion_at_one_second(student):
    """ko: t = 1 에서 속도는 12.8, 가속도는 9.8 입니다.
    en: at t = 1 the speed is 12.8 and the acceleration 9.8."""
    result = student.motion(1.0)
    if not isinstance(result, tuple) or len(result) != 2:
        fail(
            ko="motion(t) 은 (speed, acceleration) 두 값을 돌려줘야 합니다.",
            en="motion(t) must return two values: (speed, acceleration).",
        )
    if all(isinstance(part, (int, float, np.number)) for part in result):
        fail(
            ko="motion(t) 가 텐서가 아닌 파이썬 숫자 두 개를 돌려줍니다. 미분을 손으로 풀어 쓴 "
            "공식(9.8 t + 3, 9.8)이 아니라, 테이프 두 개를 겹쳐 tape.gradient 로 구한 텐서를 "
            "돌려주세요.",
            en="motion(t) returns two Python numbers, not tensors. Instead of a hand-derived "
            "formula (9.8 t + 3, 9.8), nest two tapes and return the tensors tape.gradient gives.",
            diagnosis="formula-not-tape",
        )
    speed = gradient_value(result[0], "speed")
    if result[1] is None and abs(speed - 12.8) >= 1e-3:
        fail(
            ko=f"가속도가 None 이고 속도도 12.8 이 아니라 {readable(speed)} 입니다. 테이프가 "
            "위치 계산의 일부를 따라가지 못했습니다: 테이프 안에서는 tf 연산만 쓰세요.",
            en=f"the acceleration is None and the speed is {readable(speed)}, not 12.8: the "
            "tapes did not follow all of the position's computation. Use tf operations "
            "inside the tapes.",
        )
    if result[1] is None:
        fail(
            ko="가속도가 None 입니다. 속도를 바깥 테이프 안에서 계산해야 2계 미분을 구할 수 "
            "있습니다.",
            en="the acceleration is None. Compute the speed inside the outer tape to get the "
            "second-order gradient.",
            diagnosis="second-order-outside-tape",
        )
    acceleration = expect_number(result[1], "acceleration")
    expect(
        abs(speed - 12.8) < 1e-3,
        ko=f"속도가 12.8 이어야 하는데 {readable(speed)} 입니다.",
        en=f"the speed should be 12.8, it is {readable(speed)}.",
    )
    expect(
        abs(acceleration - 9.8) < 1e-3,
        ko=f"가속도가 9.8 이어야 하는데 {readable(acceleration)} 입니다.",
        en=f"the acceleration should be 9.8, it is {readable(acceleration)}.",
    )
