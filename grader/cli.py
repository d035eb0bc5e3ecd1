"""The ``grader`` command: ``check`` for students, ``batch`` for instructors."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from grader.bank import find_bank_root, load_bank
from grader.errors import GraderError
from grader.feedback import Language
from grader.sandbox import Limits


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="grader", description=__doc__)
    parser.add_argument(
        "--bank",
        type=Path,
        help="the course folder holding exercises/ "
        "(default: the nearest one at or above the current folder)",
    )
    commands = parser.add_subparsers(dest="command", required=True)

    check = commands.add_parser("check", help="run the public checks on your work")
    check.add_argument("file", type=Path, help="your notebook (.ipynb) or module (.py)")
    check.add_argument("--lang", choices=["ko", "en"], default="ko")
    check.add_argument(
        "--timeout",
        type=float,
        default=120.0,
        help="seconds the whole submission may run (default 120)",
    )

    batch = commands.add_parser("batch", help="grade a whole class folder")
    batch.add_argument("folder", type=Path, help="folder of <student>.ipynb/.py or <student>/")
    batch.add_argument("--out", type=Path, required=True, help="where results and reports go")
    batch.add_argument("--jobs", type=int, default=1, help="worker processes (default 1)")
    batch.add_argument(
        "--timeout", type=float, default=120.0, help="seconds each submission may run (default 120)"
    )
    batch.add_argument(
        "--cluster",
        metavar="ADDRESS",
        help="grade on a Dask distributed cluster (scheduler address, e.g. tcp://host:8786)",
    )
    batch.add_argument(
        "--cell-timeout",
        type=float,
        default=None,
        help="seconds one cell or call may run (default: half of --timeout, at most 60)",
    )
    batch.add_argument(
        "--lang",
        choices=["ko", "en"],
        default="ko",
        help="language the reports open in (default ko)",
    )
    release = commands.add_parser("release", help="write the student material")
    release.add_argument("--out", type=Path, required=True, help="where the material goes")

    validate = commands.add_parser("validate", help="prove every check of the bank sound")
    validate.add_argument("exercises", nargs="*", help="only these exercise ids")
    validate.add_argument("--timeout", type=float, default=120.0)
    return parser


def _limits(timeout: float, cell_timeout: float | None = None) -> Limits:
    """Limits for a submission. By default a cell gets at most half of the whole run, so
    that an endless loop in one cell leaves time for the cells after it."""
    cell = cell_timeout if cell_timeout is not None else min(timeout / 2, 60.0)
    if not 0 < cell <= timeout:
        raise GraderError(f"--cell-timeout must be between 0 and --timeout ({timeout:g} s)")
    return Limits(wall_seconds=timeout, cell_seconds=cell, cpu_seconds=int(timeout * 2) + 10)


def _check(args: argparse.Namespace, console: Console) -> int:
    from grader.grading import Grader, GradingOptions
    from grader.terminal import print_check_result

    if not args.file.is_file():
        raise GraderError(f"{args.file} does not exist; give the path of your notebook or .py file")
    root = args.bank or find_bank_root(args.file.parent, Path.cwd())
    bank = load_bank(root, with_solutions=False)
    options = GradingOptions(limits=_limits(args.timeout), hidden=False, answered_only=True)
    lang: Language = args.lang
    with console.status("TensorFlow …"), Grader(bank, options) as grader:
        result = grader.grade_file(args.file)
    print_check_result(console, result, bank, lang)
    for notice in grader.notices:
        console.print(f"[dim]note: {notice}[/dim]")
    all_passed = result.error is None and all(c.passed for e in result.exercises for c in e.checks)
    return 0 if all_passed and result.exercises else 1


def _batch(args: argparse.Namespace, console: Console) -> int:
    from grader.batch import run_batch
    from grader.grading import GradingOptions

    if not args.folder.is_dir():
        raise GraderError(f"{args.folder} is not a folder of submissions")
    if args.jobs < 1:
        raise GraderError("--jobs must be at least 1")
    bank = load_bank(args.bank or find_bank_root())
    options = GradingOptions(limits=_limits(args.timeout, args.cell_timeout))
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
            progress.update(task, completed=done, total=total, description=f"graded {student}")

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
        console.print(f"[yellow]note:[/yellow] {notice}")
    console.print(
        f"{summary.students} students: {summary.graded} graded, {summary.skipped} unchanged "
        f"(kept) in {time.perf_counter() - started:.1f} s. Reports: {args.out / 'index.html'}"
    )
    return 0


def _validate(args: argparse.Namespace, console: Console) -> int:
    from rich.table import Table

    from grader.grading import Grader, GradingOptions
    from grader.validate import validate

    bank = load_bank(args.bank or find_bank_root())
    for exercise_id in args.exercises:
        bank.get(exercise_id)
    options = GradingOptions(limits=_limits(args.timeout), answered_only=True)
    table = Table(title=f"bank {bank.version}", title_justify="left")
    for column in ("exercise", "variant", "points", "sound", "problem"):
        table.add_column(column, justify="right" if column == "points" else "left")
    unsound = 0
    with console.status("validating …"), Grader(bank, options) as grader:
        for verdict in validate(bank, grader, args.exercises or None):
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
    from grader.release import release

    bank = load_bank(args.bank or find_bank_root(), with_solutions=False)
    written = release(bank, args.out)
    console.print(f"{len(written)} files for {len(bank.exercises)} exercises in {args.out}")
    return 0


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    args = _parser().parse_args(argv)
    console = Console(stderr=False, highlight=False)
    try:
        if args.command == "check":
            return _check(args, console)
        if args.command == "validate":
            return _validate(args, console)
        if args.command == "release":
            return _release(args, console)
        return _batch(args, console)
    except GraderError as error:
        Console(stderr=True).print(f"[bold red]grader:[/bold red] {error}", highlight=False)
        return 2
    except KeyboardInterrupt:
        Console(stderr=True).print("grader: interrupted; graded submissions are kept")
        return 130


if __name__ == "__main__":
    sys.exit(main())
