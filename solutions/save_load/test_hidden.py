"""Hidden checks for 'save_load': weights the grader chooses go through the student's save and
load, and come back to be compared here."""

import numpy as np
import pytest

from grader import expect, expect_independent_models, expect_model, predict


def chosen_weights(model, rng):
    return [rng.normal(size=w.shape).astype(np.float32) for w in model.get_weights()]


@pytest.mark.points(2)
def test_chosen_weights_survive_the_round_trip(student, rng):
    """ko: 채점기가 정한 가중치가 저장과 불러오기 뒤에도 그대로입니다.
    en: weights the grader chooses are the same after the round trip."""
    handle = student.build()
    model = expect_model(handle, "build()")
    weights = chosen_weights(model, rng)
    handle.set_weights(weights)
    model.set_weights(weights)
    fresh = expect_model(
        student.save_and_reload(handle, "hidden.weights.h5"), "save_and_reload(...)"
    )
    x = rng.normal(size=(64, 4)).astype(np.float32)
    expect(
        np.allclose(predict(model, x), predict(fresh, x), atol=1e-5),
        ko="저장했다가 불러온 모델의 예측이 원래 가중치의 예측과 다릅니다.",
        en="the reloaded model predicts differently from the weights that were saved.",
        diagnosis="weights-not-loaded",
    )


@pytest.mark.points(1)
def test_the_reloaded_model_is_a_new_model(student):
    """ko: save_and_reload 는 원래 모델이 아닌 새 모델을 돌려줍니다.
    en: save_and_reload returns a new model, not the original."""
    handle = student.build()
    expect_model(handle, "build()")
    fresh = student.save_and_reload(handle, "identity.weights.h5")
    expect_independent_models(handle, fresh, "save_and_reload(...)")
