"""A model crosses as data and is rebuilt in the grader; anything but Keras's own is refused."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest

from grader.errors import CheckFailed, RefusedModel
from grader.grading.checks import dense_layers, loss_name, measure, optimizer_name, predict
from grader.grading.trusted import MAX_PARAMETERS, rebuild
from grader.sandbox.requests import model_as_data

keras = pytest.importorskip("keras")


def small_model() -> Any:
    model = keras.Sequential(
        [keras.Input((4,)), keras.layers.Dense(8, activation="relu"), keras.layers.Dense(1)]
    )
    model.compile(optimizer="sgd", loss="mse")
    return model


def edited(data: dict[str, Any], change: Any) -> dict[str, Any]:
    config = json.loads(data["config"])
    change(config)
    return {**data, "config": json.dumps(config)}


def refusal(data: Any) -> str:
    with pytest.raises(RefusedModel) as refused:
        rebuild(data)
    return refused.value.refusal.diagnosis + " " + refused.value.refusal.message.en


def test_a_rebuilt_model_computes_what_the_original_does() -> None:
    original = small_model()
    x = np.random.default_rng(0).normal(size=(5, 4)).astype(np.float32)
    rebuilt = rebuild(model_as_data(original))
    assert rebuilt is not original
    assert rebuilt.count_params() == 49
    np.testing.assert_allclose(predict(rebuilt, x), original.predict(x, verbose=0), atol=1e-6)
    assert loss_name(rebuilt) == "mean_squared_error"
    assert optimizer_name(rebuilt) == "sgd"


def test_a_lambda_layer_is_refused() -> None:
    model = keras.Sequential([keras.Input((4,)), keras.layers.Lambda(lambda t: t * 2)])
    assert "Lambda" in refusal(model_as_data(model))


def test_a_layer_class_of_the_students_own_is_refused() -> None:
    @keras.saving.register_keras_serializable(package="student")
    class Doubling(keras.layers.Layer):
        def call(self, inputs: Any) -> Any:
            return inputs * 2

    model = keras.Sequential([keras.Input((4,)), Doubling()])
    assert "not-a-keras-model" in refusal(model_as_data(model))


def test_a_built_in_name_under_a_module_outside_keras_is_refused() -> None:
    def elsewhere(config: dict[str, Any]) -> None:
        config["config"]["layers"][1]["module"] = "os"

    assert "os.Dense" in refusal(edited(model_as_data(small_model()), elsewhere))


def test_a_function_outside_keras_is_refused() -> None:
    def shell(config: dict[str, Any]) -> None:
        config["config"]["layers"][1]["config"]["activation"] = {
            "module": "os",
            "class_name": "function",
            "config": "system",
            "registered_name": "function",
        }

    assert "system" in refusal(edited(model_as_data(small_model()), shell))


def test_weights_of_the_wrong_shape_are_refused() -> None:
    data = model_as_data(small_model())
    data["weights"][0] = np.zeros((5, 8), np.float32)
    assert "(5, 8)" in refusal(data)


def test_missing_weights_are_refused() -> None:
    data = model_as_data(small_model())
    data["weights"] = data["weights"][:-1]
    assert "3 weight arrays" in refusal(data)


def test_a_model_too_large_to_build_is_refused_before_it_is_built() -> None:
    def huge(config: dict[str, Any]) -> None:
        config["config"]["layers"][1]["config"]["units"] = MAX_PARAMETERS

    assert refusal(edited(model_as_data(small_model()), huge)).startswith("model-too-large")


def test_too_many_weights_are_refused_before_they_are_read() -> None:
    data = model_as_data(small_model())
    data["weights"] = [np.zeros(MAX_PARAMETERS + 1, np.float32)]
    assert refusal(data).startswith("model-too-large")


def test_a_model_without_an_input_shape_is_named_not_built() -> None:
    model = keras.Sequential([keras.layers.Dense(3)])
    assert refusal(model_as_data(model)).startswith("model-not-built")


def test_an_answer_that_is_not_a_model_record_is_refused() -> None:
    assert "not-a-keras-model" in refusal({"config": "{}", "weights": [], "compile": "null"})
    assert "not-a-keras-model" in refusal(["count_params", 235146])


def test_a_loss_is_named_the_same_however_it_is_given() -> None:
    names = set()
    for loss in ("mse", "mean_squared_error", keras.losses.MeanSquaredError()):
        model = small_model()
        model.compile(optimizer=keras.optimizers.Adam(), loss=loss)
        names.add(loss_name(rebuild(model_as_data(model))))
    assert names == {"mean_squared_error"}


def test_a_loss_function_of_keras_is_named_by_its_name() -> None:
    model = small_model()
    model.compile(optimizer="adam", loss=keras.losses.sparse_categorical_crossentropy)
    rebuilt = rebuild(model_as_data(model))
    assert loss_name(rebuilt) == "sparse_categorical_crossentropy"
    assert optimizer_name(rebuilt) == "adam"


@pytest.mark.parametrize(
    "loss", ["sparse_categorical_crossentropy", keras.losses.SparseCategoricalCrossentropy()]
)
def test_measure_gives_what_evaluate_does_regularization_included(loss: Any) -> None:
    model = keras.Sequential(
        [
            keras.Input((6,)),
            keras.layers.Dense(5, activation="relu", kernel_regularizer="l2"),
            keras.layers.Dense(3, activation="softmax"),
        ]
    )
    model.compile(optimizer="adam", loss=loss, metrics=["accuracy"])
    rng = np.random.default_rng(1)
    x, y = rng.normal(size=(70, 6)).astype(np.float32), rng.integers(0, 3, size=70)
    model.fit(x, y, epochs=2, verbose=0)
    rebuilt = rebuild(model_as_data(model))
    wanted = model.evaluate(x, y, batch_size=32, verbose=0, return_dict=True)
    got = measure(rebuilt, x, y)
    assert got == pytest.approx({"loss": wanted["loss"], "accuracy": wanted["accuracy"]}, rel=1e-5)
    probabilities = predict(rebuilt, x)[np.arange(70), y]
    assert got["loss"] > float(-np.mean(np.log(probabilities))) + 1e-4  # the l2 term is in it


def test_measure_says_an_uncompiled_model_is_not_compiled() -> None:
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
    with pytest.raises(CheckFailed) as failed:
        measure(rebuild(model_as_data(model)), np.zeros((3, 4), np.float32), np.zeros(3))
    assert "not compiled" in failed.value.message.en


def test_dense_then_activation_counts_as_one_dense_layer() -> None:
    inputs = keras.Input((6,))
    hidden = keras.layers.Activation("relu")(keras.layers.Dense(5)(inputs))
    hidden = keras.layers.ReLU()(keras.layers.Dense(4)(hidden))
    outputs = keras.layers.Softmax()(keras.layers.Dense(3)(hidden))
    model = keras.Model(inputs, outputs, name="my_classifier")
    layers = dense_layers(rebuild(model_as_data(model)))
    assert layers == [(5, "relu"), (4, "relu"), (3, "softmax")]


def test_an_activation_after_a_dense_that_has_one_is_not_merged() -> None:
    model = keras.Sequential(
        [
            keras.Input((6,)),
            keras.layers.Dense(5, activation="relu"),
            keras.layers.Activation("softmax"),
        ]
    )
    assert dense_layers(rebuild(model_as_data(model))) == [(5, "relu")]


MODEL_EXERCISES = ["model_building", "compile_fit", "linear_classifier", "save_load"]

#: Correct answers written differently from the references: functional instead of
#: Sequential, Dense then Activation, InputLayer, explicit names, objects for the loss
#: and the optimizer, NumPy for the start values.
ALTERNATIVES = {
    "model_building": """# EXERCISE: model_building
