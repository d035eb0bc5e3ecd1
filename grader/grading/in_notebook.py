"""``grader.check("one_hot")``: one exercise's public checks on a running kernel's names.

For the student in Jupyter or Colab, on their own machine: the checks run in the kernel's
own process, on its names as they are now (:class:`~grader.grading.kernel.KernelSession`), with no
runner and no sandbox, and the result is shown as a table under the cell. Only public
checks run, from the course folder the notebook sits in (the released material's
``exercises/``, as ``grader check`` finds it), never anything of ``solutions/``.

Inside the grader's own runner (a released notebook being graded) the call prints one
line and does nothing else: the grader checks the exercise itself.
"""

from __future__ import annotations

import difflib
import os
import sys
from collections.abc import MutableMapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import pytest

from grader import messages
from grader.course.bank import Bank, Exercise, find_bank_root, load_bank
from grader.errors import BankError, CheckNotRun
from grader.feedback import Language
from grader.grading.kernel import KernelSession
from grader.grading.plugin import CheckPlugin, register_hypothesis_profile, run_checks
from grader.grading.proxies import StudentNamespace
from grader.results.model import CheckOutcome, ExerciseResult, Visibility
from grader.views.notebook import CheckTable, message_html

#: Where a student who cannot pass ``lang=`` every time says which language they read.
LANGUAGE_VARIABLE = "GRADER_LANG"


def check(
    exercise: str,
    *,
    lang: str | None = None,
    bank: str | Path | None = None,
    namespace: MutableMapping[str, Any] | None = None,
) -> None:
    """Run ``exercise``'s public checks on this notebook's names and show the result.

    ``lang`` is ``"ko"`` (the default, or ``$GRADER_LANG``) or ``"en"``; ``bank`` is the
    course folder, found above the working folder (or ``$GRADER_BANK``) if not given;
    ``namespace`` is the names to check, the kernel's (or the caller's globals) if not given.
    """
    language = choose_language(lang)
    if inside_the_graders_runner():
        print(messages.check_skipped_while_grading(exercise).in_language(language))
        return
    names = namespace if namespace is not None else _callers_names(sys._getframe(1))
    try:
        table = public_checks(exercise, names, language=language, bank=bank)
    except CheckNotRun as problem:
        text = problem.message.in_language(language)
        _show(text, message_html(text))
        return
    _show(table.text(), table.html())


def public_checks(
    exercise: str,
    namespace: MutableMapping[str, Any],
    *,
    language: Language = "ko",
    bank: str | Path | None = None,
) -> CheckTable:
    """Give ``exercise``'s public checks run on ``namespace``; raise CheckNotRun if they cannot."""
    course = _course_bank(bank)
    found = _exercise(course, exercise)
    if not found.public_checks:
        raise CheckNotRun(messages.no_public_checks(found.id))
    run = _KernelRun(found, KernelSession(namespace))
    _run_pytest([str(path) for path in found.public_checks], course.root, CheckPlugin(run))
    if run.failures:
        raise BankError("a public check file fails to import:\n" + "\n".join(run.failures))
    result = ExerciseResult(found.id, True, tuple(run.outcomes))
    return CheckTable(found.title, result, language)


def choose_language(lang: str | None) -> Language:
    """``lang``, else ``$GRADER_LANG``, else Korean."""
    chosen = lang or os.environ.get(LANGUAGE_VARIABLE) or "ko"
    if chosen not in ("ko", "en"):
        choice = messages.language_choice()
        raise ValueError(f"{choice.en} ({choice.ko}), not {chosen!r}")
    return cast(Language, chosen)


def inside_the_graders_runner() -> bool:
    """Whether this kernel is the grader's runner, running a submission's cells."""
    shell = _shell()
    return shell is not None and type(shell).__module__ == "grader.sandbox.runner"


def _shell() -> Any:
    """The running IPython shell, if any; IPython is not imported to find out."""
    if "IPython" not in sys.modules:
        return None
    from IPython import get_ipython

    return get_ipython()


def _callers_names(frame: Any) -> MutableMapping[str, Any]:
    shell = _shell()
    names = shell.user_ns if shell is not None else frame.f_globals
    return cast(MutableMapping[str, Any], names)


def _course_bank(bank: str | Path | None) -> Bank:
    try:
        root = Path(bank) if bank is not None else find_bank_root(Path.cwd())
        return load_bank(root, with_solutions=False)
    except BankError:
        raise CheckNotRun(messages.bank_not_found()) from None


def _exercise(bank: Bank, exercise: str) -> Exercise:
    known = bank.ids()
    if exercise in known:
        return bank.get(exercise)
    close = difflib.get_close_matches(exercise, known, n=1, cutoff=0.6)
    raise CheckNotRun(messages.unknown_check_id(exercise, close[0] if close else None, known))


def _show(text: str, html: str) -> None:
    """Show the result under the cell: HTML where the frontend renders it, text elsewhere."""
    if _shell() is None:
        print(text)
        return
    from IPython.display import display

    display({"text/plain": text, "text/html": html}, raw=True)  # type: ignore[no-untyped-call]


@dataclass
class _KernelRun:
    """The GradingContext of one ``grader.check``: one exercise, public checks, this kernel."""

    exercise: Exercise
    session: KernelSession
    outcomes: list[CheckOutcome] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    def check_file(self, path: Path) -> tuple[str, Visibility] | None:
        public = {p.resolve() for p in self.exercise.public_checks}
        return (self.exercise.id, "public") if path.resolve() in public else None

    def position(self, exercise: str) -> int:
        return 0

    def unanswered(self, exercise: str) -> bool:
        # The student asked for this exercise's checks, on the names the kernel has now.
        return False

    def student_for(self, exercise: str) -> StudentNamespace:
        return StudentNamespace(self.session, exercise)

    def reference_for(self, exercise: str) -> Any:
        raise BankError(f"a public check of {exercise!r} asked for the reference solution")

    def record(self, outcome: CheckOutcome) -> None:
        self.outcomes.append(outcome)

    def collection_failed(self, where: str, text: str) -> None:
        self.failures.append(f"{where}: {text}")


#: pytest's own plugins that a check never needs; each costs a few ms of every call.
_UNUSED_PLUGINS = [
    f"-pno:{name}"
    for name in (
        "doctest",
        "junitxml",
        "pastebin",
        "legacypath",
        "stepwise",
        "setuponly",
        "setupplan",
        "logging",
        "faulthandler",
        "threadexception",
        "debugging",
    )
]


def _run_pytest(paths: list[str], rootdir: Path, plugin: CheckPlugin) -> None:
    """Run the check files as grading does, with pytest's output captured at the level of
    ``sys`` (a kernel's file descriptors are its front end's)."""
    register_hypothesis_profile()
    code = run_checks(paths, rootdir, plugin, [*_UNUSED_PLUGINS, "--capture=sys"])
    if code == pytest.ExitCode.INTERRUPTED:
        raise KeyboardInterrupt
