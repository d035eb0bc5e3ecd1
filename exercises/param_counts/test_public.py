"""Public checks for 'param_counts'."""

import pytest

from grader import expect, expect_integer, expect_number


@pytest.mark.points(1)
def test_dense_784_to_256(student):
    """ko: dense_params(784, 256) 은 200,960 입니다.
    en: dense_params(784, 256) is 200,960."""
    got = expect_number(student.dense_params(784, 256), "dense_params(784, 256)")
    forgot = got == 784 * 256
    per_input = got == 784 * 256 + 784
    expect(
        got == 200_960,
        ko=f"200960 이어야 하는데 {got} 입니다."
        + (" 편향(units 개)을 빠뜨렸습니다." if forgot else "")
        + (" 편향은 입력마다가 아니라 출력(unit)마다 하나입니다." if per_input else ""),
        en=f"expected 200960, got {got}."
        + (" The biases (units of them) are missing." if forgot else "")
        + (" There is one bias per output unit, not per input." if per_input else ""),
        diagnosis="bias-forgotten" if forgot else "bias-per-input" if per_input else None,
    )


@pytest.mark.points(1)
def test_conv_3x3_on_rgb(student):
    """ko: conv2d_params(3, 3, 3, 32) 는 896 입니다.
    en: conv2d_params(3, 3, 3, 32) is 896."""
    got = expect_number(student.conv2d_params(3, 3, 3, 32), "conv2d_params(3, 3, 3, 32)")
    diagnosis = {864: "bias-forgotten", 320: "channels-forgotten"}.get(got)
    hints = {
        "bias-forgotten": (
            " 필터마다 편향 1개를 빠뜨렸습니다.",
            " One bias per filter is missing.",
        ),
        "channels-forgotten": (
            " 입력 채널 수 c_in 을 곱하지 않았습니다.",
            " The input channels c_in are not multiplied in.",
        ),
    }
    hint_ko, hint_en = hints.get(diagnosis, ("", ""))
    expect(
        got == 896,
        ko=f"896 이어야 하는데 {got} 입니다.{hint_ko}",
        en=f"expected 896, got {got}.{hint_en}",
        diagnosis=diagnosis,
    )


@pytest.mark.points(2)
def test_the_mlp_total(student):
    """ko: 784-256-128-10 신경망의 파라미터는 235,146 개입니다.
    en: the 784-256-128-10 network has 235,146 parameters."""
    got = expect_integer(student.mlp_total, "mlp_total")
    forgot = got == 784 * 256 + 256 * 128 + 128 * 10
    expect(
        got == 235_146,
        ko=f"235146 이어야 하는데 {got} 입니다."
        + (" 층마다 편향을 빠뜨렸습니다." if forgot else ""),
        en=f"expected 235146, got {got}." + (" Each layer's biases are missing." if forgot else ""),
        diagnosis="bias-forgotten" if forgot else None,
    )
