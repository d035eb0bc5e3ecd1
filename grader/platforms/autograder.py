"""What Gradescope's and PrairieLearn's grading share: a student's folder, unpacked by the
platform, graded in the autograder's mode against the instructor's bank.

Each platform turns what this gives into its own ``results.json``
(:mod:`grader.platforms.gradescope`, :mod:`grader.platforms.prairielearn`), and must
write one whatever happens: the student is waiting for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from grader.course.bank import Bank, find_bank_root, load_bank
from grader.course.submission import files_in, select_submissions
from grader.course.untrusted_files import refused_below
from grader.errors import GraderError
from grader.feedback import Language
from grader.results.model import SubmissionResult
from grader.sandbox.confinement import Limits


@dataclass(frozen=True)
class Job:
    """One submission folder to grade, where its ``results.json`` goes, and how.

    The times are kept as given (``--timeout``, ``--wall-timeout``) rather than as
    :class:`Limits`, so that a time the bundle got wrong is reported in the results file
    like every other fault, not only on a log the student never sees.
    """

    folder: Path
    results: Path
    #: The bank's folder; by default the nearest one at or above the current folder.
    bank: Path | None = None
    lang: Language = "ko"
    timeout: float = Limits.cpu_seconds
    wall_timeout: float | None = None
    trust_submissions: bool = False

    def load_bank(self) -> Bank:
        """The instructor's bank, with its solutions and hidden checks."""
        return load_bank(self.bank or find_bank_root())


@dataclass(frozen=True)
class Graded:
    """A job's results, one per file graded, and the notes the student reads above them."""

    results: list[SubmissionResult]
    notes: tuple[str, ...]


def submissions_in(folder: Path) -> tuple[list[Path], list[str]]:
    """The files of an autograder's submission folder to grade, and a note for each other
    one: links, FIFOs and devices are never read, and the student is told which and why."""
    chosen, passed_over = select_submissions(files_in(folder))
    refused = [f"{path.relative_to(folder)}: {why}" for path, why in refused_below(folder)]
    return chosen, [*refused, *passed_over]


def grade(job: Job, bank: Bank, chosen: list[Path], passed_over: list[str]) -> Graded:
    """The results of the ``chosen`` files of ``job``, graded with hidden checks in runners
    that see neither the submission folder nor where the results go."""
    # Imported here: it brings pytest and the sandbox, which the command line's start
    # and the bundles' writing do without.
    from grader.grading.grader import Grader, GradingOptions

    options = GradingOptions.for_autograder(
        Limits.from_timeouts(job.timeout, job.wall_timeout),
        job.folder,
        job.results,
        trust_submissions=job.trust_submissions,
    )
    with Grader(bank, options) as warm:
        results = warm.grade_answers(chosen)
        return Graded(results, (*passed_over, *warm.notices))


def could_not_grade(error: Exception) -> str:
    """What the student reads when grading failed for a reason of the grader's: a bank
    that cannot load, a bad budget, or a fault in the grader itself."""
    what = str(error) if isinstance(error, GraderError) else f"{type(error).__name__}: {error}"
    return f"The autograder could not grade this: {what}"
