"""Assertions that check authors use most, each failing with bilingual feedback.

They take what ``student.NAME`` gave back (data, or a remote handle) and say,
in a beginner's words, what kind of value was expected and what came instead.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from grader.feedback import fail
from grader.remote import RemoteObject


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
) -> Any:
    """Give ``value`` as a ``tf.Tensor``, failing unless it is one (of this shape and dtype)."""
    import tensorflow as tf

    if value is None:
        fail(
            ko=f"`{name}` 이(가) None 입니다. 값을 만들어 변수에 넣었는지(또는 return 했는지) "
            "확인하세요.",
            en=f"`{name}` is None. Did you assign (or return) the value?",
            diagnosis="none-returned",
        )
    if isinstance(value, np.ndarray):
        fail(
            ko=f"`{name}` 이(가) NumPy 배열입니다. TensorFlow 함수(tf.ones, tf.constant 등)로 "
            "텐서를 만드세요.",
            en=f"`{name}` is a NumPy array. Make a tensor with TensorFlow (tf.ones, tf.constant…).",
            diagnosis="numpy-not-tensor",
        )
    if isinstance(value, RemoteObject) and "Variable" in value.remote_type:
        if not allow_variable:
            fail(
                ko=f"`{name}` 이(가) tf.Variable 입니다. 여기서는 변하지 않는 텐서가 필요합니다.",
                en=f"`{name}` is a tf.Variable; a constant tensor is expected here.",
                diagnosis="variable-not-tensor",
            )
        value = tf.constant(value.numpy())
    if not isinstance(value, tf.Tensor):
        fail(
            ko=f"`{name}` 은(는) 텐서여야 하는데 {describe(value)} 입니다.",
            en=f"`{name}` should be a tensor, it is {describe(value)}.",
        )
    if shape is not None and tuple(value.shape) != tuple(shape):
        fail(
            ko=f"`{name}` 의 모양이 {tuple(shape)} 이어야 하는데 {tuple(value.shape)} 입니다.",
            en=f"`{name}` should have shape {tuple(shape)}, it has {tuple(value.shape)}.",
            diagnosis="wrong-shape",
        )
    if dtype is not None and value.dtype != tf.as_dtype(dtype):
        wanted = tf.as_dtype(dtype).name
        fail(
            ko=f"`{name}` 의 dtype 이 {wanted} 이어야 하는데 {value.dtype.name} 입니다.",
            en=f"`{name}` should have dtype {wanted}, it has {value.dtype.name}.",
            diagnosis="wrong-dtype",
        )
    return value


def expect_number(value: Any, name: str) -> int | float:
    """Give ``value`` as a Python number, failing unless it is one (or a 0-d array or tensor)."""
    if isinstance(value, bool) or value is None:
        fail(
            ko=f"`{name}` 은(는) 숫자여야 하는데 {describe(value)} 입니다.",
            en=f"`{name}` should be a number, it is {describe(value)}.",
        )
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value)
    array = np.asarray(value.numpy() if hasattr(value, "numpy") else value)
    if array.shape != () or array.dtype.kind not in "iuf":
        fail(
            ko=f"`{name}` 은(는) 숫자 하나여야 하는데 {describe(value)} 입니다.",
            en=f"`{name}` should be a single number, it is {describe(value)}.",
        )
    return int(array) if array.dtype.kind in "iu" else float(array)


def expect_model(value: Any, name: str) -> RemoteObject:
    """Give ``value`` as the student's Keras model, failing unless it is one."""
    if not (
        isinstance(value, RemoteObject)
        and value.remote_type.startswith("keras.")
        and "models" in value.remote_type
    ):
        fail(
            ko=f"`{name}` 은(는) Keras 모델이어야 하는데 {describe(value)} 입니다. 모델을 "
            "return 했는지 확인하세요.",
            en=f"`{name}` should be a Keras model, it is {describe(value)}. Did you return it?",
            diagnosis="none-returned" if value is None else None,
        )
    return value


def dense_layers(model: RemoteObject) -> list[tuple[int, str]]:
    """Each Dense layer of a student's model as ``(units, activation)``."""
    layers = []
    for layer in model.layers:
        config = layer.get_config()
        if isinstance(config, dict) and "units" in config:
            layers.append((int(config["units"]), str(config.get("activation"))))
    return layers
