"""Hidden checks for 'compile_fit': training on data the grader makes, judged on the rebuilt
model with margins; the History is evidence only where the rebuilt model bears it out."""

import math

import numpy as np
import pytest

from grader import expect, expect_model, from_starter, measure, particle, predict

make_data = from_starter(__file__, "make_data")


def close_to(value, claims):
    return any(abs(float(value) - float(claim)) <= 1e-3 * max(1.0, abs(claim)) for claim in claims)


@pytest.fixture(scope="module")
def trained(student):
    """The student's model after their train(), as a handle and rebuilt; and the History:
    trained once for all the checks below."""
    x, y = make_data(2024, 500)
    handle = student.build_model()
    expect_model(handle, "build_model()")
    history = student.train(handle, x, y)
    record = getattr(history, "history", None)
    params = getattr(history, "params", None)
    expect(
        isinstance(record, dict) and isinstance(params, dict),
        ko="train 은 model.fit 이 돌려준 History 를 돌려줘야 합니다.",
        en="train should return the History that model.fit gives.",
        diagnosis="none-returned",
    )
    model = expect_model(handle, "train(...) 뒤의 모델 · the model after train(...)")
    return handle, model, record, params, (x, y)


@pytest.mark.points(2)
def test_training_validates_on_held_out_data(trained):
    """ko: 학습 데이터의 일부를 떼어 검증합니다 (validation_split=0.2).
    en: training validates on held-out data (validation_split=0.2)."""
    _, model, record, params, (x, y) = trained
    expect(
        "val_loss" in record,
        ko="검증 기록(val_loss)이 없습니다: validation_split=0.2 를 쓰세요.",
        en="there is no validation record (val_loss): use validation_split=0.2.",
        diagnosis="no-validation",
    )
    held_out, everything = measure(model, x[400:], y[400:]), measure(model, x, y)
    # Only the History tells how the data was split; it counts only where the trained
    # model, measured here, gives the validation losses it reports.
    on_training_set = params.get("steps") == math.ceil(500 / 32) or (
        close_to(everything["loss"], record["val_loss"])
        and not close_to(held_out["loss"], record["val_loss"])
    )
    expect(
        params.get("steps") == math.ceil(400 / 32)
        and close_to(held_out["loss"], record["val_loss"]),
        ko="학습에 쓴 데이터와 검증에 쓴 데이터가 문제에서 말한 대로 나뉘지 않았습니다."
        + (
            " 검증 데이터를 학습 데이터에서 그대로 가져왔습니다: "
            "validation_split=0.2 로 떼어 두세요."
            if on_training_set
            else ""
        ),
        en="the data is not split into training and validation as the exercise says."
        + (
            " The validation data is the training data itself: "
            "hold 20% out with validation_split=0.2."
            if on_training_set
            else ""
        ),
        diagnosis="validation-from-training-set" if on_training_set else None,
    )


@pytest.mark.points(2)
def test_the_model_generalises_and_evaluate_reports_it(student, trained):
    """ko: 학습한 모델은 새 데이터에서 정확도가 0.7 을 넘고, evaluate 가 그 값을 돌려줍니다.
    en: the trained model passes 0.7 accuracy on new data, and evaluate reports it."""
    handle, model, record, _, _ = trained
    x_test, y_test = make_data(4048, 300)
    measured = measure(model, x_test, y_test)
    accuracy = measured["accuracy"]
    losses = record.get("loss", [])
    expect(
        accuracy > 0.7,
        ko=f"새 데이터에서 정확도가 {particle(f'{accuracy:.2f}', '으로/로')} 0.7 보다 낮습니다."
        + (" 학습하는 동안 손실이 줄지 않았습니다." if losses and losses[-1] >= losses[0] else ""),
        en=f"accuracy on new data is {accuracy:.2f}, below 0.7."
        + (" The loss did not fall during training." if losses and losses[-1] >= losses[0] else ""),
    )
    result = student.evaluate(handle, x_test, y_test)
    expect(
        isinstance(result, tuple) and len(result) == 2,
        ko="evaluate 는 (loss, accuracy) 를 돌려줘야 합니다.",
        en="evaluate should return (loss, accuracy).",
    )
    expect(
        close_to(result[0], [measured["loss"]]) and close_to(result[1], [accuracy]),
        ko="evaluate 가 돌려준 (loss, accuracy) 가 모델을 그 데이터로 잰 값과 다릅니다: "
        "model.evaluate(x, y) 의 결과를 돌려주세요.",
        en="the (loss, accuracy) evaluate returns differ from what the model measures on "
        "that data: return what model.evaluate(x, y) gives.",
    )


@pytest.mark.points(2)
def test_predict_classes_agrees_with_predict(student, trained, rng):
    """ko: predict_classes 는 predict 의 argmax 입니다.
    en: predict_classes is the argmax of predict."""
    handle, model, _, _, _ = trained
    x_test, _ = make_data(int(rng.integers(1 << 30)), 50)
    classes = np.asarray(student.predict_classes(handle, x_test))
    probabilities = predict(model, x_test)
    wanted = np.argmax(probabilities, axis=1)
    wrong_axis = classes.shape == (10,) and np.array_equal(classes, probabilities.argmax(axis=0))
    expect(
        classes.shape == (50,) and np.array_equal(classes, wanted),
        ko="predict_classes 의 결과가 predict 의 가장 큰 확률의 클래스와 다릅니다."
        + (
            f" 결과의 모양이 {classes.shape} 입니다: argmax 를 샘플 축(axis=0)이 아니라 "
            "클래스 축(axis=1 또는 -1)으로 하세요."
            if wrong_axis
            else ""
        ),
        en="predict_classes differs from the class of largest probability in predict."
        + (
            f" Its shape is {classes.shape}: take the argmax over the classes (axis=1 or -1), "
            "not over the samples (axis=0)."
            if wrong_axis
            else ""
        ),
        diagnosis="argmax-wrong-axis" if wrong_axis else None,
    )
