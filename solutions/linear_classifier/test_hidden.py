"""Hidden checks for 'linear_classifier': training steps on points the grader makes."""

import numpy as np
import pytest

from grader import expect
from grader.checks import expect_number


def make_points(seed):
    rng = np.random.default_rng(seed)
    cov = [[1, 0.5], [0.5, 1]]
    negative = rng.multivariate_normal(mean=[0, 3], cov=cov, size=500)
    positive = rng.multivariate_normal(mean=[3, 0], cov=cov, size=500)
    inputs = np.vstack((negative, positive)).astype("float32")
    targets = np.vstack((np.zeros((500, 1)), np.ones((500, 1)))).astype("float32")
    return inputs, targets


@pytest.mark.points(3)
def test_each_training_step_lowers_the_loss(student):
    """ko: training_step 을 거듭하면 새 데이터에서도 손실이 줄어듭니다.
    en: repeated training steps lower the loss on new data too."""
    inputs, targets = make_points(99)
    losses = [
        expect_number(student.training_step(inputs, targets), "training_step(...)")
        for _ in range(5)
    ]
    rising = losses[-1] > losses[0]
    expect(
        losses[-1] < losses[0],
        ko=f"손실이 줄지 않습니다 ({losses[0]:.3f} → {losses[-1]:.3f})."
        + (" 기울기의 반대 방향으로 가야 합니다: assign_sub 를 쓰세요." if rising else ""),
        en=f"the loss does not fall ({losses[0]:.3f} → {losses[-1]:.3f})."
        + (" Step against the gradient: use assign_sub." if rising else ""),
        diagnosis="gradient-ascent" if rising else None,
    )


@pytest.mark.points(2)
def test_square_loss_matches_the_formula(student, reference):
    """ko: square_loss 가 임의의 값에서 공식과 같습니다.
    en: square_loss matches the formula on arbitrary values."""
    rng = np.random.default_rng(5)
    targets = rng.integers(0, 2, size=(50, 1)).astype(np.float32)
    predictions = rng.normal(size=(50, 1)).astype(np.float32)
    got = expect_number(student.square_loss(targets, predictions), "square_loss")
    wanted = float(reference.square_loss(targets, predictions))
    expect(
        abs(got - wanted) < 1e-5,
        ko="square_loss 의 값이 틀립니다 (제곱 오차의 평균).",
        en="square_loss is wrong (the mean of the squared errors).",
    )
