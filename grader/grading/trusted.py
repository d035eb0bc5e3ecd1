"""A student's Keras model rebuilt on the grader's side, from data the runner sends.

Runs on the **grader** side of the boundary. A model handle is worth nothing as
evidence: whatever it says about itself (its type, its parameter count, its
predictions) comes from code the student controls. So the runner is asked for
the model as data (its configuration as JSON, its weights as arrays, its compile
settings as JSON) and the grader believes none of it until it has

* checked that the configuration names only built-in Keras classes from an
  allow-list (no ``Lambda``, no custom layer, no module outside Keras),
* bounded the size of what it would build, from the configuration alone,
* rebuilt the model with ``keras.saving.deserialize_keras_object(safe_mode=True)``,
* checked the weights against the rebuilt model's own (count, shapes, dtypes).

What the checks then measure (parameter counts, layers, predictions, accuracy)
is measured on that rebuilt model, on inputs the grader makes.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from grader.errors import CheckFailed, RefusedModel, StudentError
from grader.feedback import Message
from grader.grading.proxies import RemoteObject, model_data
from grader.messages import answers

#: Past these the grader refuses to build a model at all: its memory is everyone's.
MAX_PARAMETERS = 5_000_000
MAX_CONFIG_CHARS = 2_000_000
MAX_LAYERS = 256

#: Layers a course model may use: built-in ones whose configuration is only numbers and names.
LAYERS = frozenset(
    {
        "Activation",
        "Add",
        "Average",
        "AveragePooling1D",
        "AveragePooling2D",
        "AvgPool2D",
        "BatchNormalization",
        "Concatenate",
        "Conv1D",
        "Conv2D",
        "Conv3D",
        "Cropping2D",
        "Dense",
        "Dropout",
        "ELU",
        "Embedding",
        "Flatten",
        "GRU",
        "GaussianNoise",
        "GlobalAveragePooling1D",
        "GlobalAveragePooling2D",
        "GlobalMaxPooling1D",
        "GlobalMaxPooling2D",
        "Identity",
        "InputLayer",
        "LSTM",
        "LayerNormalization",
        "LeakyReLU",
        "MaxPool2D",
        "MaxPooling1D",
        "MaxPooling2D",
        "Maximum",
        "Minimum",
        "Multiply",
        "PReLU",
        "Permute",
        "ReLU",
        "Rescaling",
        "Reshape",
        "SimpleRNN",
        "Softmax",
        "SpatialDropout2D",
        "Subtract",
        "ZeroPadding2D",
    }
)
MODELS = frozenset({"Sequential", "Functional", "Model"})
#: Keras namespaces whose public classes a configuration may name, besides the layers.
NAMESPACES = (
    "keras.initializers",
    "keras.regularizers",
    "keras.constraints",
    "keras.optimizers",
    "keras.optimizers.schedules",
    "keras.losses",
    "keras.metrics",
)
#: Plain-data markers of Keras's serialization format.
MARKERS = frozenset({"__keras_tensor__", "__tuple__", "__numpy__"})
_MODEL_MODULES = frozenset({"keras", "keras.models", "keras.src.models.functional"})
_POLICIES = frozenset({"DTypePolicy", "FloatDTypePolicy"})


@dataclass(frozen=True)
class Refusal:
    """Why a configuration is not rebuilt, in the student's words; ``diagnosis`` names it."""

    message: Message
    diagnosis: str = "not-a-keras-model"


def trusted_model(value: Any, name: str) -> Any:
    """Give the student's model rebuilt in the grader, failing the check if it cannot be."""
    if not isinstance(value, RemoteObject):
        _refuse_check(_not_a_model(value), name)
    try:
        data = model_data(value)
    except StudentError:
        _refuse_check(_not_a_model(value), name)
    try:
        return rebuild(data)
    except RefusedModel as refused:
        _refuse_check(refused.refusal, name)


def _not_a_model(value: Any) -> Refusal:
    if value is None:
        return Refusal(answers.model_is_none(), "none-returned")
    return Refusal(answers.not_a_model())


def _refuse_check(refusal: Refusal, name: str) -> Any:
    raise CheckFailed(answers.of_answer(name, refusal.message), refusal.diagnosis)


