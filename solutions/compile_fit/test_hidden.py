"""Hidden checks for 'compile_fit': training on data the grader makes, judged with margins."""

import math

import numpy as np
import pytest

from grader import expect
from grader.checks import describe, expect_model

PROTOTYPES = np.random.default_rng(42).normal(size=(10, 784)).astype("float32")


def make_data(seed, n):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 10, size=n)
    x = PROTOTYPES[y] + rng.normal(scale=3.0, size=(n, 784))
    return x.astype("float32"), y


@pytest.fixture
def trained(student):
    x, y = make_data(2024, 500)
    model = expect_model(student.build_model(), "build_model()")
    history = student.train(model, x, y)
    expect(
        history is not None and "History" in describe(history),
        ko="train 은 model.fit 이 돌려준 History 를 돌려줘야 합니다.",
        en="train should return the History that model.fit gives.",
        diagnosis="none-returned",
    )
    return model, history


@pytest.mark.points(2)
def test_training_validates_on_held_out_data(trained):
    """ko: 학습 데이터의 일부를 떼어 검증합니다 (validation_split=0.2).
    en: training validates on held-out data (validation_split=0.2)."""
    _, history = trained
    record = history.history
    expect(
        "val_loss" in record,
        ko="검증 기록(val_loss)이 없습니다: validation_split=0.2 를 쓰세요.",
        en="there is no validation record (val_loss): use validation_split=0.2.",
        diagnosis="no-validation",
    )
    steps = history.params.get("steps")
    on_training_set = steps == math.ceil(500 / 32)
    expect(
        steps == math.ceil(400 / 32),
        ko="학습에 데이터 전체가 쓰였습니다."
        + (
            " 검증 데이터를 학습 데이터에서 그대로 가져왔습니다: "
            "validation_split=0.2 로 떼어 두세요."
            if on_training_set
            else ""
        ),
        en="training used all of the data."
        + (
            " The validation data is the training data itself: "
            "hold 20% out with validation_split=0.2."
            if on_training_set
            else ""
        ),
        diagnosis="validation-from-training-set" if on_training_set else None,
    )


@pytest.mark.points(2)
def test_the_loss_falls_and_the_model_generalises(student, trained):
    """ko: 학습하면서 손실이 줄고, 새 데이터에서 정확도가 0.7 을 넘습니다.
    en: the loss falls during training, and accuracy on new data passes 0.7."""
    model, history = trained
    losses = history.history["loss"]
    expect(
        losses[-1] < losses[0],
        ko="학습하는 동안 손실이 줄지 않았습니다.",
        en="the loss did not fall during training.",
    )
    x_test, y_test = make_data(4048, 300)
    result = student.evaluate(model, x_test, y_test)
    expect(
        isinstance(result, tuple) and len(result) == 2,
        ko="evaluate 는 (loss, accuracy) 를 돌려줘야 합니다.",
        en="evaluate should return (loss, accuracy).",
    )
    accuracy = float(result[1])
    expect(
        accuracy > 0.7,
        ko=f"새 데이터에서 정확도가 {accuracy:.2f} 로 0.7 보다 낮습니다.",
        en=f"accuracy on new data is {accuracy:.2f}, below 0.7.",
    )


@pytest.mark.points(2)
def test_predict_classes_agrees_with_predict(student, trained):
    """ko: predict_classes 는 predict 의 argmax 입니다.
    en: predict_classes is the argmax of predict."""
    model, _ = trained
    x_test, _ = make_data(77, 50)
    classes = np.asarray(student.predict_classes(model, x_test))
    wanted = np.argmax(np.asarray(model.predict(x_test, verbose=0)), axis=1)
    expect(
        classes.shape == (50,) and np.array_equal(classes, wanted),
        ko="predict_classes 의 결과가 predict 의 가장 큰 확률의 클래스와 다릅니다.",
        en="predict_classes differs from the class of largest probability in predict.",
    )
