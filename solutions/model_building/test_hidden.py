"""Hidden checks for 'model_building': the rebuilt models run on data chosen here."""

import numpy as np
import pytest

from grader import dense_layers, expect, expect_independent_models, expect_model, predict

LAYERS = [(256, "relu"), (128, "relu"), (10, "softmax")]


@pytest.mark.points(2)
def test_sequential_by_list(student):
    """ko: build_sequential_list() 도 같은 층을 가집니다.
    en: build_sequential_list() has the same layers."""
    model = expect_model(student.build_sequential_list(), "build_sequential_list()")
    layers = dense_layers(model)
    wrong_last = layers[:2] == LAYERS[:2] and len(layers) == 3 and layers[2][1] != "softmax"
    expect(
        layers == LAYERS and model.count_params() == 235_146,
        ko="build_sequential_list() 의 층이 틀립니다.",
        en="build_sequential_list() has the wrong layers.",
        diagnosis="wrong-last-activation" if wrong_last else None,
    )


@pytest.mark.points(2)
@pytest.mark.parametrize("builder", ["build_sequential_add", "build_functional"])
def test_predictions_are_probabilities(student, builder, rng):
    """ko: 예측값은 행마다 합이 1 인 확률입니다.
    en: predictions are probabilities summing to 1 per row."""
    model = expect_model(getattr(student, builder)(), f"{builder}()")
    x = rng.normal(size=(6, 784)).astype(np.float32)
    predictions = predict(model, x)
    expect(
        predictions.shape == (6, 10),
        ko=f"예측 모양이 (6, 10) 이어야 하는데 {predictions.shape} 입니다.",
        en=f"predictions should have shape (6, 10), they have {predictions.shape}.",
    )
    expect(
        np.allclose(predictions.sum(axis=1), 1.0, atol=1e-4) and (predictions >= 0).all(),
        ko="예측값이 확률이 아닙니다: 마지막 활성화 함수는 softmax 입니다.",
        en="predictions are not probabilities: the last activation is softmax.",
        diagnosis="wrong-last-activation",
    )


@pytest.mark.points(2)
def test_two_input_model_predicts_from_both(student, rng):
    """ko: 두 입력 모델은 두 입력 모두로 예측합니다.
    en: the two-input model predicts from both inputs."""
    model = expect_model(student.build_two_input(), "build_two_input()")
    a = rng.normal(size=(4, 32)).astype(np.float32)
    b = rng.normal(size=(4, 16)).astype(np.float32)
    out = predict(model, [a, b])
    expect(
        out.shape == (4, 1),
        ko=f"출력 모양이 (4, 1) 이어야 하는데 {out.shape} 입니다.",
        en=f"the output should have shape (4, 1), it has {out.shape}.",
    )
    uses_a = not np.allclose(predict(model, [a + 1.0, b]), out)
    uses_b = not np.allclose(predict(model, [a, b + 1.0]), out)
    expect(
        uses_a and uses_b,
        ko="출력이 두 입력 중 하나에만 달려 있습니다: 두 Dense 층의 출력을 concatenate 로 "
        "합쳐 마지막 층에 넣으세요.",
        en="the output depends on only one of the inputs: join both Dense layers' outputs "
        "with concatenate and feed that to the last layer.",
    )


@pytest.mark.points(1)
def test_each_call_builds_a_new_model(student):
    """ko: 함수를 부를 때마다 새 모델을 만듭니다.
    en: each call builds a new model."""
    first, second = student.build_functional(), student.build_functional()
    expect_independent_models(first, second, "build_functional()")