def rebuild(data: Any) -> Any:
    """Give a real ``keras.Model`` from the runner's answer, or raise :class:`RefusedModel`."""
    import keras

    config, weights, compile_config = _parts(data)
    config = _keras_functions(config)
    _check_architecture(config)
    try:
        model = keras.saving.deserialize_keras_object(config, safe_mode=True)
    except Exception as error:
        raise RefusedModel(_unreadable(f"{type(error).__name__}: {error}"[:300])) from None
    if not isinstance(model, keras.Model):
        raise RefusedModel(_unreadable("it is not a model"))
    _load_weights(model, weights)
    if compile_config:
        _compile(model, compile_config)
    return model


def _parts(data: Any) -> tuple[dict[str, Any], list[np.ndarray[Any, Any]], dict[str, Any]]:
    if not isinstance(data, Mapping):
        raise RefusedModel(_unreadable("the runner's answer is not a record"))
    config_text, weights, compile_text = (
        data.get("config"),
        data.get("weights"),
        data.get("compile"),
    )
    if not isinstance(config_text, str) or not isinstance(compile_text, str):
        raise RefusedModel(_unreadable("the configuration is not JSON text"))
    if len(config_text) + len(compile_text) > MAX_CONFIG_CHARS:
        raise RefusedModel(_too_big(f"{len(config_text)} characters of configuration"))
    if not isinstance(weights, list) or not all(isinstance(w, np.ndarray) for w in weights):
        raise RefusedModel(_unreadable("the weights are not a list of arrays"))
    if sum(int(w.size) for w in weights) > MAX_PARAMETERS:
        raise RefusedModel(_too_big(f"{sum(int(w.size) for w in weights)} weights"))
    try:
        config, compile_config = json.loads(config_text), json.loads(compile_text)
    except (ValueError, RecursionError):
        raise RefusedModel(_unreadable("the configuration is not valid JSON")) from None
    if not isinstance(config, dict) or not isinstance(compile_config, (dict, type(None))):
        raise RefusedModel(_unreadable("the configuration is not a JSON object"))
    return config, weights, compile_config or {}


def _check_architecture(config: dict[str, Any]) -> None:
    if config.get("class_name") not in MODELS:
        raise RefusedModel(_custom(str(config.get("class_name"))))
    layers = 0
    for node in _objects(config):
        check_object(node)
        if node.get("module") == "keras.layers":
            layers += 1
    if layers > MAX_LAYERS:
        raise RefusedModel(_too_big(f"{layers} layers"))
    estimate = sum(_parameters(node) for node in _objects(config))
    if estimate > MAX_PARAMETERS:
        raise RefusedModel(_too_big(f"about {estimate} parameters"))


def _keras_functions(value: Any) -> Any:
    """Give ``value`` with each serialized function Keras has by name replaced by that name.

    Keras writes ``loss=keras.losses.mean_squared_error`` as a function of module
    ``builtins``; its name alone says the same and is all that deserialising needs.
    """
    if isinstance(value, list):
        return [_keras_functions(item) for item in value]
    if not isinstance(value, dict):
        return value
    name = value.get("config")
    if value.get("class_name") == "function" and isinstance(name, str) and _is_keras_function(name):
        return name
    return {key: _keras_functions(item) for key, item in value.items()}


def _is_keras_function(name: str) -> bool:
    import keras

    namespaces = (keras.activations, keras.losses, keras.metrics)
    if name in ("get", "serialize", "deserialize"):
        return False
    return any(callable(getattr(space, name, None)) for space in namespaces) and not any(
        isinstance(getattr(space, name, None), type) for space in namespaces
    )


