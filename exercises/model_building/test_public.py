"""Public checks for 'model_building'.

Each model is rebuilt in the grader from its configuration and weights, and measured there.
"""

import keras
import pytest

from grader import dense_layers, expect, expect_model

LAYERS = [(256, "relu"), (128, "relu"), (10, "softmax")]


def expect_classifier(model, name):
    layers = dense_layers(model)
    wrong_last = len(layers) == 3 and layers[:2] == LAYERS[:2] and layers[2][1] != "softmax"
    no_output = layers == LAYERS[:2]
    expect(
        layers == LAYERS,
        ko=f"{name} 의 층이 {LAYERS} 이어야 하는데 {layers} 입니다."
        + (" 마지막 층은 클래스 확률을 내야 하므로 softmax 입니다." if wrong_last else "")
        + (
            " 출력층이 없습니다: 끝에 Dense(10, activation='softmax')를 더하세요."
            if no_output
            else ""
        ),
        en=f"{name} should have the layers {LAYERS}, it has {layers}."
        + (" The last layer gives class probabilities: softmax." if wrong_last else "")
        + (
            " The output layer is missing: end with Dense(10, activation='softmax')."
            if no_output
            else ""
        ),
        diagnosis="wrong-last-activation"
        if wrong_last
        else "output-layer-forgotten"
        if no_output
        else None,
    )
    count = model.count_params()
    expect(
        count == 235_146,
        ko=f"{name} 의 파라미터가 235146 개여야 하는데 {count} 개입니다.",
        en=f"{name} should have 235146 parameters, it has {count}.",
    )


@pytest.mark.points(2)
def test_sequential_by_add(student):
    """ko: build_sequential_add() 는 784-256-128-10 Sequential 모델입니다.
    en: build_sequential_add() is the 784-256-128-10 Sequential model."""
    model = expect_model(student.build_sequential_add(), "build_sequential_add()")
    expect(
        isinstance(model, keras.Sequential),
        ko="keras.Sequential() 에 .add 로 층을 붙인 Sequential 모델이어야 합니다.",
        en="it should be a Sequential model, with layers attached by .add.",
    )
    expect_classifier(model, "build_sequential_add()")


@pytest.mark.points(2)
def test_functional(student):
    """ko: build_functional() 은 함수형 API 로 만든 같은 모델입니다.
    en: build_functional() is the same model made with the functional API."""
    model = expect_model(student.build_functional(), "build_functional()")
    expect(
        not isinstance(model, keras.Sequential),
        ko="keras.Input 과 keras.Model(inputs, outputs) 로 만든 함수형 모델이어야 하는데 "
        "Sequential 모델입니다.",
        en="it should be a functional model made with keras.Input and keras.Model(inputs, "
        "outputs), it is a Sequential model.",
        diagnosis="not-functional",
    )
    expect_classifier(model, "build_functional()")


@pytest.mark.points(2)
def test_two_input_model_has_two_inputs(student):
    """ko: build_two_input() 은 입력이 두 개인 모델입니다.
    en: build_two_input() is a model with two inputs."""
    model = expect_model(student.build_two_input(), "build_two_input()")
    count = len(model.inputs)
    shapes = sorted(tuple(tensor.shape[1:]) for tensor in model.inputs)
    expect(
        count == 2 and shapes == [(16,), (32,)],
        ko=f"입력이 (32,) 와 (16,) 두 개여야 하는데 {count}개({shapes})입니다.",
        en=f"it should have 2 inputs, (32,) and (16,); it has {count} ({shapes}).",
    )
    params = model.count_params()
    expect(
        params == 8 * 33 + 8 * 17 + 17,
        ko=f"파라미터가 {8 * 33 + 8 * 17 + 17} 개여야 하는데 {params} 개입니다.",
        en=f"it should have {8 * 33 + 8 * 17 + 17} parameters, it has {params}.",
    )
