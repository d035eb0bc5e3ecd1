"""Public checks for 'linear_classifier'."""

import numpy as np
import pytest

from grader import expect
from grader.checks import describe, expect_number
from grader.remote import RemoteObject


@pytest.mark.points(1)
def test_w_and_b_are_variables(student):
    """ko: W 는 (2, 1), b 는 (1,) 모양의 tf.Variable 입니다.
    en: W is a (2, 1) and b a (1,) tf.Variable."""
    for name, shape in (("W", (2, 1)), ("b", (1,))):
        value = getattr(student, name)
        expect(
            isinstance(value, RemoteObject) and "Variable" in value.remote_type,
            ko=f"{name} 은(는) tf.Variable 이어야 하는데 {describe(value)} 입니다."
            + (
                " `W = W - ...` 처럼 다시 대입하면 텐서가 됩니다: assign_sub 를 쓰세요."
                if value is not None
                else ""
            ),
            en=f"{name} should be a tf.Variable, it is {describe(value)}."
            + (
                " Rebinding with `W = W - ...` makes it a tensor: use assign_sub."
                if value is not None
                else ""
            ),
            diagnosis="rebind-not-assign" if value is not None else None,
        )
        got = tuple(value.shape)
        expect(
            got == shape,
            ko=f"{name} 의 모양이 {shape} 이어야 하는데 {got} 입니다.",
            en=f"{name} should have shape {shape}, it has {got}.",
        )


@pytest.mark.points(1)
def test_square_loss_of_a_small_example(student):
    """ko: square_loss([[0], [1]], [[0.5], [0.5]]) 는 0.25 입니다.
    en: square_loss([[0], [1]], [[0.5], [0.5]]) is 0.25."""
    got = expect_number(
        student.square_loss(
            np.array([[0.0], [1.0]], np.float32), np.array([[0.5], [0.5]], np.float32)
        ),
        "square_loss",
    )
    expect(
        abs(got - 0.25) < 1e-6,
        ko=f"0.25 이어야 하는데 {got} 입니다.",
        en=f"expected 0.25, got {got}.",
    )


@pytest.mark.points(2)
def test_training_reached_a_good_accuracy(student):
    """ko: 40번 학습한 뒤 주어진 데이터에서 정확도가 0.9 를 넘습니다.
    en: after 40 steps the accuracy on the given data passes 0.9."""
    inputs, targets = student.inputs, student.targets
    predictions = np.asarray(student.model(inputs))
    accuracy = float(np.mean((predictions > 0.5) == (targets > 0.5)))
    expect(
        accuracy > 0.9,
        ko=f"정확도가 {accuracy:.2f} 로 0.9 보다 낮습니다.",
        en=f"the accuracy is {accuracy:.2f}, below 0.9.",
    )
