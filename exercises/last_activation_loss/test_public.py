"""Public checks for 'last_activation_loss'."""

import pytest

from grader import expect, expect_activation_and_loss


def chosen(student, problem):
    choices = student.choices
    expect(
        isinstance(choices, dict) and problem in choices,
        ko=f"choices 에 {problem!r} 키가 있어야 합니다.",
        en=f"choices needs the key {problem!r}.",
    )
    return expect_activation_and_loss(choices[problem], f"choices[{problem!r}]")


@pytest.mark.points(1)
def test_regression(student):
    """ko: 회귀는 활성화 없이 mse 입니다.
    en: regression has no activation and the mse loss."""
    activation, loss = chosen(student, "regression")
    expect(
        (activation, loss) == ("linear", "mean_squared_error"),
        ko=f"회귀 출력은 제한이 없어야 하므로 (linear, mse) 인데 ({activation}, {loss}) 입니다.",
        en=f"a regression output is unbounded: (linear, mse), not ({activation}, {loss}).",
    )


@pytest.mark.points(2)
def test_binary(student):
    """ko: 이진 분류는 sigmoid 와 binary_crossentropy 입니다.
    en: binary classification is sigmoid with binary_crossentropy."""
    activation, loss = chosen(student, "binary")
    softmax_binary = activation == "softmax" and loss == "binary_crossentropy"
    expect(
        (activation, loss) == ("sigmoid", "binary_crossentropy"),
        ko=f"({activation}, {loss}) 가 아니라 (sigmoid, binary_crossentropy) 입니다."
        + (" 출력 하나에 softmax 를 쓰면 항상 1 이 나옵니다." if softmax_binary else ""),
        en=f"expected (sigmoid, binary_crossentropy), got ({activation}, {loss})."
        + (" A softmax over a single output is always 1." if softmax_binary else ""),
        diagnosis="softmax-with-binary-crossentropy" if softmax_binary else None,
    )
