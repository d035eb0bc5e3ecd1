"""The pytest plugin that runs checks: fixtures ``student`` and ``reference``, points, verdicts.

Checks are ordinary pytest test functions in ``exercises/<id>/test_*.py``
(public) and ``solutions/<id>/test_*.py`` (hidden). This plugin gives them their
fixtures, orders them by where the submission answers each exercise, and turns
each test's result into a :class:`~grader.results.model.CheckOutcome`.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import io
import os
import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal, Protocol

import numpy as np
import pytest

from grader import messages
from grader.errors import (
    BudgetSpent,
    CheckFailed,
    MissingName,
    NotAnswered,
    NotRun,
    PartialCredit,
    RunnerGone,
    StudentError,
)
from grader.feedback import Message
from grader.messages.known_errors import explain_error
from grader.results.model import CheckOutcome, Outcome, Visibility

HYPOTHESIS_PROFILE = "grader"


class GradingContext(Protocol):
    """What the plugin needs from whoever is grading one submission."""

    def check_file(self, path: Path) -> tuple[str, Visibility] | None: ...
    def position(self, exercise: str) -> int: ...
    def unanswered(self, exercise: str) -> bool: ...
    def student_for(self, exercise: str) -> Any: ...
    def reference_for(self, exercise: str) -> Any: ...
    def record(self, outcome: CheckOutcome) -> None: ...
    def collection_failed(self, where: str, text: str) -> None: ...


def register_hypothesis_profile() -> None:
    """Grading is reproducible: hypothesis draws the same examples on every run."""
    from hypothesis import HealthCheck, Phase, settings

    settings.register_profile(
        HYPOTHESIS_PROFILE,
        derandomize=True,
        database=None,
        deadline=None,
        max_examples=20,
        print_blob=False,
        report_multiple_bugs=False,
        # The first failing example is enough to grade; shrinking it costs seconds.
        phases=[Phase.explicit, Phase.reuse, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    settings.load_profile(HYPOTHESIS_PROFILE)


def pin_hypothesis_seed(item: pytest.Item, material: bytes = b"") -> None:
    """Give a hypothesis check the same examples on every run, in any process.

    The seed comes from the check's own id and ``material`` (see :func:`seed_material`),
    so it does not depend on which settings profile happened to be active when the
    check module was imported.
    """
    from hypothesis import is_hypothesis_test, seed

    function = getattr(item, "obj", None)
    if function is not None and is_hypothesis_test(function):
        seed(zlib.crc32(material + item.nodeid.split("::", 1)[-1].encode()))(function)


@functools.cache
def _bank_secret(root: Path, version: str) -> bytes:
    """A secret of the bank: a digest of the files only instructors keep.

    Students never see ``solutions/``, so they cannot compute it; the bank's version,
    shown on reports, is a different digest and gives nothing of it away.
    """
    digest = hashlib.sha256(f"grader hidden inputs {version}\n".encode())
    folder = root / "solutions"
    for path in sorted(folder.rglob("*")) if folder.is_dir() else []:
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
    return digest.digest()


def seed_material(context: object) -> bytes:
    """What a submission's hidden inputs are drawn from: the bank's secret and its hash.

    A rerun of the same file draws the same inputs; another student's file draws others,
    so inputs learnt from one's own run (by logging the grader's calls) tell nobody else
    anything. A context that knows no submission (a unit test's) gives fixed inputs.
    """
    submission = getattr(context, "submission", None)
    bank = getattr(getattr(context, "grader", None), "bank", None)
    secret = b""
    if bank is not None and hasattr(bank, "root") and hasattr(bank, "version"):
        secret = _bank_secret(Path(bank.root), str(bank.version))
    return secret + str(getattr(submission, "sha256", "")).encode()


def hidden_rng(material: bytes, check: str) -> np.random.Generator:
    """The random generator of one check for one submission (see :func:`seed_material`)."""
    digest = hashlib.sha256(material + b"\0" + check.encode()).digest()
    return np.random.default_rng(int.from_bytes(digest[:16], "big"))


class CheckPlugin:
    """Registered with ``pytest.main(plugins=[CheckPlugin(context)])`` for one submission."""

    def __init__(self, context: GradingContext) -> None:
        self._context = context
        #: The outcomes of each exercise whose checks were not run (see _skip_unanswered).
        self.not_answered: dict[str, tuple[CheckOutcome, ...]] = {}

    def _where(self, node: pytest.Item) -> tuple[str, Visibility]:
        found = self._context.check_file(Path(str(node.path)))
        if found is None:
            raise RuntimeError(f"{node.path} is not a check file of the bank")
        return found

    @pytest.fixture(scope="module")
    def student(self, request: pytest.FixtureRequest) -> Any:
        """The submission's namespace for the check file's exercise, one per file, so that
        a check file's own module-scoped fixtures (a model trained once for all its checks)
        can ask for it."""
        exercise, _ = self._where(request.node)
        return self._context.student_for(exercise)

    @pytest.fixture
    def reference(self, request: pytest.FixtureRequest) -> Any:
        exercise, _ = self._where(request.node)
        return self._context.reference_for(exercise)

    @pytest.fixture
    def rng(self, request: pytest.FixtureRequest) -> np.random.Generator:
        """Random hidden inputs: the same on a rerun of a file, different for another file."""
        return hidden_rng(seed_material(self._context), request.node.nodeid.split("::", 1)[-1])

    def pytest_configure(self, config: pytest.Config) -> None:
        config.addinivalue_line("markers", "points(n): how many points the check is worth")
        register_hypothesis_profile()

    def pytest_collection_modifyitems(
        self, config: pytest.Config, items: list[pytest.Item]
    ) -> None:
        items.sort(key=lambda item: self._context.position(self._where(item)[0]))
        skipped = self._skip_unanswered(items)
        if skipped:
            config.hook.pytest_deselected(items=skipped)
            gone = set(map(id, skipped))
            items[:] = [item for item in items if id(item) not in gone]
        material = seed_material(self._context)
        for item in items:
            pin_hypothesis_seed(item, material)

    def _skip_unanswered(self, items: list[pytest.Item]) -> list[pytest.Item]:
        """Deselect the checks of each exercise the submission does not answer, and record
        their outcomes, "not answered", as running them would have.

        Running them would only set up ``student``, which raises
        :class:`~grader.errors.NotAnswered`, once per check: most of a submission's checks,
        for a notebook that answers one exercise of a course. An exercise is skipped only
        when every check of it would stop there (see :func:`stops_at_student`), so that its
        outcomes and their order are those of a run.
        """
        by_exercise: dict[str, list[pytest.Item]] = {}
        for item in items:
            by_exercise.setdefault(self._where(item)[0], []).append(item)
        skipped: list[pytest.Item] = []
        for exercise, checks in by_exercise.items():
            if self._context.unanswered(exercise) and all(map(stops_at_student, checks)):
                error = NotAnswered(exercise)
                self.not_answered[exercise] = tuple(self._outcome(c, error, 0.0) for c in checks)
                for outcome in self.not_answered[exercise]:
                    self._context.record(outcome)
                skipped += checks
        return skipped

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed:
            self._context.collection_failed(report.nodeid, str(report.longrepr)[-3000:])

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_makereport(
        self, item: pytest.Item, call: pytest.CallInfo[None]
    ) -> pytest.TestReport:
        """Record the check's outcome and answer with a short report.

        pytest's own report renders every failure's source and traceback, about 10 ms
        a failed check, for text no one reads: the verdict carries the feedback.
        """
        if call.when == "call" or (call.when == "setup" and call.excinfo is not None):
            error = call.excinfo.value if call.excinfo is not None else None
            self._context.record(self._outcome(item, error, call.duration))
        outcome: Literal["passed", "failed", "skipped"] = "passed"
        longrepr: Any = None
        if call.excinfo is not None:
            if call.excinfo.errisinstance(pytest.skip.Exception):
                outcome = "skipped"
                longrepr = (str(item.path), 0, str(call.excinfo.value))
            else:
                outcome, longrepr = "failed", f"{call.excinfo.typename}: {call.excinfo.value}"
        when = call.when
        assert when != "collect", "runtest reports are made for setup, call and teardown only"
        return pytest.TestReport(
            item.nodeid,
            item.location,
            {},
            outcome,
            longrepr,
            when,
            [],
            call.duration,
            call.start,
            call.stop,
        )

    def _outcome(
        self, item: pytest.Item, error: BaseException | None, seconds: float
    ) -> CheckOutcome:
        exercise, visibility = self._where(item)
        marker = item.get_closest_marker("points")
        max_points = float(marker.args[0]) if marker and marker.args else 1.0
        title = check_title(item)
        outcome: Outcome = "passed"
        fraction: float = 1.0
        message: Message | None = None
        diagnosis: str | None = None
        if error is not None:
            outcome, fraction, message, diagnosis = verdict(error, visibility, title)
        return CheckOutcome(
            exercise=exercise,
            check=f"{Path(str(item.path)).stem}::{item.name}",
            title=title,
            visibility=visibility,
            outcome=outcome,
            points=round(max_points * fraction, 6),
            max_points=max_points,
            message=message,
            diagnosis=diagnosis,
            seconds=seconds,
        )


#: Marks that do nothing before a check's first fixture is set up; any other (``skipif``,
#: ``usefixtures``, ``xfail``...) may end or change a check before ``student`` is reached.
_INERT_MARKS = frozenset({"points", "parametrize", "hypothesis"})


def stops_at_student(item: pytest.Item) -> bool:
    """Whether the plugin's ``student`` is the first fixture the check sets up.

    For a submission that does not answer the check's exercise, such a check ends in
    setting it up, with :class:`~grader.errors.NotAnswered`, before any other fixture, the
    check's body or hypothesis has run. pytest sets fixtures up in the order of
    ``fixturenames``, each after the fixtures it asks for; anything this does not follow
    (an unknown mark, a fixture that overrides another) counts as not stopping there.
    """
    if any(mark.name not in _INERT_MARKS for mark in item.iter_markers()):
        return False
    info = getattr(item, "_fixtureinfo", None)
    names: list[str] = list(getattr(item, "fixturenames", ()))
    if info is None or not names:
        return False
    name, seen = names[0], set[str]()
    while name not in seen:
        seen.add(name)
        definitions = info.name2fixturedefs.get(name)
        if not definitions:
            return False
        wanted = [arg for arg in definitions[-1].argnames if arg != "request"]
        if not wanted:
            # The plugin's fixtures are the ones without a node (baseid "").
            return name == "student" and definitions[-1].baseid == ""
        name = wanted[0]
    return False


def check_title(item: pytest.Item) -> Message:
    """A check's title from its docstring: lines ``ko: ...`` and ``en: ...``, or its first line."""
    function = getattr(item, "function", None)
    doc = (getattr(function, "__doc__", None) or "").strip()
    lines = [line.strip() for line in doc.splitlines() if line.strip()]
    by_language = {line[:2]: line[3:].strip() for line in lines if line[:3] in ("ko:", "en:")}
    fallback = lines[0] if lines else item.name.removeprefix("test_").replace("_", " ")
    return Message(ko=by_language.get("ko", fallback), en=by_language.get("en", fallback))


def verdict(
    error: BaseException, visibility: Visibility, title: Message
) -> tuple[Outcome, float, Message, str | None]:
    """What a check's exception means for the student: outcome, credit, message, diagnosis.

    Hidden checks never show an assertion's text or an exception's message, since
    either could carry the expected answer; authored feedback is shown as written.
    """
    if isinstance(error, PartialCredit):
        return "partial", error.fraction, error.message, error.diagnosis
    if isinstance(error, CheckFailed):
        return "failed", 0.0, error.message, error.diagnosis
    if isinstance(error, NotRun):
        return "error", 0.0, messages.submission_unreadable(str(error)), None
    if isinstance(error, NotAnswered):
        return "not-answered", 0.0, messages.not_answered(error.exercise), None
    if isinstance(error, MissingName):
        message = messages.missing_name(error.missing, error.exercise, error.trouble)
        return ("failed", 0.0, *_explained(message, error.trouble or ""))
    if isinstance(error, BudgetSpent):
        o = error.overrun
        return "failed", 0.0, messages.budget_ran_out(o.exercise, o.cell, o.limit, o.seconds), None
    if isinstance(error, StudentError):
        message = messages.student_raised(error.ename, error.evalue)
        return ("failed", 0.0, *_explained(message, f"{error.ename}: {error.evalue}"))
    if isinstance(error, RunnerGone):
        return "error", 0.0, messages.runner_gone(str(error)), None
    if isinstance(error, AssertionError):
        if visibility == "hidden":
            return "failed", 0.0, messages.hidden_failed(title), None
        return "failed", 0.0, messages.assertion(str(error).strip()[:1000]), None
    if visibility == "hidden":
        return "error", 0.0, messages.hidden_error(title, type(error).__name__), None
    return "error", 0.0, messages.check_error(type(error).__name__, str(error)), None


def _explained(message: Message, error_text: str) -> tuple[Message, str | None]:
    """``message`` with the beginner's reading of a known raw error put first, if it is one."""
    known = explain_error(error_text)
    if known is None:
        return message, None
    explanation, diagnosis = known
    return (
        Message(ko=f"{explanation.ko} {message.ko}", en=f"{explanation.en} {message.en}"),
        diagnosis,
    )


def run_checks(
    paths: Sequence[str], rootdir: Path, plugin: CheckPlugin, extra: Sequence[str] = ()
) -> int | pytest.ExitCode:
    """Run pytest on the check files with the plugin, quietly, as in a clean environment.

    Nothing but the bank's check files and the grader's own plugins is imported: pytest
    would otherwise import a ``conftest.py`` from every folder above the check files (a
    student's repository root in ``grader ci``, where the bank is the student's tree),
    read an ini file or ``PYTEST_ADDOPTS``, and load every plugin an installed
    distribution or ``PYTEST_PLUGINS`` names, which a student's folder on ``sys.path``
    can provide. Nothing is written into the course folder.
    """
    args = [
        *paths,
        "--noconftest",
        # Autoloading is off; hypothesis's own plugin is the grader's, so it loads by name.
        "-p",
        "_hypothesis_pytestplugin",
        "-p",
        "no:cacheprovider",
        "-p",
        "no:terminal",
        "-p",
        "no:timeout",
        # Its shutdown runs gc.collect() twice, which costs ~0.5 s with TensorFlow loaded.
        "-p",
        "no:unraisableexception",
        *extra,
        "--import-mode=importlib",
        f"--rootdir={rootdir}",
        "-c",
        os.devnull,
        "-W",
        "ignore::DeprecationWarning",
    ]
    sink = io.StringIO()
    clean = {"PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1", "PYTEST_ADDOPTS": None, "PYTEST_PLUGINS": None}
    saved = {name: os.environ.get(name) for name in clean}
    try:
        _set_environment(clean)
        with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
            return pytest.main(args, plugins=[plugin])
    finally:
        _set_environment(saved)


def _set_environment(values: dict[str, str | None]) -> None:
    for name, value in values.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
