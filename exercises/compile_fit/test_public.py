"""Public checks for 'compile_fit'."""

import pytest

from grader import expect
from grader.checks import dense_layers, describe, expect_model


@pytest.mark.points(2)
def test_build_model_is_compiled_for_integer_labels(student):
    """ko: build_model() 은 정수 레이블용 손실로 compile 된 모델입니다.
    en: build_model() is compiled with the loss for integer labels."""
    model = expect_model(student.build_model(), "build_model()")
    expect(
        dense_layers(model) == [(64, "relu"), (10, "softmax")],
        ko=f"층이 [(64, relu), (10, softmax)] 이어야 하는데 {dense_layers(model)} 입니다.",
        en=f"the layers should be [(64, relu), (10, softmax)], they are {dense_layers(model)}.",
    )
    loss = model.loss
    expect(loss is not None, ko="모델이 compile 되지 않았습니다.", en="the model is not compiled.")
    name = loss if isinstance(loss, str) else describe(loss)
    expect(
        name == "sparse_categorical_crossentropy",
        ko=f"레이블이 정수이므로 손실은 sparse_categorical_crossentropy 여야 하는데 {name} 입니다.",
        en=f"with integer labels the loss is sparse_categorical_crossentropy, not {name}.",
        diagnosis="wrong-loss",
    )


@pytest.mark.points(1)
def test_early_stopping_watches_the_validation_loss(student):
    """ko: early_stopping 은 val_loss 를 patience 3 으로 지켜봅니다.
    en: early_stopping watches val_loss with patience 3."""
    callback = student.early_stopping
    expect(
        callback is not None and "EarlyStopping" in describe(callback),
        ko="early_stopping 은 keras.callbacks.EarlyStopping 이어야 합니다.",
        en="early_stopping should be a keras.callbacks.EarlyStopping.",
    )
    expect(
        callback.monitor == "val_loss" and callback.patience == 3,
        ko=f"monitor='val_loss', patience=3 이어야 하는데 {callback.monitor!r}, {callback.patience} 입니다.",
        en=f"expected monitor='val_loss', patience=3, got {callback.monitor!r}, {callback.patience}.",
    )


@pytest.mark.points(1)
def test_history_keys(student):
    """ko: history_keys 는 학습 기록의 네 키입니다.
    en: history_keys are the four keys of the training history."""
    keys = student.history_keys
    wanted = ["accuracy", "loss", "val_accuracy", "val_loss"]
    missing_val = keys == ["accuracy", "loss"]
    expect(
        list(keys or []) == wanted,
        ko=f"{wanted} 이어야 하는데 {keys} 입니다."
        + (" 검증 데이터 없이 학습하면 val_ 키가 없습니다." if missing_val else ""),
        en=f"expected {wanted}, got {keys}."
        + (" Without validation there are no val_ keys." if missing_val else ""),
        diagnosis="no-validation" if missing_val else None,
    )