import keras
from keras import layers


def build_sequential_add():
    model = keras.Sequential(name="by_add")
    model.add(layers.InputLayer(shape=(784,)))
    for units in (256, 128):
        model.add(layers.Dense(units))
        model.add(layers.Activation("relu"))
    model.add(layers.Dense(10, activation=keras.activations.softmax))
    return model


def build_sequential_list():
    return keras.Sequential(
        [layers.InputLayer(shape=(784,)), layers.Dense(256), layers.ReLU(),
         layers.Dense(128, activation="relu"), layers.Dense(10), layers.Softmax()],
        name="by_list",
    )


def build_functional():
    inputs = keras.Input(shape=(784,), name="pixels")
    x = inputs
    for units in (256, 128):
        x = layers.Activation("relu")(layers.Dense(units)(x))
    return keras.Model(inputs=inputs, outputs=layers.Dense(10, activation="softmax")(x),
                       name="classifier")


def build_two_input():
    a, b = keras.Input((32,), name="a"), keras.Input((16,), name="b")
    joined = layers.Concatenate()([layers.Dense(8, activation="relu")(a),
                                   layers.Dense(8, activation="relu")(b)])
    return keras.Model(inputs=[a, b], outputs=layers.Dense(1)(joined), name="two")
""",
    "compile_fit": """# EXERCISE: compile_fit
