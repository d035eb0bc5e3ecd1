"""Public checks for 'save_load'.

Models are rebuilt in the grader from their configuration and weights, and compared there.
"""

import numpy as np
import pytest

from grader import expect, expect_model, predict


@pytest.mark.points(1)
def test_build_gives_the_small_model(student):
    """ko: build() 는 파라미터 49개인 모델입니다.
    en: build() is a model with 49 parameters."""
    model = expect_model(student.build(), "build()")
    count = model.count_params()
    expect(
        count == 4 * 8 + 8 + 8 + 1,
        ko=f"파라미터가 49 개여야 하는데 {count} 개입니다.",
        en=f"it should have 49 parameters, it has {count}.",
    )


@pytest.mark.points(2)
def test_the_reloaded_model_predicts_the_same(student):
    """ko: 불러온 모델의 예측이 원래 모델과 같습니다.
    en: the reloaded model predicts the same as the original."""
    handle = student.build()
    model = expect_model(handle, "build()")
    fresh = expect_model(
        student.save_and_reload(handle, "public.weights.h5"), "save_and_reload(...)"
    )
    x = np.linspace(-1, 1, 12, dtype=np.float32).reshape(3, 4)
    expect(
        np.allclose(predict(model, x), predict(fresh, x), atol=1e-6),
        ko="불러온 모델의 예측이 다릅니다: 새 모델에 load_weights 로 가중치를 불러오세요.",
        en="the reloaded model predicts differently: load the weights into the new model "
        "with load_weights.",
        diagnosis="weights-not-loaded",
    )
