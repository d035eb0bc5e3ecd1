"""The ``grader`` command: ``check`` for students; ``batch``, ``export``, ``validate``,
``release``, ``gradescope`` and ``prairielearn`` for instructors; ``ci`` for GitHub Actions."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import textwrap
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, get_args

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

import grader
from grader.course.bank import Bank, find_bank_root, load_bank
from grader.errors import GraderError
from grader.feedback import Language
from grader.sandbox.confinement import WALL_FACTOR, Limits
from grader.views import exports
from grader.views.gradescope import VISIBILITIES

if TYPE_CHECKING:
    from grader.platforms import autograder


class _WholeWordsFormatter(argparse.HelpFormatter):
    """Help folded between words only, so a default such as ``tf-grader==0.1.0`` reads
    as one word that can be copied, at any width."""

    def _split_lines(self, text: str, width: int) -> list[str]:
        return textwrap.wrap(" ".join(text.split()), width, break_on_hyphens=False)


class _Parser(argparse.ArgumentParser):
    """The command's parsers; each subcommand's parser is one too (argparse makes the
    subparsers of the class of their parent)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _WholeWordsFormatter)
        super().__init__(*args, **kwargs)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="grader", description=__doc__)
    _add_bank(parser, default=None)
    commands = parser.add_subparsers(dest="command", required=True)

    check = commands.add_parser("check", help="run the public checks on your work")
    check.add_argument("file", type=Path, help="your notebook (.ipynb) or module (.py)")
    _add_lang(check)
    _add_exercise(check)
    _add_budget(check)
    check.set_defaults(handler=_check)

    batch = commands.add_parser("batch", help="grade a whole class folder")
    batch.add_argument("folder", type=Path, help="folder of <student>.ipynb/.py or <student>/")
    batch.add_argument("--out", type=Path, required=True, help="where results and reports go")
    _add_jobs(batch)
    _add_budget(batch)
    batch.add_argument(
        "--cluster",
        metavar="ADDRESS",
        help="grade on a Dask distributed cluster (scheduler address, e.g. tcp://host:8786)",
    )
    _add_lang(batch)
    batch.set_defaults(handler=_batch)

    release = commands.add_parser("release", help="write the student material")
    release.add_argument("--out", type=Path, required=True, help="where the material goes")
    release.add_argument(
        "--grader-package",
        default=f"tf-grader=={grader.__version__}",
        help="what the autograding workflow pip-installs when no instructor bank is "
        "checked out (default: %(default)s)",
    )
    release.set_defaults(handler=_release)
    _add_ci(commands)
    _add_export(commands)
    _add_gradescope(commands)
    _add_prairielearn(commands)

    validate = commands.add_parser("validate", help="prove every check of the bank sound")
    validate.add_argument("exercises", nargs="*", help="only these exercise ids")
    _add_jobs(validate)
    _add_budget(validate)
    validate.set_defaults(handler=_validate)
    for command in _subcommands(parser):
        _add_bank(command, default=argparse.SUPPRESS)
    return parser


