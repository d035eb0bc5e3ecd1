"""Assertions that check authors use most, each failing with bilingual feedback.

They take what ``student.NAME`` gave back (data, or a remote handle) and say,
in a beginner's words, what kind of value was expected and what came instead.
"""

from __future__ import annotations

from typing import Any, NoReturn

import numpy as np

from grader.errors import CheckFailed
from grader.feedback import Message, readable
from grader.grading.proxies import RemoteObject
from grader.grading.trusted import trusted_model
from grader.messages import answers


def describe(value: Any) -> str:
    """A short name for a value's kind, as a student would recognise it."""
    if value is None:
        return "None"
    if isinstance(value, RemoteObject):
        return value.remote_type.rsplit(".", 1)[-1]
    if isinstance(value, np.ndarray):
        return f"NumPy array {value.shape}"
    if type(value).__name__ == "EagerTensor":
        return f"tf.Tensor {tuple(value.shape)}"
    return type(value).__name__


def expect_tensor(
    value: Any,
    name: str,
    *,
    shape: tuple[int, ...] | None = None,
    dtype: Any = None,
    allow_variable: bool = False,
    allow_numpy: bool = False,
) -> Any:
    """Give ``value`` as a ``tf.Tensor``, failing unless it is one (of this shape and dtype).

    ``allow_numpy`` is for statements that accept a NumPy array too (what
    ``keras.utils.to_categorical`` gives): the array is then converted, dtype kept.
    """
    import tensorflow as tf

    if allow_numpy and isinstance(value, np.ndarray) and value.dtype.kind in "biuf":
        value = tf.constant(value)

    if value is None:
        _fail(answers.value_is_none(name), "none-returned")
    if isinstance(value, np.ndarray):
        _fail(answers.numpy_not_tensor(name), "numpy-not-tensor")
    if isinstance(value, RemoteObject) and "Variable" in value.remote_type:
        if not allow_variable:
            _fail(answers.variable_not_tensor(name), "variable-not-tensor")
        value = tf.constant(value.numpy())
    if not isinstance(value, tf.Tensor):
        _fail(answers.not_a_tensor(name, describe(value)))
    if shape is not None and tuple(value.shape) != tuple(shape):
        _fail(answers.wrong_shape(f"`{name}`", tuple(shape), tuple(value.shape)), "wrong-shape")
    if dtype is not None and value.dtype != tf.as_dtype(dtype):
        wanted = tf.as_dtype(dtype).name
        _fail(answers.wrong_dtype(name, wanted, value.dtype.name), "wrong-dtype")
    return value


def _fail(said: Message, diagnosis: str | None = None) -> NoReturn:
    """End the check as failed with ``said``; ``diagnosis`` names the known mistake, if any.

    Each known mistake is one call, its condition just above it: the slug and the sentence
    in both languages travel together, never in branches of their own.
    """
    raise CheckFailed(said, diagnosis)


def _expect(condition: object, said: Message, diagnosis: str | None = None) -> None:
    """Fail the check with ``said`` (and ``diagnosis``) unless ``condition`` is true."""
    if not condition:
        _fail(said, diagnosis)


def expect_number(value: Any, name: str) -> int | float:
    """Give ``value`` as a Python number, failing unless it is one (or a 0-d array or tensor)."""
    if isinstance(value, bool) or value is None:
        _fail(answers.not_a_number(name, describe(value)))
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value)
    array = np.asarray(value.numpy() if hasattr(value, "numpy") else value)
    if array.shape != () or array.dtype.kind not in "iuf":
        _fail(answers.not_one_number(name, describe(value)))
    return int(array) if array.dtype.kind in "iu" else float(array)


def expect_model(value: Any, name: str) -> Any:
    """Give the student's Keras model rebuilt in the grader, failing unless it can be.

    The model crosses as configuration and weights and is rebuilt in safe mode
    (:mod:`grader.grading.trusted`); the runner's word on its type or size counts for nothing.
    Keep ``value`` itself to hand the model back to the student's functions.
    """
    return trusted_model(value, name)


