"""What grading produces: cell runs, check outcomes, exercise and submission results.

All frozen dataclasses; :meth:`SubmissionResult.to_json` and
:meth:`SubmissionResult.from_json` are the only way they are stored or travel.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field, replace
from typing import Any, Literal

from grader.feedback import Message

CellStatus = Literal["ok", "error", "timeout", "crashed", "not-run"]
Outcome = Literal["passed", "partial", "failed", "error", "not-answered"]
Visibility = Literal["public", "hidden"]


@dataclass(frozen=True)
class CellRun:
    """One chunk of the submission as it ran in the runner."""

    cell: int
    exercise: str | None
    status: CellStatus
    stdout: str = ""
    ename: str = ""
    evalue: str = ""
    traceback: str = ""
    seconds: float = 0.0
    #: The chunk's code as it ran, kept (capped, see :mod:`grader.results.shown`) so that pages
    #: are rendered from the store, never from a file that may have changed since.
    source: str = ""
    #: The images the chunk displayed (figures, ``display(Image(...))``), in order, each
    #: a MIME type and its base64 (checked, see :func:`grader.sandbox.wire.cell_images`).
    images: tuple[tuple[str, str], ...] = ()

    def error_at(self) -> tuple[int, int] | None:
        """The cell and line where the error was raised, as the traceback names them:
        its last frame in the notebook's own code (``Cell In[7], line 3``), if any."""
        found = _CELL_FRAME.findall(self.traceback[-_FRAME_SEARCH:])
        if not found:
            return None
        cell, line = found[-1]
        return int(cell), int(line)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CellRun:
        images = tuple((str(mime), str(b64)) for mime, b64 in data.get("images", ()))
        return cls(**{**data, "images": images})


# IPython names a notebook cell's frames so; the grader numbers the cells (runner.py).
_CELL_FRAME = re.compile(r"Cell In\[(\d{1,7})\], line (\d{1,7})")
# How far back from its end a traceback is searched: its last frames are at its end.
_FRAME_SEARCH = 8192


@dataclass(frozen=True)
class MarkdownCell:
    """A notebook's markdown cell as the student wrote it, kept to show on the page."""

    cell: int
    source: str
    #: Pasted images (cell attachments) by name, each a raster MIME type and its base64.
    attachments: dict[str, dict[str, str]] = field(default_factory=dict)


@dataclass(frozen=True)
class Overrun:
    """A time budget a submission used up, as the grader measured it."""

    exercise: str | None
    cell: int | None
    #: Which budget: "cpu", "wall", "total-cpu" or "total-wall" (see sandbox Limits).
    limit: str
    seconds: float

    def describe(self) -> str:
        """The overrun in a sentence for instructors and logs (students get messages.py's)."""
        what = {
            "cpu": "CPU time budget",
            "total-cpu": "CPU time budget for the whole submission",
            "wall": "wall-clock backstop",
            "total-wall": "wall-clock backstop for the whole submission",
        }.get(self.limit, "time limit")
        section = f"exercise {self.exercise}" if self.exercise else "the code before any exercise"
        cell = f", cell {self.cell}" if self.cell is not None else ""
        return f"used up its {self.seconds:g} s {what} ({section}{cell})"


@dataclass(frozen=True)
class CheckOutcome:
    """One check's verdict on one exercise of one submission."""

    exercise: str
    check: str
    title: Message
    visibility: Visibility
    outcome: Outcome
    points: float
    max_points: float
    message: Message | None = None
    diagnosis: str | None = None
    seconds: float = 0.0

    @property
    def passed(self) -> bool:
        return self.outcome == "passed"


@dataclass(frozen=True)
class ExerciseResult:
    """All checks of one exercise for one submission."""

    exercise: str
    answered: bool
    checks: tuple[CheckOutcome, ...]

    @property
    def points(self) -> float:
        return round(sum(check.points for check in self.checks), 6)

    @property
    def max_points(self) -> float:
        return round(sum(check.max_points for check in self.checks), 6)


