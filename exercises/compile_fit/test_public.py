"""Public checks for 'compile_fit'.

The model is rebuilt in the grader after training and measured on data made here; what the
History says is believed only where the rebuilt model bears it out.
"""

import functools

import numpy as np
import pytest

from grader import (
    dense_layers,
    expect,
    expect_model,
    loss_name,
    measure,
    optimizer_name,
    plural,
)


def noise(seed, n):
    """Inputs with random labels: the validation loss stops improving within an epoch or two."""
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, 784)).astype("float32"), rng.integers(0, 10, size=n)


def train_on_noise(student):
    """Train a new model with the student's train(); give its record and the held-out loss."""
    x, y = noise(11, 500)
    handle = student.build_model()
    expect_model(handle, "build_model()")
    history = student.train(handle, x, y)
    record = getattr(history, "history", None)
    expect(
        isinstance(record, dict) and all(isinstance(v, list) for v in record.values()),
        ko="train 은 model.fit 이 돌려준 History 를 돌려줘야 합니다.",
        en="train should return the History that model.fit gives.",
        diagnosis="none-returned" if history is None else None,
    )
    model = expect_model(handle, "train(...) 뒤의 모델 · the model after train(...)")
    measured = measure(model, x[400:], y[400:])
    return record, measured


@pytest.fixture(scope="module")
def on_noise(student):
    """train_on_noise, run once for the checks that ask for it, when the first one does."""
    return functools.cache(functools.partial(train_on_noise, student))


def close_to(value, claims):
    return any(abs(float(value) - float(claim)) <= 1e-3 * max(1.0, abs(claim)) for claim in claims)


@pytest.mark.points(2)
def test_build_model_is_compiled_for_integer_labels(student):
    """ko: build_model() 은 정수 레이블용 손실로 compile 된 모델입니다.
    en: build_model() is compiled with the loss for integer labels."""
    model = expect_model(student.build_model(), "build_model()")
    layers = dense_layers(model)
    expect(
        layers == [(64, "relu"), (10, "softmax")],
        ko=f"층이 [(64, relu), (10, softmax)] 이어야 하는데 {layers} 입니다.",
        en=f"the layers should be [(64, relu), (10, softmax)], they are {layers}.",
    )
    name = loss_name(model)
    expect(name is not None, ko="모델이 compile 되지 않았습니다.", en="the model is not compiled.")
    expect(
        name == "sparse_categorical_crossentropy" and not getattr(model.loss, "from_logits", False),
        ko=f"레이블이 정수이므로 손실은 sparse_categorical_crossentropy 여야 하는데 {name} 입니다.",
        en=f"with integer labels the loss is sparse_categorical_crossentropy, not {name}.",
        diagnosis="wrong-loss",
    )
    optimizer = optimizer_name(model)
    expect(
        optimizer == "adam",
        ko=f"옵티마이저는 adam 이어야 하는데 {optimizer} 입니다.",
        en=f"the optimizer should be adam, it is {optimizer}.",
    )


@pytest.mark.points(1)
def test_early_stopping_watches_the_validation_loss(on_noise):
    """ko: early_stopping 은 val_loss 를 patience 3 으로 지켜보고 가장 좋은 가중치로 되돌립니다.
    en: early_stopping watches val_loss with patience 3 and restores the best weights."""
    record, measured = on_noise()
    losses = record.get("val_loss", [])
    expect(
        losses,
        ko="검증 기록(val_loss)이 없어 early_stopping 이 지켜볼 값이 없습니다: "
        "validation_split=0.2 와 callbacks=[early_stopping] 으로 학습하세요.",
        en="there is no validation record (val_loss) for early_stopping to watch: train with "
        "validation_split=0.2 and callbacks=[early_stopping].",
        diagnosis="no-validation",
    )
    best = int(np.argmin(losses))
    epochs = min(best + 1 + 3, 10)
    expect(
        len(losses) == epochs,
        ko=f"val_loss 가 {best + 1}번째 epoch 뒤로 좋아지지 않았는데 학습이 {len(losses)} epoch "
        f"동안 이어졌습니다. patience=3 이면 {epochs} epoch 에서 멈춥니다.",
        en=f"val_loss stopped improving after epoch {best + 1}, yet training went on for "
        f"{plural(len(losses), 'epoch')}; with patience=3 it stops after "
        f"{plural(epochs, 'epoch')}.",
    )
    expect(
        close_to(measured["loss"], [losses[best]]),
        ko="학습이 끝난 모델이 가장 좋은 epoch 의 가중치가 아닙니다: "
        "restore_best_weights=True 로 되돌리세요.",
        en="the trained model does not have the weights of its best epoch: "
        "restore them with restore_best_weights=True.",
    )


@pytest.mark.points(1)
def test_history_keys(student, on_noise):
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
    record, measured = on_noise()
    expect(
        sorted(record) == wanted
        and close_to(measured["loss"], record["val_loss"])
        and close_to(measured["accuracy"], record["val_accuracy"]),
        ko="history_keys 가 train 이 돌려준 학습 기록과 맞지 않습니다: 학습 기록의 "
        "val_loss 와 val_accuracy 가 학습된 모델로 다시 잰 값과 다릅니다.",
        en="history_keys do not match the History train gives: its val_loss and "
        "val_accuracy differ from what the trained model measures.",
    )