def _subcommands(parser: argparse.ArgumentParser) -> Iterator[argparse.ArgumentParser]:
    """Every subcommand's parser below ``parser``, ``gradescope`` and its actions alike."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for command in action.choices.values():
                yield command
                yield from _subcommands(command)


# The options more than one subcommand takes: each declared once, here, and added to a
# subcommand's parser by one call.


def _add_bank(parser: argparse.ArgumentParser, default: Any) -> None:
    """``--bank``, which is taken before the subcommand or after it (``SUPPRESS`` keeps
    a subcommand that is not given it from blanking the one given before)."""
    parser.add_argument(
        "--bank",
        type=Path,
        default=default,
        help="the course folder holding exercises/ "
        "(default: the nearest one at or above the current folder)",
    )


def _add_lang(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--lang",
        choices=get_args(Language),
        default="ko",
        help="the language of the feedback and reports (default ko)",
    )


def _add_jobs(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--jobs", type=int, default=1, help="worker processes (default 1)")


def _add_exercise(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--exercise", metavar="ID", help="this exercise only (e.g. one_hot)")


def _add_hidden_visibility(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--hidden-visibility",
        choices=VISIBILITIES,
        default="after_published",
        help="when Gradescope shows students the hidden checks (default %(default)s)",
    )


def _add_budget(parser: argparse.ArgumentParser) -> None:
    """The time each exercise may use, and whether an unconfined runner will do."""
    parser.add_argument(
        "--timeout",
        type=float,
        default=Limits.cpu_seconds,
        metavar="SECONDS",
        help="CPU seconds each exercise's cells and checks may use, whatever the machine's "
        "load (default %(default)g; an exercise.toml may ask for more)",
    )
    parser.add_argument(
        "--trust-submissions",
        action="store_true",
        help="grade even where runners cannot be confined (no namespaces): only for "
        "submissions you trust not to read the bank or your files",
    )
    parser.add_argument(
        "--wall-timeout",
        type=float,
        default=None,
        metavar="SECONDS",
        help="wall-clock seconds an exercise may take, a backstop against code that waits "
        f"without computing (default: {WALL_FACTOR} times --timeout, at least "
        f"{Limits.wall_seconds:g})",
    )


def _add_ci(commands: Any) -> None:
    ci = commands.add_parser(
        "ci",
        help="grade in GitHub Actions: job summary, annotations, JUnit XML, Classroom points",
    )
    ci.add_argument(
        "paths",
        nargs="*",
        type=Path,
        help="files to grade (default: those the pull request or push adds or changes)",
    )
    ci.add_argument("--all", action="store_true", help="grade every submission in the repository")
    ci.add_argument("--junit", type=Path, help="also write a JUnit XML report here")
    policy = ci.add_mutually_exclusive_group()
    policy.add_argument(
        "--fail-under",
        type=_percentage,
        metavar="PERCENT",
        help="fail when the score is below PERCENT of the points "
        "(default: fail when an answered exercise loses points)",
    )
    policy.add_argument("--never-fail", action="store_true", help="exit 0 whatever the score")
    _add_lang(ci)
    _add_budget(ci)
    ci.set_defaults(handler=_ci)


def _percentage(text: str) -> float:
    """``--fail-under``'s value: a number from 0 to 100, else a usage error."""
    value = float(text)
    if not 0 <= value <= 100:
        raise argparse.ArgumentTypeError(f"a percentage is between 0 and 100, not {text}")
    return value


def _add_export(commands: Any) -> None:
    export = commands.add_parser("export", help="grade files from a batch's results.sqlite")
    export.add_argument("results", type=Path, help="the batch's --out folder or its results.sqlite")
    export.add_argument("--format", choices=list(exports.FORMATS), required=True)
    export.add_argument(
        "--out",
        type=Path,
        help="where to write (default: grades.csv, canvas.csv, gradescope/ or junit.xml "
        "next to results.sqlite)",
    )
    _add_lang(export)
    export.add_argument(
        "--assignment", default="TensorFlow/Keras", help="the Canvas assignment column"
    )
    export.add_argument(
        "--roster", type=Path, help="a gradebook CSV exported from Canvas, to match students"
    )
    export.add_argument(
        "--canvas-columns",
        choices=["total", "exercise"],
        default="total",
        help="one Canvas assignment column for the total (default), or one per exercise "
        "named '<assignment>: <exercise>'",
    )
    _add_hidden_visibility(export)
    export.set_defaults(handler=_export)


