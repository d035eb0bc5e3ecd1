"""A model crosses as data and is rebuilt in the grader; anything but Keras's own is refused."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest

from grader.checks import dense_layers, loss_name, optimizer_name, predict
from grader.runner import _model_as_data
from grader.trusted import MAX_PARAMETERS, RefusedModel, rebuild

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
    return refused.value.refusal.diagnosis + " " + refused.value.refusal.en


def test_a_rebuilt_model_computes_what_the_original_does() -> None:
    original = small_model()
    x = np.random.default_rng(0).normal(size=(5, 4)).astype(np.float32)
    rebuilt = rebuild(_model_as_data(original))
    assert rebuilt is not original
    assert rebuilt.count_params() == 49
    np.testing.assert_allclose(predict(rebuilt, x), original.predict(x, verbose=0), atol=1e-6)
    assert loss_name(rebuilt) == "mean_squared_error"
    assert optimizer_name(rebuilt) == "sgd"


def test_a_lambda_layer_is_refused() -> None:
    model = keras.Sequential([keras.Input((4,)), keras.layers.Lambda(lambda t: t * 2)])
    assert "Lambda" in refusal(_model_as_data(model))


def test_a_layer_class_of_the_students_own_is_refused() -> None:
    @keras.saving.register_keras_serializable(package="student")
    class Doubling(keras.layers.Layer):
        def call(self, inputs: Any) -> Any:
            return inputs * 2

    model = keras.Sequential([keras.Input((4,)), Doubling()])
    assert "not-a-keras-model" in refusal(_model_as_data(model))


def test_a_built_in_name_under_a_module_outside_keras_is_refused() -> None:
    def elsewhere(config: dict[str, Any]) -> None:
        config["config"]["layers"][1]["module"] = "os"

    assert "os.Dense" in refusal(edited(_model_as_data(small_model()), elsewhere))


def test_a_function_outside_keras_is_refused() -> None:
    def shell(config: dict[str, Any]) -> None:
        config["config"]["layers"][1]["config"]["activation"] = {
            "module": "os",
            "class_name": "function",
            "config": "system",
            "registered_name": "function",
        }

    assert "system" in refusal(edited(_model_as_data(small_model()), shell))


def test_weights_of_the_wrong_shape_are_refused() -> None:
    data = _model_as_data(small_model())
    data["weights"][0] = np.zeros((5, 8), np.float32)
    assert "(5, 8)" in refusal(data)


def test_missing_weights_are_refused() -> None:
    data = _model_as_data(small_model())
    data["weights"] = data["weights"][:-1]
    assert "3 weight arrays" in refusal(data)


def test_a_model_too_large_to_build_is_refused_before_it_is_built() -> None:
    def huge(config: dict[str, Any]) -> None:
        config["config"]["layers"][1]["config"]["units"] = MAX_PARAMETERS

    assert refusal(edited(_model_as_data(small_model()), huge)).startswith("model-too-large")


def test_too_many_weights_are_refused_before_they_are_read() -> None:
    data = _model_as_data(small_model())
    data["weights"] = [np.zeros(MAX_PARAMETERS + 1, np.float32)]
    assert refusal(data).startswith("model-too-large")


def test_a_model_without_an_input_shape_is_named_not_built() -> None:
    model = keras.Sequential([keras.layers.Dense(3)])
    assert refusal(_model_as_data(model)).startswith("model-not-built")


def test_an_answer_that_is_not_a_model_record_is_refused() -> None:
    assert "not-a-keras-model" in refusal({"config": "{}", "weights": [], "compile": "null"})
    assert "not-a-keras-model" in refusal(["count_params", 235146])


def test_a_loss_is_named_the_same_however_it_is_given() -> None:
    names = set()
    for loss in ("mse", "mean_squared_error", keras.losses.MeanSquaredError()):
        model = small_model()
        model.compile(optimizer=keras.optimizers.Adam(), loss=loss)
        names.add(loss_name(rebuild(_model_as_data(model))))
    assert names == {"mean_squared_error"}


def test_a_loss_function_of_keras_is_named_by_its_name() -> None:
    model = small_model()
    model.compile(optimizer="adam", loss=keras.losses.sparse_categorical_crossentropy)
    rebuilt = rebuild(_model_as_data(model))
    assert loss_name(rebuilt) == "sparse_categorical_crossentropy"
    assert optimizer_name(rebuilt) == "adam"


def test_dense_then_activation_counts_as_one_dense_layer() -> None:
    inputs = keras.Input((6,))
    hidden = keras.layers.Activation("relu")(keras.layers.Dense(5)(inputs))
    hidden = keras.layers.ReLU()(keras.layers.Dense(4)(hidden))
    outputs = keras.layers.Softmax()(keras.layers.Dense(3)(hidden))
    model = keras.Model(inputs, outputs, name="my_classifier")
    layers = dense_layers(rebuild(_model_as_data(model)))
    assert layers == [(5, "relu"), (4, "relu"), (3, "softmax")]


def test_an_activation_after_a_dense_that_has_one_is_not_merged() -> None:
    model = keras.Sequential(
        [
            keras.Input((6,)),
            keras.layers.Dense(5, activation="relu"),
            keras.layers.Activation("softmax"),
        ]
    )
    assert dense_layers(rebuild(_model_as_data(model))) == [(5, "relu")]
