"""The student's own kernel as a runner session: checks ask it for names, in this process.

``grader.check("one_hot")`` in Jupyter or Colab runs public checks on the student's own
machine, on the kernel's current names. There is no boundary to keep there (the code and
the checks are the student's to read), but the checks are written against a runner's
answers: data comes back as copies (tensors as tensors, arrays as arrays), anything else
as a :class:`~grader.remote.RemoteObject`, and a missing name or a raising call as a
:class:`~grader.errors.StudentError`. :class:`KernelSession` gives the same answers, by
passing every request and every answer through the wire format, so a check cannot tell
the kernel from a runner and one set of checks serves both.
"""

from __future__ import annotations

import traceback
from collections.abc import MutableMapping
from typing import Any

from grader.errors import StudentError
from grader.remote import RunnerSession
from grader.sandbox import protocol

#: A frame's header (the protocol's magic, then the body's length) before its payload.
_FRAME_HEADER_BYTES = len(protocol.MAGIC) + 4
_MAX_REPR = 500
_MAX_ITEMS = 10_000


def _through_the_wire(message: dict[str, Any], to_handle: Any = None) -> dict[str, Any]:
    """Give ``message`` as the other side would receive it: encoded, then decoded."""
    frame = protocol.encode_frame(message, to_handle=to_handle)
    return protocol.decode_frame(frame[_FRAME_HEADER_BYTES:])


class KernelSession(RunnerSession):
    """A runner session whose runner is this process, answering from ``namespace``.

    Only requests are served: there are no cells to run (the student ran them), no time
    budgets (the student can interrupt their own kernel) and no process to end.
    """

    def __init__(self, namespace: MutableMapping[str, Any]) -> None:
        # Not RunnerSession.__init__: that forks a runner, and the runner is this kernel.
        self._namespace = namespace
        self._handles: dict[int, Any] = {}
        self.gone = None
        self.overruns = []
        self.missing_protections = []
        self.confined = False

    def request(self, op: str, **fields: Any) -> Any:
        """Answer as a runner would: data as copies, other objects as remote handles."""
        asked = _through_the_wire({"op": op, **fields})
        try:
            value = self._answer(asked)
        except Exception as error:
            raise StudentError(
                type(error).__name__,
                str(error)[:2000],
                "".join(traceback.format_exception(error))[-6000:],
            ) from None
        answer = _through_the_wire({"value": value}, to_handle=self._to_handle)
        return self._to_local(answer["value"])

    def close(self) -> str:
        return "the student's own kernel"

    def _to_handle(self, value: Any) -> protocol.Handle:
        handle_id = len(self._handles) + 1
        self._handles[handle_id] = value
        kind = type(value)
        try:
            text = repr(value)[:_MAX_REPR]
        except Exception:
            text = f"<{kind.__name__}>"
        return protocol.Handle(handle_id, f"{kind.__module__}.{kind.__qualname__}", text)

    def _resolve(self, value: Any) -> Any:
        if isinstance(value, protocol.Ref):
            if value.id not in self._handles:
                raise LookupError(f"no handle {value.id}")
            return self._handles[value.id]
        if isinstance(value, protocol.TensorValue):
            import tensorflow as tf

            return tf.constant(value.array)
        if isinstance(value, list):
            return [self._resolve(item) for item in value]
        if isinstance(value, tuple):
            return tuple(self._resolve(item) for item in value)
        if isinstance(value, dict):
            return {self._resolve(k): self._resolve(v) for k, v in value.items()}
        return value

    def _answer(self, request: dict[str, Any]) -> Any:
        op = request.get("op")
        if op == "get":
            name = str(request["name"])
            if name not in self._namespace:
                raise NameError(f"name {name!r} is not defined")
            return self._namespace[name]
        target = self._resolve(request.get("target"))
        if op == "getattr":
            return getattr(target, str(request["name"]))
        if op == "call":
            return target(*self._resolve(request["args"]), **self._resolve(request["kwargs"]))
        if op == "getitem":
            return target[self._resolve(request["key"])]
        if op == "len":
            return len(target)
        if op == "iter":
            return [item for item, _ in zip(target, range(_MAX_ITEMS), strict=False)]
        if op == "model":
            return model_as_data(target)
        raise ValueError(f"unknown request {op!r}")


def model_as_data(target: Any) -> dict[str, Any]:
    """A Keras model as a runner sends it: architecture and compile settings as JSON,
    weights as arrays (:mod:`grader.trusted` rebuilds it from these, as from a runner's)."""
    import json

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
    return value.item() if hasattr(value, "item") else str(value)