def _add_gradescope(commands: Any) -> None:
    gradescope = commands.add_parser("gradescope", help="run this bank inside Gradescope")
    actions = gradescope.add_subparsers(dest="action", required=True)
    bundle = actions.add_parser("bundle", help="write setup.sh, run_autograder and the zip")
    bundle.add_argument("--out", type=Path, required=True)
    _add_budget(bundle)
    _add_lang(bundle)
    _add_hidden_visibility(bundle)
    bundle.set_defaults(handler=_gradescope_bundle)
    run = actions.add_parser("grade", help="grade one submission folder (run_autograder)")
    run.add_argument("submission", type=Path, help="the folder Gradescope unpacked it into")
    run.add_argument("--results", type=Path, required=True, help="where results.json goes")
    _add_budget(run)
    _add_lang(run)
    _add_hidden_visibility(run)
    run.set_defaults(handler=_gradescope_grade)


def _add_prairielearn(commands: Any) -> None:
    prairielearn = commands.add_parser("prairielearn", help="run this bank inside PrairieLearn")
    actions = prairielearn.add_subparsers(dest="action", required=True)
    course = actions.add_parser(
        "course", help="write a question per exercise, the bank and the grading image's files"
    )
    course.add_argument("--out", type=Path, required=True, help="the PrairieLearn course folder")
    course.add_argument("--image", required=True, help="the name the grading image is pushed under")
    course.add_argument(
        "--job-timeout",
        type=int,
        default=300,
        metavar="SECONDS",
        help="PrairieLearn's limit on a whole grading job (default %(default)s; at most 600)",
    )
    _add_budget(course)
    _add_lang(course)
    course.set_defaults(handler=_prairielearn_course)
    run = actions.add_parser("grade", help="grade one submission folder (the entrypoint)")
    run.add_argument(
        "submission",
        type=Path,
        nargs="?",
        default=Path("/grade/student"),
        help="the folder PrairieLearn put it in (default /grade/student)",
    )
    run.add_argument(
        "--results",
        type=Path,
        default=Path("/grade/results/results.json"),
        help="where results.json goes (default /grade/results/results.json)",
    )
    _add_exercise(run)
    _add_budget(run)
    _add_lang(run)
    run.set_defaults(handler=_prairielearn_grade)


def _limits(args: argparse.Namespace) -> Limits:
    """The budget ``--timeout`` and ``--wall-timeout`` give (see :meth:`Limits.from_timeouts`)."""
    return Limits.from_timeouts(args.timeout, args.wall_timeout)


def _check_jobs(args: argparse.Namespace) -> None:
    if args.jobs < 1:
        raise GraderError("--jobs must be at least 1")


def _bank(args: argparse.Namespace, *starts: Path, with_solutions: bool = True) -> Bank:
    """The bank ``--bank`` names, or the nearest one at or above ``starts`` (see
    :func:`grader.course.bank.find_bank_root`)."""
    return load_bank(args.bank or find_bank_root(*starts), with_solutions=with_solutions)


def _check(args: argparse.Namespace, console: Console) -> int:
    from grader.grading.grader import Grader, GradingOptions
    from grader.views.terminal import print_check_result, print_elapsed

    if not args.file.is_file():
        raise GraderError(f"{args.file} does not exist; give the path of your notebook or .py file")
    bank = _bank(args, args.file.parent, Path.cwd(), with_solutions=False)
    options = GradingOptions.for_check(_limits(args))
    if args.exercise is not None:
        bank.get(args.exercise)
    lang: Language = args.lang
    started = time.perf_counter()
    with console.status("TensorFlow …"), Grader(bank, options) as grader:
        result = grader.grade_file(args.file)
    if args.exercise is not None:
        result = result.only(args.exercise)
    print_check_result(console, result, bank, lang)
    for notice in grader.notices:
        console.print(f"[dim]note: {escape(notice)}[/dim]")
    print_elapsed(console, time.perf_counter() - started, lang)
    all_passed = result.error is None and all(c.passed for e in result.exercises for c in e.checks)
    return 0 if all_passed and result.exercises else 1