def dense_layers(model: Any) -> list[tuple[int, str]]:
    """Each Dense layer of a rebuilt model as ``(units, activation)``.

    A linear Dense followed by an activation layer (``Activation("relu")``, ``ReLU()``,
    ``Softmax()``) computes what one Dense with that activation does, and counts as one.
    """
    import keras

    layers: list[tuple[int, str]] = []
    linear_dense_last = False
    for layer in _flat_layers(model):
        after = _activation_of(layer) if linear_dense_last else None
        if after is not None:
            layers[-1] = (layers[-1][0], after)
            linear_dense_last = after == "linear"
        elif isinstance(layer, keras.layers.Dense):
            activation = _function_name(layer.activation)
            layers.append((int(layer.units), activation))
            linear_dense_last = activation == "linear"
        elif not isinstance(layer, (keras.layers.InputLayer, keras.layers.Dropout)):
            linear_dense_last = False
    return layers


def _flat_layers(model: Any) -> list[Any]:
    import keras

    flat = []
    for layer in model.layers:
        flat.extend(_flat_layers(layer) if isinstance(layer, keras.Model) else [layer])
    return flat


def _activation_of(layer: Any) -> str | None:
    import keras

    if isinstance(layer, keras.layers.Activation):
        return _function_name(layer.activation)
    if isinstance(layer, keras.layers.ReLU) and layer.get_config().get("max_value") is None:
        config = layer.get_config()
        if not config.get("negative_slope") and not config.get("threshold"):
            return "relu"
    if isinstance(layer, keras.layers.Softmax) and layer.get_config().get("axis") in (-1, [-1]):
        return "softmax"
    return None


def _function_name(function: Any) -> str:
    return str(getattr(function, "__name__", type(function).__name__))


def loss_name(model: Any) -> str | None:
    """The rebuilt model's loss by canonical name, however it was given.

    ``"mse"``, ``"mean_squared_error"``, ``keras.losses.mean_squared_error`` and
    ``keras.losses.MeanSquaredError()`` all give ``"mean_squared_error"``; None if
    the model is not compiled.
    """
    import keras

    loss = getattr(model, "loss", None)
    if loss is None:
        return None
    if isinstance(loss, str):
        loss = keras.losses.get(loss)
    return _function_name(getattr(loss, "fn", loss))


def optimizer_name(model: Any) -> str | None:
    """The rebuilt model's optimizer by class, lower case (``"adam"``); None if not compiled."""
    optimizer = getattr(model, "optimizer", None) if getattr(model, "compiled", False) else None
    return None if optimizer is None else type(optimizer).__name__.lower()


def predict(model: Any, inputs: Any) -> np.ndarray[Any, Any]:
    """What the rebuilt model gives for grader-made ``inputs``, as an array."""
    outputs = model(inputs, training=False)
    return np.asarray(outputs.numpy() if hasattr(outputs, "numpy") else outputs)


def measure(model: Any, inputs: Any, labels: Any) -> dict[str, float]:
    """The rebuilt model's compiled loss and its accuracy on grader-made data.

    The same numbers as ``model.evaluate(inputs, labels, return_dict=True)`` (the loss
    with any regularization, accuracy as the share of argmax hits on integer labels), to
    float rounding; computed in one eager call instead of a traced evaluation loop, which
    costs a tenth of a second per model.
    """
    if loss_name(model) is None:
        _fail(answers.model_not_compiled())
    outputs = model(inputs, training=False)
    loss = model.compute_loss(x=inputs, y=labels, y_pred=outputs, training=False)
    hits = np.argmax(np.asarray(outputs), axis=-1) == np.asarray(labels).reshape(-1)
    return {"loss": float(loss), "accuracy": float(np.mean(hits))}


def expect_independent_models(first: Any, second: Any, name: str) -> None:
    """Fail unless the two runner handles are different models, judged by their weights.

    New weights are set on the first; a second that is the same object (or shares its
    layers) then shows them too. A name proves nothing: two models may share one.
    """
    before = expect_model(second, name).get_weights()
    shapes = [w.shape for w in expect_model(first, name).get_weights()]
    marked = [np.full(shape, 0.5 + index, np.float32) for index, shape in enumerate(shapes)]
    first.set_weights(marked)
    after = expect_model(second, name).get_weights()
    unchanged = len(before) == len(after) and all(
        np.array_equal(b, a) for b, a in zip(before, after, strict=True)
    )
    _expect(unchanged, answers.same_model_returned(name), "same-model-returned")


