"""What the grader may ask a runner and its zygote, and how a runner answers.

The vocabulary of both conversations is declared here once: :class:`Op` for the grader's
requests to a runner (:mod:`grader.sandbox.session` sends them, the runner answers them),
:class:`ZygoteOp` for its requests to the zygote (:mod:`grader.sandbox.zygote` sends them,
:mod:`grader.sandbox.zygote_server` answers them). A request is a wire message whose
``"op"`` is one of these, with the fields its docstring names.

:class:`Answers` is the runner's side of :class:`Op`: it looks names up, gets attributes,
calls, indexes, iterates, keeping whatever is not data as a numbered handle. The runner
serves it over its socket; a student's own kernel serves it in process
(:mod:`grader.grading.kernel`), so checks cannot tell one from the other. On the runner's
side it is the student's to replace: nothing it answers is believed.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from grader.sandbox.wire import Handle, Ref, TensorValue

_MAX_REPR = 500
#: Most items one ``iter`` request takes from an iterable; the rest are never drawn.
MAX_ITEMS = 10_000


class Op(StrEnum):
    """A request to a runner (the fields it carries, beside the ``budget`` every one has)."""

    #: Run one chunk of the submission: ``source``, ``cell``, ``first_line``.
    RUN = "run"
    #: A name of the submission's namespace: ``name``.
    GET = "get"
    #: An attribute of a handle: ``target``, ``name``.
    GETATTR = "getattr"
    #: Call a handle: ``target``, ``args``, ``kwargs``.
    CALL = "call"
    #: Index a handle: ``target``, ``key``.
    GETITEM = "getitem"
    #: ``len()`` of a handle: ``target``.
    LEN = "len"
    #: The first :data:`MAX_ITEMS` items of a handle: ``target``.
    ITER = "iter"
    #: A Keras model handle as data (configuration, weights): ``target``.
    MODEL = "model"
    #: End the runner; no answer.
    EXIT = "exit"


class ZygoteOp(StrEnum):
    """A request to the zygote, which forks runners and knows their exit statuses."""

    #: Are you ready (TensorFlow imported)? Answered with the zygote's pid.
    HELLO = "hello"
    #: Fork a runner: ``confinement``, with the runner's socket passed along.
    FORK = "fork"
    #: A runner's exit status: ``pid``, ``timeout``.
    WAIT = "wait"
    #: New control connections to this zygote: ``count``, answered with that many sockets
    #: (a command the warm server runs asks for its graders' connections so).
    CONNECT = "connect"


class Answers:
    """Answers to :class:`Op` requests from ``namespace``, keeping objects as handles."""

    def __init__(self, namespace: Mapping[str, Any]) -> None:
        self._namespace = namespace
        self.handles: dict[int, Any] = {}

    def to_handle(self, value: Any) -> Handle:
        """Keep ``value`` here and give the handle the other side knows it by."""
        handle_id = len(self.handles) + 1
        self.handles[handle_id] = value
        kind = type(value)
        try:
            text = repr(value)[:_MAX_REPR]
        except Exception:
            text = f"<{kind.__name__}>"
        return Handle(handle_id, f"{kind.__module__}.{kind.__qualname__}", text)

    def resolve(self, value: Any) -> Any:
        """A request's argument as a value here: handles by number, tensors as tensors."""
        if isinstance(value, Ref):
            if value.id not in self.handles:
                raise LookupError(f"no handle {value.id}")
            return self.handles[value.id]
        if isinstance(value, TensorValue):
            import tensorflow as tf

            return tf.constant(value.array)
        if isinstance(value, list):
            return [self.resolve(item) for item in value]
        if isinstance(value, tuple):
            return tuple(self.resolve(item) for item in value)
        if isinstance(value, dict):
            return {self.resolve(k): self.resolve(v) for k, v in value.items()}
        return value

    def answer(self, request: Mapping[str, Any]) -> Any:
        """The value ``request`` asks for; raises what asking raised (Op.RUN and Op.EXIT
        are the runner's own to serve)."""
        op = request.get("op")
        if op == Op.GET:
            name = str(request["name"])
            if name not in self._namespace:
                raise NameError(f"name {name!r} is not defined")
            return self._namespace[name]
        target = self.resolve(request.get("target"))
        if op == Op.GETATTR:
            return getattr(target, str(request["name"]))
        if op == Op.CALL:
            args = self.resolve(request.get("args", []))
            kwargs = self.resolve(request.get("kwargs", {}))
            return target(*args, **kwargs)
        if op == Op.GETITEM:
            return target[self.resolve(request["key"])]
        if op == Op.LEN:
            return len(target)
        if op == Op.ITER:
            items = []
            for item in target:
                items.append(item)
                if len(items) >= MAX_ITEMS:
                    break
            return items
        if op == Op.MODEL:
            return model_as_data(target)
        raise ValueError(f"unknown request {op!r}")


def model_as_data(target: Any) -> dict[str, Any]:
    """A Keras model as data: architecture and compile settings as JSON, weights as arrays.

    The grader believes none of it: it validates the configuration and rebuilds the
    model itself (:mod:`grader.grading.trusted`), so this only saves an honest model the trip.
    """
    import keras
    import numpy as np

    if not isinstance(target, keras.Model):
        raise TypeError(f"{type(target).__name__} is not a Keras model")
    config = keras.saving.serialize_keras_object(target)
    config.pop("compile_config", None)
    return {
        "config": json.dumps(config, default=_plain),
        "weights": [np.asarray(weight) for weight in target.get_weights()],
        "compile": json.dumps(target.get_compile_config() or None, default=_plain),
    }


def _plain(value: Any) -> Any:
    # NumPy numbers in a layer's settings (Dense(np.int64(8))) are numbers to JSON too.
    return value.item() if hasattr(value, "item") else str(value)