def _batch(args: argparse.Namespace, console: Console) -> int:
    from grader.grading.batch import run_batch
    from grader.grading.grader import GradingOptions

    if not args.folder.is_dir():
        raise GraderError(f"{args.folder} is not a folder of submissions")
    _check_jobs(args)
    if args.out.exists() and not args.out.is_dir():
        raise GraderError(f"--out {args.out} is a file; give a folder for results and reports")
    bank = _bank(args)
    options = GradingOptions.for_batch(_limits(args), trust_submissions=args.trust_submissions)
    started = time.perf_counter()
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=console, transient=False) as progress:
        task = progress.add_task("grading", total=None)

        def advance(done: int, total: int, student: str) -> None:
            if total == 0:
                progress.update(task, visible=False)
                return
            description = f"graded {student}" if student else "grading"
            progress.update(task, completed=done, total=total, description=description)

        summary = run_batch(
            bank,
            args.folder,
            args.out,
            options,
            jobs=args.jobs,
            cluster=args.cluster,
            lang=args.lang,
            progress=advance,
        )
    for notice in summary.notices:
        console.print(f"[yellow]note:[/yellow] {escape(notice)}")
    if summary.out_of_time:
        count = len(summary.out_of_time)
        console.print(
            f"[yellow]{count} submission{'s' if count > 1 else ''} ran out of time:[/yellow] "
            + escape(", ".join(summary.out_of_time)),
            markup=True,
            highlight=False,
        )
    console.print(
        f"{summary.students} students: {summary.graded} graded, {summary.skipped} unchanged "
        f"(kept) in {time.perf_counter() - started:.1f} s."
    )
    # A line of its own, never wrapped, so a terminal can open the path as it stands.
    console.print(f"Reports: {escape(str(args.out / 'index.html'))}", soft_wrap=True)
    if summary.interrupted:
        Console(stderr=True).print(_INTERRUPTED, highlight=False)
        return 130
    return 0


def _validate(args: argparse.Namespace, console: Console) -> int:
    from rich.table import Table

    from grader.grading.grader import GradingOptions
    from grader.grading.validate import verdicts

    _check_jobs(args)
    bank = _bank(args)
    for exercise_id in args.exercises:
        bank.get(exercise_id)
    options = GradingOptions.for_validate(_limits(args), trust_submissions=args.trust_submissions)
    table = Table(title=f"bank {bank.version}", title_justify="left")
    for column in ("exercise", "variant", "points", "sound", "problem"):
        table.add_column(column, justify="right" if column == "points" else "left")
    unsound = 0
    graded = verdicts(bank, options, args.jobs, args.exercises or None)
    with console.status("validating …"), contextlib.closing(graded):
        for verdict in graded:
            unsound += not verdict.sound
            table.add_row(
                verdict.exercise,
                verdict.variant,
                f"{verdict.points:g}/{verdict.max_points:g}",
                "[green]yes[/green]" if verdict.sound else "[red]NO[/red]",
                verdict.problem or "",
            )
    console.print(table)
    console.print(
        f"{unsound} unsound" if unsound else "every check is sound",
        style="bold red" if unsound else "bold green",
    )
    return 1 if unsound else 0


def _release(args: argparse.Namespace, console: Console) -> int:
    from grader.platforms.release import release

    bank = _bank(args, with_solutions=False)
    written = release(bank, args.out, grader_package=args.grader_package)
    console.print(f"{len(written)} files for {len(bank.exercises)} exercises in {args.out}")
    return 0


def _ci(args: argparse.Namespace, console: Console) -> int:
    from grader.platforms import actions
    from grader.views.github import Policy

    request = actions.Request(
        paths=tuple(args.paths),
        everything=args.all,
        bank=args.bank,
        lang=args.lang,
        policy=Policy(args.fail_under, args.never_fail),
        junit=args.junit,
        timeout=args.timeout,
        wall_timeout=args.wall_timeout,
        trust_submissions=args.trust_submissions,
    )
    return actions.run(request, print)


