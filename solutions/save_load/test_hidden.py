"""Hidden checks for 'save_load'."""

import numpy as np
import pytest

from grader import expect
from grader.checks import expect_model


@pytest.mark.points(2)
def test_a_trained_model_survives_the_round_trip(student):
    """ko: 학습한 모델도 저장과 불러오기 뒤 예측이 같습니다.
    en: a trained model predicts the same after the round trip."""
    model = expect_model(student.build(), "build()")
    rng = np.random.default_rng(8)
    x = rng.normal(size=(64, 4)).astype(np.float32)
    model.compile(optimizer="sgd", loss="mse")
    model.fit(x, x.sum(axis=1, keepdims=True), epochs=2, verbose=0)
    fresh = expect_model(
        student.save_and_reload(model, "hidden.weights.h5"), "save_and_reload(...)"
    )
    expect(
        np.allclose(
            np.asarray(model.predict(x, verbose=0)),
            np.asarray(fresh.predict(x, verbose=0)),
            atol=1e-5,
        ),
        ko="학습한 모델을 불러온 뒤 예측이 다릅니다.",
        en="the trained model predicts differently after reloading.",
        diagnosis="weights-not-loaded",
    )


@pytest.mark.points(1)
def test_the_reloaded_model_is_a_new_model(student):
    """ko: save_and_reload 는 원래 모델이 아닌 새 모델을 돌려줍니다.
    en: save_and_reload returns a new model, not the original."""
    model = expect_model(student.build(), "build()")
    fresh = expect_model(
        student.save_and_reload(model, "identity.weights.h5"), "save_and_reload(...)"
    )
    expect(
        fresh.name != model.name,
        ko="원래 모델을 그대로 돌려줍니다: build() 로 새 모델을 만들어 불러오세요.",
        en="the original model is returned: build a new one with build() and load into it.",
        diagnosis="same-model-returned",
    )
