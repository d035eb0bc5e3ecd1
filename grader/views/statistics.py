"""What the class page tells of the class as a whole, computed from stored results: the
score distribution, the pass rate of each exercise and check, how many students made each
named mistake, and which students' names look like another's.

Numbers and names only; :mod:`grader.views.html` turns them into markup.
"""

from __future__ import annotations

import statistics
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

from grader.diagnoses import Diagnosis, describe
from grader.feedback import Message
from grader.results.model import ExerciseResult, SubmissionResult


@dataclass(frozen=True)
class ClassStats:
    count: int
    mean: float
    median: float
    max: float
    failed: int
    timeouts: int
    crashes: int
    seconds: float


@dataclass(frozen=True)
class CheckRate:
    exercise: str
    check: str
    title: Message
    rate: float


@dataclass(frozen=True)
class ExerciseRate:
    """An exercise across the class: the share of points earned by those who attempted it."""

    exercise: str
    rate: float
    attempted: int
    not_attempted: int


@dataclass(frozen=True)
class DiagnosisCount:
    """A named mistake and how many students it was found in."""

    exercise: str
    diagnosis: Diagnosis
    students: int


#: For each student, the exercises they did not attempt (see :mod:`grader.results.attempts`).
Skipped = Mapping[str, frozenset[str]]


def class_stats(results: list[SubmissionResult]) -> ClassStats:
    totals = [r.points for r in results]
    return ClassStats(
        count=len(results),
        mean=statistics.fmean(totals) if totals else 0.0,
        median=statistics.median(totals) if totals else 0.0,
        max=max((r.max_points for r in results), default=0.0),
        failed=sum(1 for r in results if r.error),
        timeouts=sum(1 for r in results for c in r.cells if c.status == "timeout"),
        crashes=sum(1 for r in results for c in r.cells if c.status == "crashed"),
        seconds=sum(r.seconds for r in results),
    )


def _attempted(result: SubmissionResult, skipped: Skipped | None) -> list[ExerciseResult]:
    left = (skipped or {}).get(result.student, frozenset())
    return [e for e in result.exercises if e.exercise not in left]


def check_rates(results: list[SubmissionResult], skipped: Skipped | None = None) -> list[CheckRate]:
    """Each check's pass rate among the students who attempted its exercise, the most
    often failed first."""
    passed: dict[tuple[str, str], int] = defaultdict(int)
    seen: dict[tuple[str, str], int] = defaultdict(int)
    titles: dict[tuple[str, str], Message] = {}
    for result in results:
        for exercise in _attempted(result, skipped):
            for check in exercise.checks:
                key = (check.exercise, check.check)
                seen[key] += 1
                passed[key] += check.passed
                titles[key] = check.title
    rates = [CheckRate(k[0], k[1], titles[k], passed[k] / seen[k]) for k in seen]
    return sorted(rates, key=lambda r: (r.rate, r.exercise, r.check))


def exercise_rates(
    results: list[SubmissionResult], order: list[str], skipped: Skipped | None = None
) -> list[ExerciseRate]:
    """Each exercise, in course order: the share of points earned by the students who
    attempted it, how many did and how many did not."""
    earned: dict[str, float] = defaultdict(float)
    possible: dict[str, float] = defaultdict(float)
    tried: Counter[str] = Counter()
    seen: Counter[str] = Counter()
    for result in results:
        seen.update(e.exercise for e in result.exercises)
        for exercise in _attempted(result, skipped):
            tried[exercise.exercise] += 1
            earned[exercise.exercise] += exercise.points
            possible[exercise.exercise] += exercise.max_points
    rates = {e: earned[e] / possible[e] if possible[e] else 0.0 for e in seen}
    return [ExerciseRate(e, rates[e], tried[e], seen[e] - tried[e]) for e in order if e in seen]


def diagnosis_counts(
    results: list[SubmissionResult],
    skipped: Skipped | None = None,
    named: Mapping[str, Mapping[str, Diagnosis]] | None = None,
) -> list[DiagnosisCount]:
    """How many students each named mistake was found in, the most common first; an
    exercise a student did not attempt holds none of their mistakes. ``named`` gives
    each exercise's own names for its mistakes (see :mod:`grader.diagnoses`)."""
    counts: Counter[tuple[str, str]] = Counter()
    for result in results:
        found = {
            (c.exercise, c.diagnosis)
            for e in _attempted(result, skipped)
            for c in e.checks
            if c.diagnosis and not c.passed
        }
        counts.update(found)
    return [
        DiagnosisCount(exercise, describe(slug, (named or {}).get(exercise)), n)
        for (exercise, slug), n in counts.most_common()
    ]


def histogram_buckets(results: list[SubmissionResult], bins: int = 10) -> list[tuple[str, int]]:
    """The score distribution: each bucket's label and how many students it holds.

    ``bins`` buckets of equal width (``"0–9%"`` … ``"90–99%"``) for scores short of full
    marks, then one ``"100%"`` bucket for full marks alone.
    """
    counts = [0] * (bins + 1)
    for result in results:
        if result.max_points and result.points >= result.max_points:
            counts[bins] += 1
            continue
        share = result.points / result.max_points if result.max_points else 0.0
        counts[min(int(share * bins), bins - 1)] += 1
    step = 100 / bins
    labels = [f"{round(i * step)}–{round((i + 1) * step) - 1}%" for i in range(bins)]
    return list(zip([*labels, "100%"], counts, strict=True))


#: Letters of other scripts that look like Latin ones (Unicode's confusables, the
#: letters a name is likely to hold); NFKD folds full-width and accented forms first.
_LOOKALIKES = str.maketrans(
    "аАвВеЕһҺіІјЈкКмМнНоОрРсСтТуУхХѕЅԁԛԝɡıαΑβΒεΕζΖηΗιΙκΚμΜνΝοΟρΡτΤυΥχΧℓ",
    "aABBeEhHiIjJkKmMhHoOpPcCtTyYxXsSdqwgiaABBeEZZnHiIkKuMvNoOpPtTuYxXl",
)


def name_skeleton(name: str) -> str:
    """What ``name`` looks like: look-alike letters folded to Latin, marks and invisible
    characters dropped, case folded."""
    folded = unicodedata.normalize("NFKD", name).translate(_LOOKALIKES)
    kept = (
        c
        for c in folded
        if not unicodedata.combining(c) and unicodedata.category(c) not in ("Cf", "Cc")
    )
    return "".join(kept).casefold()


def lookalike_names(names: list[str]) -> dict[str, list[str]]:
    """Names that are not plain ASCII and look like another student's, with those others."""
    groups: dict[str, list[str]] = defaultdict(list)
    for name in names:
        groups[name_skeleton(name)].append(name)
    return {
        name: [other for other in group if other != name]
        for group in groups.values()
        if len(set(group)) > 1
        for name in group
        if not name.isascii()
    }
