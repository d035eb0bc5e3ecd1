"""The student's own kernel as a runner session: checks ask it for names, in this process.

``grader.check("one_hot")`` in Jupyter or Colab runs public checks on the student's own
machine, on the kernel's current names. There is no boundary to keep there (the code and
the checks are the student's to read), but the checks are written against a runner's
answers: data comes back as copies (tensors as tensors, arrays as arrays), anything else
as a :class:`~grader.grading.proxies.RemoteObject`, and a missing name or a raising call as a
:class:`~grader.errors.StudentError`. :class:`KernelSession` gives the same answers, by
passing every request and every answer through the wire format, so a check cannot tell
the kernel from a runner and one set of checks serves both.
"""

from __future__ import annotations

import traceback
from collections.abc import MutableMapping
from typing import Any

from grader.errors import StudentError
from grader.sandbox import wire
from grader.sandbox.requests import Answers, Op
from grader.sandbox.session import RunnerSession


def _through_the_wire(message: dict[str, Any], to_handle: Any = None) -> dict[str, Any]:
    """Give ``message`` as the other side would receive it: encoded, then decoded."""
    frame = wire.encode_frame(message, to_handle=to_handle)
    return wire.decode_frame(frame[wire.HEADER.size :])


class KernelSession(RunnerSession):
    """A runner session whose runner is this process, answering from ``namespace``.

    Only requests are served: there are no cells to run (the student ran them), no time
    budgets (the student can interrupt their own kernel) and no process to end.
    """

    def __init__(self, namespace: MutableMapping[str, Any]) -> None:
        # Not RunnerSession.__init__: that forks a runner, and the runner is this kernel.
        self._answers = Answers(namespace)
        self.gone = None
        self.overruns = []
        self.missing_protections = []
        self.confined = False

    def request(self, op: Op, **fields: Any) -> Any:
        """Answer as a runner would: data as copies, other objects as handles."""
        asked = _through_the_wire({"op": op, **fields})
        try:
            value = self._answers.answer(asked)
        except Exception as error:
            raise StudentError(
                type(error).__name__,
                str(error)[:2000],
                "".join(traceback.format_exception(error))[-6000:],
            ) from None
        return _through_the_wire({"value": value}, to_handle=self._answers.to_handle)["value"]

    def close(self) -> str:
        return "the student's own kernel"