import keras
import numpy as np

PROTOTYPES = np.random.default_rng(42).normal(size=(10, 784)).astype("float32")


def make_data(seed, n):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 10, size=n)
    x = PROTOTYPES[y] + rng.normal(scale=3.0, size=(n, 784))
    return x.astype("float32"), y


def build_model():
    inputs = keras.Input((784,))
    hidden = keras.layers.Activation("relu")(keras.layers.Dense(64)(inputs))
    model = keras.Model(inputs, keras.layers.Dense(10, activation="softmax")(hidden), name="mnist")
    model.compile(
        optimizer=keras.optimizers.Adam(),
        loss=keras.losses.SparseCategoricalCrossentropy(),
        metrics=["accuracy"],
    )
    return model


early_stopping = keras.callbacks.EarlyStopping("val_loss", patience=3, restore_best_weights=True)


def train(model, x, y):
    return model.fit(x=x, y=y, batch_size=32, epochs=10, verbose=0,
                     validation_split=0.2, callbacks=[early_stopping])


history_keys = sorted(train(build_model(), *make_data(0, 600)).history.keys())


def evaluate(model, x, y):
    return tuple(model.evaluate(x, y, verbose=0))


def predict_classes(model, x):
    return model.predict(x, verbose=0).argmax(axis=-1)
""",
    "linear_classifier": """# EXERCISE: linear_classifier
import numpy as np
import tensorflow as tf


def make_points(seed):
    rng = np.random.default_rng(seed)
    cov = [[1, 0.5], [0.5, 1]]
    negative = rng.multivariate_normal(mean=[0, 3], cov=cov, size=500)
    positive = rng.multivariate_normal(mean=[3, 0], cov=cov, size=500)
    inputs = np.vstack((negative, positive)).astype("float32")
    targets = np.vstack((np.zeros((500, 1)), np.ones((500, 1)))).astype("float32")
    return inputs, targets


inputs, targets = make_points(0)
W = tf.Variable(np.random.uniform(size=(2, 1)).astype("float32"), name="W")
b = tf.Variable(np.zeros(1, "float32"), name="b")


def model(inputs):
    return inputs @ W + b


def square_loss(targets, predictions):
    return tf.reduce_mean((targets - predictions) ** 2)


def training_step(inputs, targets, learning_rate=0.1):
    with tf.GradientTape() as tape:
        loss = square_loss(targets, model(inputs))
    gradients = tape.gradient(loss, {"W": W, "b": b})
    W.assign_sub(gradients["W"] * learning_rate)
    b.assign_sub(gradients["b"] * learning_rate)
    return loss


for step in range(40):
    training_step(inputs, targets)
""",
    "save_load": """# EXERCISE: save_load
import keras


def build():
    inputs = keras.Input(shape=(4,))
    hidden = keras.layers.Dense(8)(inputs)
    outputs = keras.layers.Dense(1)(keras.layers.Activation("relu")(hidden))
    return keras.Model(inputs, outputs, name="small")


def save_and_reload(model, path):
    model.save_weights(path)
    reloaded = build()
    reloaded.load_weights(path)
    return reloaded
""",
}


def graded(grader: Any, exercise: str, path: Any) -> Any:
    result = grader.grade_file(path, student=f"{exercise}:{path.stem}").exercise(exercise)
    assert result is not None and result.checks, exercise
    return result


@pytest.mark.slow
@pytest.mark.parametrize("exercise", MODEL_EXERCISES)
def test_a_fake_model_earns_nothing_and_correct_models_earn_everything(
    grader: Any, bank: Any, exercise: str, tmp_path: Any
) -> None:
    solution = bank.get(exercise).solution
    fake = graded(grader, exercise, solution.parent / "mistakes" / "fake.py")
    assert fake.points == 0, [(c.check, c.points) for c in fake.checks if c.points]
    assert any(c.diagnosis in ("not-a-keras-model", "not-a-variable") for c in fake.checks)
    reference = graded(grader, exercise, solution)
    assert reference.points == reference.max_points > 0
    alternative = tmp_path / f"{exercise}_alternative.py"
    alternative.write_text(ALTERNATIVES[exercise], encoding="utf-8")
    different = graded(grader, exercise, alternative)
    failed = [(c.check, c.message) for c in different.checks if not c.passed]
    assert different.points == different.max_points, failed
