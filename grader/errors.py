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


class SubmissionFailed(Exception):
    """Base of what a submission did to itself: it raised, ran out of time, crashed.

    Never a :class:`GraderError`: a student's failure is graded, it is not the grader
    failing, and the command line does not exit as if it were.
    """


class StudentError(SubmissionFailed):
    """Student code raised while the grader was calling into it.

    Carries the exception's type name, message and traceback as text: the
    exception object itself never leaves the runner.
    """

    def __init__(self, ename: str, evalue: str, traceback: str = "") -> None:
        super().__init__(f"{ename}: {evalue}")
        self.ename = ename
        self.evalue = evalue
        self.traceback = traceback


class RunnerGone(SubmissionFailed):
    """The runner can answer no more; which subclass says why."""


class RunnerTimedOut(RunnerGone):
    """The runner ran past its section's time budget and did not stop when told: killed."""


class RunnerCrashed(RunnerGone):
    """The runner exited or its connection broke (``os._exit``, a segfault, a signal)."""


class RunnerOutOfMemory(RunnerGone):
    """The runner passed its memory limit and the kernel ended it."""


class RunnerMisbehaved(RunnerGone):
    """The runner sent what the protocol does not allow: killed, its message discarded."""


class UnconfinedError(GraderError):
    """Runners cannot be confined on this machine, and the instructor did not say to grade
    anyway."""


class ZygoteError(GraderError):
    """The warm zygote process could not be started or stopped answering."""


class StoreError(GraderError):
    """The results store cannot be opened or written (permissions, full disk, corrupt file)."""
