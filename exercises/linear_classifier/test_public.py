"""Public checks for 'linear_classifier'.

``W`` and ``b`` are read as arrays and the classifier is measured here, on points the grader
makes; training is judged by what ``training_step`` does to them, from values the grader sets.
"""

import numpy as np
import pytest

from grader import (
    expect,
    expect_assignable,
    expect_number,
    expect_variable,
    from_starter,
    values_of,
)

SHAPES = {"W": (2, 1), "b": (1,)}


make_points = from_starter(__file__, "make_points")


def start_values(seed):
    rng = np.random.default_rng(seed)
    return {"W": rng.uniform(size=(2, 1)).astype("float32"), "b": np.zeros(1, "float32")}


@pytest.mark.points(1)
def test_w_and_b_are_variables_that_a_step_updates(student):
    """ko: W 는 (2, 1), b 는 (1,) 모양의 tf.Variable 이고, training_step 이 둘 다 바꿉니다.
    en: W is a (2, 1) and b a (1,) tf.Variable, and training_step changes both."""
    variables = {
        name: expect_variable(getattr(student, name), name, SHAPES[name]) for name in SHAPES
    }
    expect_assignable(variables, start_values(1))
    before = values_of(variables)
    inputs, targets = make_points(3)
    student.training_step(inputs, targets)
    after = values_of(variables)
    unchanged = [name for name in SHAPES if np.allclose(before[name], after[name])]
    expect(
        not unchanged,
        ko=f"training_step 뒤에도 {', '.join(unchanged)} 값이 그대로입니다: 기울기로 "
        "W 와 b 를 모두 assign_sub 하세요.",
        en=f"{' and '.join(unchanged)} did not change in training_step: update both W and b "
        "with assign_sub along their gradients.",
        diagnosis="variables-not-updated",
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
def test_training_reaches_a_good_accuracy_on_new_points(student):
    """ko: 40번 학습한 분류기가 새 점들에서 정확도 0.9 를 넘습니다.
    en: after 40 training steps the classifier passes 0.9 accuracy on new points."""
    variables = {
        name: expect_variable(getattr(student, name), name, SHAPES[name]) for name in SHAPES
    }
    expect_assignable(variables, start_values(2))
    inputs, targets = make_points(4)
    for _ in range(40):
        student.training_step(inputs, targets)
    trained = values_of(variables)
    test_inputs, test_targets = make_points(5)
    wanted = test_inputs @ trained["W"] + trained["b"]
    predictions = np.asarray(student.model(test_inputs), np.float64)
    expect(
        predictions.shape == wanted.shape and np.allclose(predictions, wanted, atol=1e-4),
        ko="model(inputs) 가 inputs @ W + b 와 다릅니다.",
        en="model(inputs) differs from inputs @ W + b.",
    )
    accuracy = float(np.mean((wanted > 0.5) == (test_targets > 0.5)))
    expect(
        accuracy > 0.9,
        ko=f"새 점들에서 정확도가 0.9 보다 낮습니다 ({accuracy:.2f}).",
        en=f"the accuracy on new points is {accuracy:.2f}, below 0.9.",
    )