def expect_variable(value: Any, name: str, shape: tuple[int, ...]) -> RemoteObject:
    """Give the runner handle of the student's ``tf.Variable`` ``name`` of this shape.

    A tensor or array that came back as data is not a variable (``W = W - ...`` rebinds
    the name to a tensor); whether a handle is one is judged by :func:`expect_assignable`.
    """
    if not isinstance(value, RemoteObject):
        if value is not None and hasattr(value, "shape"):
            _fail(answers.variable_rebound(name, describe(value)), "rebind-not-assign")
        _fail(answers.not_a_variable(name, describe(value)))
    got = np.asarray(value.numpy()).shape
    _expect(got == tuple(shape), answers.wrong_shape(name, tuple(shape), got), "wrong-shape")
    return value


def expect_assignable(variables: dict[str, RemoteObject], values: dict[str, Any]) -> None:
    """Assign grader-chosen values and read them back, failing unless each variable keeps its."""
    for name, value in values.items():
        variables[name].assign(value)
        kept = np.allclose(np.asarray(variables[name].numpy()), value)
        _expect(kept, answers.assign_not_kept(name), "not-a-variable")


def values_of(variables: dict[str, RemoteObject]) -> dict[str, np.ndarray[Any, Any]]:
    """The variables' current values, as float64 arrays to compute with here."""
    return {name: np.asarray(handle.numpy(), np.float64) for name, handle in variables.items()}


def expect_integer(value: Any, name: str) -> int:
    """Give ``value`` as an int, failing unless it is an integer (Python, NumPy or a 0-d tensor).

    A float with a whole value (``235146.0``, what ``/`` or ``np.floor`` give) is named as
    such: the number is right, its type is not.
    """
    number = expect_number(value, name)
    if isinstance(number, float):
        if number.is_integer():
            _fail(answers.whole_float_not_int(name, readable(number)), "float-not-int")
        _fail(answers.float_not_int(name, readable(number)))
    return number


def _canonical(kind: str, value: Any) -> str | None:
    """Keras's own name for an activation or loss given by any alias; None if it is none."""
    import keras

    if value is None and kind == "activation":
        return "linear"
    if not isinstance(value, str):
        return None
    getter = keras.activations.get if kind == "activation" else keras.losses.get
    try:
        found = getter(value)
    except (ValueError, TypeError):
        return None
    return _function_name(getattr(found, "fn", found))


def expect_activation_and_loss(pair: Any, where: str) -> tuple[str, str]:
    """Give ``(activation, loss)`` by Keras's canonical names, failing unless the pair is one.

    Aliases count as their function (``"mse"``, ``"MeanSquaredError"`` are
    ``"mean_squared_error"``; ``None`` is ``"linear"``); a pair written the other way
    round, ``(loss, activation)``, is named as swapped.
    """
    _expect(isinstance(pair, tuple) and len(pair) == 2, answers.not_a_pair(where, describe(pair)))
    activation, loss = _canonical("activation", pair[0]), _canonical("loss", pair[1])
    if activation is None or loss is None:
        swapped = _canonical("loss", pair[0]) is not None and (
            _canonical("activation", pair[1]) is not None
        )
        if swapped:
            _fail(answers.pair_swapped(where, pair), "swapped-pair")
        _fail(answers.pair_unknown(where, pair))
    return activation, loss


def expect_float(value: Any, name: str) -> float:
    """Give ``value`` as a float, failing unless it is a plain number (not a variable or tensor).

    ``float(v.numpy())`` or ``v.numpy().item()`` gives one; a ``tf.Variable`` or a tensor
    handed back instead is named, since the statement asked for floats.
    """
    if isinstance(value, (float, np.floating, int, np.integer)) and not isinstance(value, bool):
        return float(value)
    said = answers.not_a_float(name, describe(value))
    if isinstance(value, RemoteObject) or hasattr(value, "numpy"):
        _fail(said, "not-a-float")
    _fail(said)
