"""What a check holds of the runner: the ``student`` namespace and its remote objects.

A check asks ``student.one_hot(labels, 10)`` and gets data back; the request goes through
the submission's :class:`~grader.sandbox.session.RunnerSession`, and the answer is made a
grader-side value here: a tensor value a tensor (once its size is within limits), a
handle a :class:`RemoteObject` whose attributes, calls and items are requests again.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from grader.errors import MissingName, ProtocolError, StudentError
from grader.sandbox import wire
from grader.sandbox.requests import Op
from grader.sandbox.session import RunnerSession


def ask(session: RunnerSession, op: Op, **fields: Any) -> Any:
    """Ask the runner; give its answer as grader-side values."""
    return _to_local(session, session.request(op, **fields))


def _to_local(session: RunnerSession, value: Any) -> Any:
    if isinstance(value, wire.Handle):
        return RemoteObject(session, value)
    if isinstance(value, wire.TensorValue):
        return _as_tensor(value.array)
    if isinstance(value, list):
        return [_to_local(session, item) for item in value]
    if isinstance(value, tuple):
        return tuple(_to_local(session, item) for item in value)
    if isinstance(value, dict):
        return {key: _to_local(session, item) for key, item in value.items()}
    return value


#: Most elements of a tensor rebuilt in the grader; strings cost TensorFlow far more
#: per element than their bytes (an object each), so they have a lower cap.
MAX_TENSOR_ELEMENTS = 16 * 1024 * 1024
MAX_STRING_TENSOR_ELEMENTS = 1024 * 1024
_TENSOR_KINDS = frozenset("biufcSU")


def _as_tensor(array: Any) -> Any:
    """Give a runner's tensor value as a grader-side tensor, once it is known to be data of a
    size TensorFlow can hold; raise ProtocolError otherwise."""
    if not isinstance(array, np.ndarray) or array.dtype.kind not in _TENSOR_KINDS:
        kind = getattr(getattr(array, "dtype", None), "kind", type(array).__name__)
        raise ProtocolError(f"the runner's tensor value is not a plain array ({kind})")
    if array.dtype.itemsize == 0:
        # A zero-width string dtype claims any number of elements in no bytes at all.
        raise ProtocolError(f"the runner's tensor value has zero-width items ({array.dtype})")
    cap = MAX_STRING_TENSOR_ELEMENTS if array.dtype.kind in "SU" else MAX_TENSOR_ELEMENTS
    if array.size > cap:
        raise ProtocolError(
            f"the runner's tensor value has {array.size} elements, over the {cap}-element limit"
        )
    import tensorflow as tf

    return tf.constant(array)


def _wire(value: Any) -> Any:
    """Prepare a grader-side argument for the wire: remote objects go back as references."""
    if isinstance(value, RemoteObject):
        return wire.Ref(value._handle.id)
    if isinstance(value, list):
        return [_wire(item) for item in value]
    if isinstance(value, tuple):
        return tuple(_wire(item) for item in value)
    if isinstance(value, dict):
        return {key: _wire(item) for key, item in value.items()}
    return value


class RemoteObject:
    """An object that lives in the runner: attribute access, calls and indexing go there."""

    __slots__ = ("_handle", "_session")

    def __init__(self, session: RunnerSession, handle: wire.Handle) -> None:
        self._session = session
        self._handle = handle

    @property
    def remote_type(self) -> str:
        """The object's type in the runner, as ``module.QualName``."""
        return self._handle.type

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        return ask(self._session, Op.GETATTR, target=wire.Ref(self._handle.id), name=name)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return ask(
            self._session,
            Op.CALL,
            target=wire.Ref(self._handle.id),
            args=_wire(list(args)),
            kwargs=_wire(kwargs),
        )

    def __getitem__(self, key: Any) -> Any:
        return ask(self._session, Op.GETITEM, target=wire.Ref(self._handle.id), key=_wire(key))

    def __len__(self) -> int:
        length = ask(self._session, Op.LEN, target=wire.Ref(self._handle.id))
        if not isinstance(length, int):
            raise TypeError("the runner's len() was not an integer")
        return length

    def __iter__(self) -> Any:
        items = ask(self._session, Op.ITER, target=wire.Ref(self._handle.id))
        return iter(items if isinstance(items, list) else [])

    def __repr__(self) -> str:
        return f"<student {self._handle.type}: {self._handle.repr}>"


def model_data(value: RemoteObject) -> Any:
    """What the runner sends for a model handle: configuration and weights, believed by no one.

    :mod:`grader.grading.trusted` validates the answer and rebuilds the model on the grader's side.
    """
    return ask(value._session, Op.MODEL, target=wire.Ref(value._handle.id))


class StudentNamespace:
    """The ``student`` fixture: the submission's names, as they stood when its section ended.

    ``student.one_hot(labels, 10)`` runs in the runner and gives back data;
    ``student.model`` gives a :class:`RemoteObject`. A name the submission does not
    define raises :class:`MissingName` (an AttributeError, so ``hasattr`` works).
    """

    def __init__(self, session: RunnerSession, exercise: str, trouble: str | None = None) -> None:
        object.__setattr__(self, "_session", session)
        object.__setattr__(self, "_exercise", exercise)
        object.__setattr__(self, "_trouble", trouble)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        session: RunnerSession = object.__getattribute__(self, "_session")
        try:
            return ask(session, Op.GET, name=name)
        except StudentError as error:
            if error.ename == "NameError":
                raise MissingName(
                    name,
                    object.__getattribute__(self, "_exercise"),
                    object.__getattribute__(self, "_trouble"),
                ) from None
            raise

    def __repr__(self) -> str:
        return f"<student answers to {object.__getattribute__(self, '_exercise')!r}>"
