"""Hidden checks for 'linear_classifier': training steps on points the grader makes, each
compared with a gradient-descent step computed here from the same values."""

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


LEARNING_RATE = 0.1


def descent_step(values, inputs, targets):
    """One step of gradient descent on the mean squared error; gives (loss, new values)."""
    x, y = inputs.astype(np.float64), targets.astype(np.float64)
    error = x @ values["W"] + values["b"] - y
    loss = float(np.mean(error**2))
    grad_w = 2.0 / len(x) * x.T @ error
    grad_b = 2.0 / len(x) * error.sum(axis=0)
    return loss, {
        "W": values["W"] - LEARNING_RATE * grad_w,
        "b": values["b"] - LEARNING_RATE * grad_b,
    }


@pytest.mark.points(3)
def test_each_training_step_is_a_step_of_gradient_descent(student, rng):
    """ko: training_step 한 번은 학습률 0.1 의 경사 하강 한 걸음이고, 그 전의 손실을 돌려줍니다.
    en: each training_step is one gradient-descent step at learning rate 0.1, returning the loss."""
    variables = {
        name: expect_variable(getattr(student, name), name, SHAPES[name]) for name in SHAPES
    }
    expect_assignable(
        variables, {"W": rng.uniform(size=(2, 1)).astype("float32"), "b": np.zeros(1, "float32")}
    )
    inputs, targets = make_points(int(rng.integers(1 << 30)))
    values = values_of(variables)
    for _ in range(5):
        loss, wanted = descent_step(values, inputs, targets)
        returned = expect_number(student.training_step(inputs, targets), "training_step(...)")
        values = values_of(variables)
        rising = descent_step(values, inputs, targets)[0] > loss
        expect(
            all(np.allclose(values[k], wanted[k], rtol=1e-3, atol=1e-5) for k in wanted),
            ko="training_step 뒤의 W 와 b 가 경사 하강 한 걸음(학습률 0.1)과 다릅니다."
            + (
                " 손실이 커집니다: 기울기의 반대 방향으로 가야 하니 assign_sub 를 쓰세요."
                if rising
                else ""
            ),
            en="W and b after training_step differ from one gradient-descent step "
            "(learning rate 0.1)."
            + (" The loss grows: step against the gradient, with assign_sub." if rising else ""),
            diagnosis="gradient-ascent" if rising else None,
        )
        expect(
            abs(returned - loss) <= 1e-3 * max(1.0, loss),
            ko="training_step 이 돌려준 값이 그 걸음 전의 손실과 다릅니다: 테이프 안에서 "
            "계산한 loss 를 돌려주세요.",
            en="training_step returns something other than the loss before its step: return "
            "the loss computed inside the tape.",
        )
        values = wanted


@pytest.mark.points(2)
def test_square_loss_matches_the_formula(student, reference, rng):
    """ko: square_loss 가 임의의 값에서 공식과 같습니다.
    en: square_loss matches the formula on arbitrary values."""
    targets = rng.integers(0, 2, size=(50, 1)).astype(np.float32)
    predictions = rng.normal(size=(50, 1)).astype(np.float32)
    got = expect_number(student.square_loss(targets, predictions), "square_loss")
    wanted = float(reference.square_loss(targets, predictions))
    expect(
        abs(got - wanted) < 1e-5,
        ko="square_loss 의 값이 틀립니다 (제곱 오차의 평균).",
        en="square_loss is wrong (the mean of the squared errors).",
    )