def _export(args: argparse.Namespace, console: Console) -> int:
    from grader.results.store import ResultsStore

    store_path = args.results / "results.sqlite" if args.results.is_dir() else args.results
    if not store_path.is_file():
        raise GraderError(f"{store_path} does not exist; run grader batch --out first")
    with ResultsStore(store_path) as store:
        results = store.results()
    if not results:
        raise GraderError(f"{store_path} holds no graded submission yet")
    out = args.out or store_path.parent / exports.FORMATS[args.format]
    unknown = exports.write_format(
        args.format,
        results,
        out,
        lang=args.lang,
        hidden_visibility=args.hidden_visibility,
        assignment=args.assignment,
        roster=args.roster,
        per_exercise=args.canvas_columns == "exercise",
    )
    for student in unknown:
        console.print(f"[yellow]note:[/yellow] {student} is not in {args.roster}")
    if args.format == "gradescope":
        console.print(f"{len(results)} results.json files in {out}")
    else:
        console.print(f"{len(results)} students in {out}")
    return 0


def _gradescope_bundle(args: argparse.Namespace, console: Console) -> int:
    from grader.platforms import gradescope

    bank = _bank(args)
    archive = gradescope.write_bundle(
        bank,
        args.out,
        timeout=args.timeout,
        lang=args.lang,
        hidden_visibility=args.hidden_visibility,
    )
    console.print(f"autograder for {len(bank.exercises)} exercises: upload {archive}")
    return 0


def _gradescope_grade(args: argparse.Namespace, console: Console) -> int:
    """Grade a Gradescope submission folder; whatever happens, leave a results.json saying so."""
    from grader.platforms import gradescope

    gradescope.grade(_job(args), hidden_visibility=args.hidden_visibility)
    return 0


def _job(args: argparse.Namespace) -> autograder.Job:
    """The autograder's job that ``gradescope grade`` or ``prairielearn grade`` names."""
    from grader.platforms import autograder

    return autograder.Job(
        folder=args.submission,
        results=args.results,
        bank=args.bank,
        lang=args.lang,
        timeout=args.timeout,
        wall_timeout=args.wall_timeout,
        trust_submissions=args.trust_submissions,
    )


def _prairielearn_course(args: argparse.Namespace, console: Console) -> int:
    from grader.platforms import prairielearn

    bank = _bank(args)
    written = prairielearn.write_course(
        bank,
        args.out,
        image=args.image,
        timeout=args.job_timeout,
        cpu_seconds=args.timeout,
        lang=args.lang,
    )
    console.print(
        f"{len(bank.exercises)} questions, the bank and the image's files "
        f"({len(written)} files) in {args.out}: build and push "
        f"{args.out / 'graders' / prairielearn.COURSE_FOLDER} as {args.image}"
    )
    return 0


def _prairielearn_grade(args: argparse.Namespace, console: Console) -> int:
    """Grade a PrairieLearn submission folder; whatever happens, leave a results.json."""
    from grader.platforms import prairielearn

    prairielearn.grade(_job(args), exercise=args.exercise)
    return 0


_INTERRUPTED = "grader: interrupted; graded submissions are kept"


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    args = _parser().parse_args(argv)
    console = Console(stderr=False, highlight=False)
    try:
        handler: Callable[[argparse.Namespace, Console], int] = args.handler
        return handler(args, console)
    except GraderError as error:
        # The message may name students' files, whose names are not console markup.
        message = escape(str(error))
        Console(stderr=True).print(f"[bold red]grader:[/bold red] {message}", highlight=False)
        return 2
    except KeyboardInterrupt:
        Console(stderr=True).print(_INTERRUPTED, highlight=False)
        return 130


def run() -> None:
    """The ``grader`` command: :func:`main`, then an exit that skips the interpreter's
    teardown, which with TensorFlow loaded costs a second after everything is written."""
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    run()