def _objects(value: Any) -> Iterator[dict[str, Any]]:
    """Every serialized object (a dict naming a class or a module) inside ``value``."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if "class_name" in item or "module" in item:
                yield item
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def check_object(node: dict[str, Any]) -> None:
    """Raise :class:`RefusedModel` unless ``node`` names a class the grader may build."""
    import importlib

    class_name, module = node.get("class_name"), node.get("module")
    registered = node.get("registered_name")
    if not isinstance(class_name, str):
        raise RefusedModel(_custom(str(class_name)))
    if class_name in MARKERS and module is None:
        return
    if registered not in (None, class_name):
        raise RefusedModel(_custom(f"{registered}"))
    if class_name == "Lambda":
        raise RefusedModel(_lambda())
    if module == "keras.layers":
        if class_name not in LAYERS:
            raise RefusedModel(_custom(class_name))
        return
    if module in _MODEL_MODULES and class_name in MODELS | _POLICIES:
        return
    if module in NAMESPACES:
        namespace = importlib.import_module(module)
        found = getattr(namespace, class_name, None)
        if isinstance(found, type) and found.__module__.startswith("keras."):
            return
    if class_name == "function":
        raise RefusedModel(_function(str(node.get("config"))))
    raise RefusedModel(_custom(f"{module}.{class_name}"))


def _parameters(node: dict[str, Any]) -> int:
    """An upper bound on the weights a layer builds, from its configuration alone.

    Building is where memory goes, so the bound must hold before anything is built:
    a layer that has weights must say the shape it is built for (``build_config``).
    """
    kind = node.get("class_name")
    if node.get("module") != "keras.layers" or kind not in _WEIGHTED:
        return 0
    found = node.get("config")
    config: dict[str, Any] = found if isinstance(found, dict) else {}
    build = node.get("build_config")
    shape = build.get("input_shape") if isinstance(build, dict) else None
    if not isinstance(shape, list) or not shape:
        raise RefusedModel(_not_built())
    features = max(_dim(shape[-1]), _dim(shape[1]) if len(shape) > 1 else 1)
    units = _dim(config.get("units", config.get("filters", 1)))
    if kind == "Embedding":
        return _dim(config.get("input_dim")) * _dim(config.get("output_dim"))
    if kind in ("Conv1D", "Conv2D", "Conv3D"):
        kernel = config.get("kernel_size")
        size = math.prod(_dim(k) for k in kernel) if isinstance(kernel, list) else _dim(kernel)
        return (size * features + 1) * units
    if kind in ("SimpleRNN", "LSTM", "GRU"):
        return 4 * (features + units + 2) * units
    if kind == "PReLU":
        return math.prod(_dim(d) for d in shape[1:])
    if kind == "Dense":
        return (features + 1) * units
    return 4 * features


_WEIGHTED = frozenset(
    {
        "BatchNormalization",
        "Conv1D",
        "Conv2D",
        "Conv3D",
        "Dense",
        "Embedding",
        "GRU",
        "LSTM",
        "LayerNormalization",
        "PReLU",
        "SimpleRNN",
    }
)


def _dim(value: Any) -> int:
    if value is None:
        return 1
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise RefusedModel(_unreadable(f"a size of {value!r} in the configuration"))
    return value


def _load_weights(model: Any, weights: list[np.ndarray[Any, Any]]) -> None:
    own = model.get_weights()
    if len(own) != len(weights):
        raise RefusedModel(
            _unreadable(f"{len(weights)} weight arrays for a model that has {len(own)}")
        )
    for index, (mine, theirs) in enumerate(zip(own, weights, strict=True)):
        if mine.shape != theirs.shape or theirs.dtype.kind not in "fiu":
            raise RefusedModel(
                _unreadable(
                    f"weight {index} is {theirs.dtype} {theirs.shape}, the model's is {mine.shape}"
                )
            )
    model.set_weights([w.astype(m.dtype) for m, w in zip(own, weights, strict=True)])


def _compile(model: Any, config: dict[str, Any]) -> None:
    import keras

    settings = _keras_functions({key: config.get(key) for key in ("optimizer", "loss", "metrics")})
    for node in _objects(settings):
        check_object(node)
    try:
        settings = keras.saving.deserialize_keras_object(settings, safe_mode=True)
        model.compile(**settings)
    except Exception as error:
        raise RefusedModel(_unreadable(f"its compile settings: {error}"[:300])) from None


# Each refusal pairs its sentence with the known mistake it names, where it names one.


def _unreadable(why: str) -> Refusal:
    return Refusal(answers.model_not_rebuilt(why))


def _custom(what: str) -> Refusal:
    return Refusal(answers.custom_object(what))


def _lambda() -> Refusal:
    return Refusal(answers.lambda_layer())


def _function(name: str) -> Refusal:
    return Refusal(answers.foreign_function(name))


def _not_built() -> Refusal:
    return Refusal(answers.model_not_built(), "model-not-built")


def _too_big(what: str) -> Refusal:
    return Refusal(answers.model_too_large(what), "model-too-large")
