"""Every exception the framework raises on purpose, in three families.

* :class:`GraderError`: the grader cannot do its work (a bank, a file, a store, a
  machine that cannot confine a runner); the command line prints it and exits 2.
* :class:`SubmissionFailed`: what a submission did to itself (it raised, it ran out of
  time, its runner crashed); graded, never the grader failing.
* Check outcomes, as pytest's ``outcomes.py`` has them: :class:`CheckFailed` and
  :class:`PartialCredit` (a check's verdict), :class:`NotAnswered`, :class:`NotRun`,
  :class:`MissingName`, :class:`RefusedModel` (why a check could not judge).

Each message says what happened, to which file or student, and what to do.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from grader.feedback import Message
    from grader.grading.trusted import Refusal
    from grader.results.model import Overrun


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


class BudgetSpent(StudentError):
    """The section's time ran out: during the request, or before it, in which case the
    request was not sent to the runner."""

    def __init__(self, overrun: Overrun) -> None:
        super().__init__("TimeoutError", overrun.describe())
        self.overrun = overrun


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


class CheckNotRun(GraderError):
    """``grader.check`` in a student's kernel could not run the checks at all;
    ``message`` tells the student why."""

    def __init__(self, message: Message) -> None:
        super().__init__(message.en)
        self.message = message


# -- check outcomes ---------------------------------------------------------------


class CheckFailed(AssertionError):
    """A check's verdict that the answer is wrong, with bilingual feedback."""

    def __init__(self, message: Message, diagnosis: str | None = None) -> None:
        super().__init__(message.en)
        self.message = message
        self.diagnosis = diagnosis


class PartialCredit(CheckFailed):
    """A check's verdict that the answer is partly right: it earns ``fraction`` of the points."""

    def __init__(self, fraction: float, message: Message, diagnosis: str | None = None) -> None:
        if not 0.0 <= fraction <= 1.0:
            raise ValueError(f"partial credit fraction must be within [0, 1], got {fraction}")
        super().__init__(message, diagnosis)
        self.fraction = fraction


class NotAnswered(Exception):
    """The submission has no section for the exercise this check belongs to."""

    def __init__(self, exercise: str) -> None:
        super().__init__(f"no answer for exercise {exercise!r}")
        self.exercise = exercise


class NotRun(Exception):
    """The submission could not be run at all (unreadable file, runner failed to start)."""


class MissingName(AttributeError):
    """The submission does not define a name a check asked for.

    An AttributeError, so that ``getattr(student, name, default)`` in a check works.
    """

    def __init__(self, name: str, exercise: str, trouble: str | None = None) -> None:
        super().__init__(f"the submission does not define {name!r} (exercise {exercise!r})")
        self.missing = name
        self.exercise = exercise
        #: What went wrong in the exercise's own cells, if anything did.
        self.trouble = trouble


class RefusedModel(Exception):
    """The runner's answer is not a model the grader will rebuild."""

    def __init__(self, refusal: Refusal) -> None:
        super().__init__(refusal.message.en)
        self.refusal = refusal
