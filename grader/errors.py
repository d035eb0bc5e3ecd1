"""Every error the grader raises on purpose.

Each message says what happened, to which file or student, and what to do.
"""

from __future__ import annotations

from grader.feedback import Message


class GraderError(Exception):
    """Base of every error the grader raises on purpose; printed without a traceback."""


class BankError(GraderError):
    """The exercise bank is missing, malformed, or names something that does not exist."""


class SubmissionError(GraderError):
    """A submission file cannot be read as a notebook or a Python module."""


class RefusedFile(SubmissionError):
    """A file a student handed in is not one the grader reads: a link, a FIFO, a device,
    or a path outside the folder it was handed in to.

    Its text is the student's message in Korean, then in English: the student's page shows
    a submission's error as it is, whatever language the page is read in.
    """

    def __init__(self, message: Message) -> None:
        super().__init__(f"{message.ko} / {message.en}")
        self.message = message


class ProtocolError(GraderError):
    """A runner sent something that is not a well-formed, data-only message.

    Raised on the grader side of the trust boundary; whatever caused it is discarded,
    never executed.
    """


class RunnerGone(GraderError):
    """The runner died, hung past its time limit, or was killed; it can answer no more."""

    def __init__(self, message: str, *, reason: str = "crashed") -> None:
        super().__init__(message)
        self.reason = reason


class StudentError(GraderError):
    """Student code raised while the grader was calling into it.

    Carries the exception's type name, message and traceback as text: the
    exception object itself never leaves the runner.
    """

    def __init__(self, ename: str, evalue: str, traceback: str = "") -> None:
        super().__init__(f"{ename}: {evalue}")
        self.ename = ename
        self.evalue = evalue
        self.traceback = traceback


class UnconfinedError(GraderError):
    """Runners cannot be confined on this machine, and the instructor did not say to grade
    anyway."""


class ZygoteError(GraderError):
    """The warm zygote process could not be started or stopped answering."""


class StoreError(GraderError):
    """The results store cannot be opened or written (permissions, full disk, corrupt file)."""
