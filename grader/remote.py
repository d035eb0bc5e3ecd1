"""The grader's side of a runner: a session that talks to it, and the ``student`` handle.

Runs on the **grader** side of the boundary. Every answer is decoded as data by
:mod:`grader.protocol`; every time limit is enforced here, whatever the runner
says. A runner that overruns, closes its socket, or sends anything malformed is
killed, and every later request fails fast with :class:`~grader.errors.RunnerGone`.
"""

from __future__ import annotations

import contextlib
import time
from typing import Any

from grader import protocol
from grader.errors import ProtocolError, RunnerGone, StudentError
from grader.results import CellRun, CellStatus
from grader.sandbox import Confinement
from grader.zygote import RunnerProcess, Zygote, describe_status

_GRACE_SECONDS = 3.0
_STARTUP_SECONDS = 60.0


class RunnerSession:
    """One submission's runner, from fork to exit, as the grader drives it."""

    def __init__(self, zygote: Zygote, confinement: Confinement) -> None:
        self._zygote = zygote
        self._limits = confinement.limits
        self._process: RunnerProcess = zygote.fork_runner(confinement)
        self._channel = protocol.Channel(self._process.sock)
        self._deadline = time.monotonic() + self._limits.wall_seconds
        self.gone: RunnerGone | None = None
        self.exit_status: int | None = None
        ready = self._exchange(None, timeout=_STARTUP_SECONDS)
        self.missing_protections: list[str] = list(ready.get("missing", []))

    # -- life cycle -------------------------------------------------------

    def close(self) -> str:
        """End the runner and give its exit status in words."""
        if self.gone is None:
            with contextlib.suppress(OSError):
                self._channel.send(protocol.encode_frame({"op": "exit"}))
        self.exit_status = self._zygote.wait(self._process, timeout=2.0)
        if self.gone is not None:
            return f"{self.gone} ({describe_status(self.exit_status)})"
        return describe_status(self.exit_status)

    def _kill(self, message: str, reason: str) -> RunnerGone:
        # A runner that closed its end has ended on its own: its exit status is still to
        # be read, so it is not killed; close() collects it (killing after a short wait).
        if reason != "exited":
            self._zygote.kill(self._process)
        self.gone = RunnerGone(message, reason=reason)
        return self.gone

    # -- requests ---------------------------------------------------------

    def run_cell(self, cell: int, exercise: str | None, source: str) -> CellRun:
        """Run one chunk of the submission; a runner that dies gives a 'crashed' run."""
        started = time.perf_counter()
        try:
            value = self._exchange(
                {"op": "run", "source": source}, timeout=self._limits.cell_seconds
            )
        except RunnerGone as gone:
            ended: CellStatus = "timeout" if gone.reason == "timeout" else "crashed"
            return CellRun(
                cell,
                exercise,
                ended,
                ename="RunnerGone",
                evalue=str(gone),
                seconds=time.perf_counter() - started,
            )
        if not isinstance(value, dict):
            raise self._kill("the runner's answer to a cell was not a record", "protocol")
        reported = value.get("error")
        error: dict[str, Any] = reported if isinstance(reported, dict) else {}
        status = value.get("status")
        if status not in ("ok", "error", "timeout"):
            raise self._kill(f"the runner reported an unknown cell status {status!r}", "protocol")
        if status == "timeout":
            error = {
                "ename": "TimeoutError",
                "evalue": f"the cell ran past its {self._limits.cell_seconds:g} s time limit",
                "traceback": "",
            }
        return CellRun(
            cell=cell,
            exercise=exercise,
            status=status,
            stdout=_text(value.get("stdout")),
            ename=_text(error.get("ename")),
            evalue=_text(error.get("evalue")),
            traceback=_text(error.get("traceback")),
            seconds=time.perf_counter() - started,
        )

    def request(self, op: str, **fields: Any) -> Any:
        """Ask the runner for something; give the answer as grader-side values."""
        return self._to_local(
            self._exchange({"op": op, **fields}, timeout=self._limits.cell_seconds)
        )

    def _exchange(self, message: dict[str, Any] | None, *, timeout: float) -> Any:
        if self.gone is not None:
            raise self.gone
        remaining = self._deadline - time.monotonic()
        limit = min(timeout + _GRACE_SECONDS, remaining)
        if limit <= 0:
            raise self._kill("the submission used up its wall-clock time limit", "timeout")
        try:
            if message is not None:
                self._channel.send(protocol.encode_frame(message))
            reply = self._channel.receive(timeout=limit)
        except TimeoutError:
            raise self._kill(f"the runner did not answer within {limit:.0f} s", "timeout") from None
        except EOFError:
            raise self._kill("the runner exited", "exited") from None
        except ProtocolError as error:
            raise self._kill(f"the runner sent a malformed message: {error}", "protocol") from None
        except OSError as error:
            raise self._kill(f"the runner's connection broke: {error}", "exited") from None
        if reply.get("ok") is True:
            return reply.get("value")
        failure = reply.get("error")
        if reply.get("ok") is False and isinstance(failure, dict):
            raise StudentError(
                _text(failure.get("ename")),
                _text(failure.get("evalue")),
                _text(failure.get("traceback")),
            )
        raise self._kill("the runner's answer has neither a value nor an error", "protocol")

    def _to_local(self, value: Any) -> Any:
        if isinstance(value, protocol.Handle):
            return RemoteObject(self, value)
        if isinstance(value, protocol.TensorValue):
            return _as_tensor(value.array)
        if isinstance(value, list):
            return [self._to_local(item) for item in value]
        if isinstance(value, tuple):
            return tuple(self._to_local(item) for item in value)
        if isinstance(value, dict):
            return {key: self._to_local(item) for key, item in value.items()}
        return value


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _as_tensor(array: Any) -> Any:
    import tensorflow as tf

    return tf.constant(array)


def _wire(value: Any) -> Any:
    """Prepare a grader-side argument for the wire: remote objects go back as references."""
    if isinstance(value, RemoteObject):
        return protocol.Ref(value._handle.id)
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

    def __init__(self, session: RunnerSession, handle: protocol.Handle) -> None:
        self._session = session
        self._handle = handle

    @property
    def remote_type(self) -> str:
        """The object's type in the runner, as ``module.QualName``."""
        return self._handle.type

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        return self._session.request("getattr", target=protocol.Ref(self._handle.id), name=name)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._session.request(
            "call",
            target=protocol.Ref(self._handle.id),
            args=_wire(list(args)),
            kwargs=_wire(kwargs),
        )

    def __getitem__(self, key: Any) -> Any:
        return self._session.request(
            "getitem", target=protocol.Ref(self._handle.id), key=_wire(key)
        )

    def __len__(self) -> int:
        length = self._session.request("len", target=protocol.Ref(self._handle.id))
        if not isinstance(length, int):
            raise TypeError("the runner's len() was not an integer")
        return length

    def __iter__(self) -> Any:
        items = self._session.request("iter", target=protocol.Ref(self._handle.id))
        return iter(items if isinstance(items, list) else [])

    def __repr__(self) -> str:
        return f"<student {self._handle.type}: {self._handle.repr}>"


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
            return session.request("get", name=name)
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


class MissingName(AttributeError):
    """The submission does not define a name a check asked for."""

    def __init__(self, name: str, exercise: str, trouble: str | None = None) -> None:
        super().__init__(f"the submission does not define {name!r} (exercise {exercise!r})")
        self.missing = name
        self.exercise = exercise
        #: What went wrong in the exercise's own cells, if anything did.
        self.trouble = trouble