@dataclass(frozen=True)
class SubmissionResult:
    """Everything grading found about one submission."""

    student: str
    path: str
    sha256: str
    bank_version: str
    exercises: tuple[ExerciseResult, ...]
    cells: tuple[CellRun, ...] = ()
    error: str | None = None
    notices: tuple[str, ...] = ()
    runner_status: str = ""
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)
    overruns: tuple[Overrun, ...] = ()
    #: The notebook's markdown cells, numbered as ``cells`` are, for the page.
    markdown: tuple[MarkdownCell, ...] = ()

    @property
    def points(self) -> float:
        return round(sum(exercise.points for exercise in self.exercises), 6)

    @property
    def max_points(self) -> float:
        return round(sum(exercise.max_points for exercise in self.exercises), 6)

    def exercise(self, exercise_id: str) -> ExerciseResult | None:
        return next((e for e in self.exercises if e.exercise == exercise_id), None)

    def only(self, exercise_id: str) -> SubmissionResult:
        """This result as graded for one exercise: its checks, and the cells of its section
        (with those of no section), for a question or a check that asks for that one."""
        return replace(
            self,
            exercises=tuple(e for e in self.exercises if e.exercise == exercise_id),
            cells=tuple(c for c in self.cells if c.exercise in (exercise_id, None)),
        )

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["points"] = self.points
        data["max_points"] = self.max_points
        for exercise, result in zip(data["exercises"], self.exercises, strict=True):
            exercise["points"] = result.points
            exercise["max_points"] = result.max_points
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SubmissionResult:
        exercises = tuple(
            ExerciseResult(
                exercise=e["exercise"],
                answered=e["answered"],
                checks=tuple(_check_from_json(c) for c in e["checks"]),
            )
            for e in data["exercises"]
        )
        return cls(
            student=data["student"],
            path=data["path"],
            sha256=data["sha256"],
            bank_version=data["bank_version"],
            exercises=exercises,
            cells=tuple(CellRun.from_json(cell) for cell in data.get("cells", [])),
            error=data.get("error"),
            notices=tuple(data.get("notices", [])),
            runner_status=data.get("runner_status", ""),
            seconds=data.get("seconds", 0.0),
            timings=dict(data.get("timings", {})),
            overruns=tuple(Overrun(**o) for o in data.get("overruns", [])),
            markdown=tuple(MarkdownCell(**m) for m in data.get("markdown", [])),
        )


def _check_from_json(data: dict[str, Any]) -> CheckOutcome:
    message = data.get("message")
    return CheckOutcome(
        exercise=data["exercise"],
        check=data["check"],
        title=Message(**data["title"]),
        visibility=data["visibility"],
        outcome=data["outcome"],
        points=data["points"],
        max_points=data["max_points"],
        message=Message(**message) if message else None,
        diagnosis=data.get("diagnosis"),
        seconds=data.get("seconds", 0.0),
    )


def best_answers(results: list[SubmissionResult]) -> list[SubmissionResult]:
    """One student's results from several files, each kept only for the exercises it answers
    best; every exercise of the first result appears exactly once across them.

    A student may answer one exercise per notebook, or the same one twice: an exercise's
    points are those of the file that answered it with the most points (the first such
    file on a tie), and an exercise no file answers is kept, unanswered, from the first.
    """
    winners: dict[str, int] = {}
    for index, result in enumerate(results):
        for exercise in result.exercises:
            best = winners.get(exercise.exercise)
            if best is None or _better(exercise, results[best].exercise(exercise.exercise)):
                winners[exercise.exercise] = index
    return [
        replace(
            result,
            exercises=tuple(e for e in result.exercises if winners.get(e.exercise) == index),
        )
        for index, result in enumerate(results)
    ]


def _better(candidate: ExerciseResult, incumbent: ExerciseResult | None) -> bool:
    if incumbent is None:
        return True
    return (candidate.answered, candidate.points) > (incumbent.answered, incumbent.points)
