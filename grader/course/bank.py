"""The exercise bank: what students get (``exercises/``) and what instructors keep (``solutions/``).

::

    exercises/<id>/exercise.toml      title (ko, en), order, the names of its mistakes
    exercises/<id>/statement.ko.md    the statement, in Korean
    exercises/<id>/statement.en.md    the statement, in English
    exercises/<id>/starter.py         what the student starts from
    exercises/<id>/test_*.py          public checks
    solutions/<id>/solution.py        the reference solution
    solutions/<id>/test_*.py          hidden checks

The bank's version is a hash of all of it, so results graded against one bank
are never mistaken for results against another.
"""

from __future__ import annotations

import ast
import hashlib
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import grader
from grader.diagnoses import Diagnosis, from_toml
from grader.errors import BankError
from grader.feedback import Message


@dataclass(frozen=True)
class Exercise:
    """One exercise of the bank, with where each of its parts lives."""

    id: str
    order: int
    title: Message
    folder: Path
    public_checks: tuple[Path, ...]
    hidden_checks: tuple[Path, ...]
    solution: Path | None
    #: CPU and wall seconds its section needs at least (``[limits]`` in exercise.toml),
    #: for exercises that train; None takes the grader's budget.
    cpu_seconds: float | None = None
    wall_seconds: float | None = None
    #: The mistakes its checks diagnose, by slug (``[mistakes]`` in exercise.toml).
    mistakes: Mapping[str, Diagnosis] = field(default_factory=dict, hash=False, compare=False)

    def statement(self, language: str) -> str:
        path = self.folder / f"statement.{language}.md"
        return path.read_text(encoding="utf-8") if path.exists() else ""


@dataclass(frozen=True)
class Bank:
    """All exercises, in course order, and the folders they came from."""

    root: Path
    exercises: tuple[Exercise, ...]
    version: str

    def get(self, exercise_id: str) -> Exercise:
        for exercise in self.exercises:
            if exercise.id == exercise_id:
                return exercise
        known = ", ".join(e.id for e in self.exercises)
        raise BankError(f"no exercise {exercise_id!r} in the bank at {self.root} (it has: {known})")

    def ids(self) -> list[str]:
        return [exercise.id for exercise in self.exercises]


def find_bank_root(*starts: Path) -> Path:
    """Give $GRADER_BANK, or the nearest folder at or above a start (default: the current
    folder) that holds ``exercises/``."""
    if os.environ.get("GRADER_BANK"):
        return Path(os.environ["GRADER_BANK"]).resolve()
    places = [start.resolve() for start in starts] or [Path.cwd().resolve()]
    for here in places:
        for folder in (here, *here.parents):
            if (folder / "exercises").is_dir():
                return folder
    raise BankError(
        f"no exercise bank found at or above {places[0]}: run from the course folder, "
        "or pass --bank PATH (or set GRADER_BANK)."
    )


def from_starter(check_file: str | Path, name: str) -> Any:
    """The function ``name`` as the exercise's starter defines it, for a check of that
    exercise (``make_points = from_starter(__file__, "make_points")``).

    Data a student is given to start from (points, labels, a seed) is written once, in the
    starter, and a check that needs the same data takes it from there instead of a copy
    that could drift. Only the starter's imports, its constants (``PROTOTYPES = ...``: an
    assignment to upper-case names only) and that one definition run, in a namespace of
    their own: never the rest of the starter's top-level code.
    """
    check = Path(check_file).resolve()
    starter = check.parents[2] / "exercises" / check.parent.name / "starter.py"
    try:
        tree = ast.parse(starter.read_text(encoding="utf-8"), filename=str(starter))
    except (OSError, SyntaxError, UnicodeDecodeError) as error:
        raise BankError(f"{check}: cannot read the starter {starter}: {error}") from None
    setting_up = [node for node in tree.body if _imports_or_constant(node)]
    found = [node for node in tree.body if isinstance(node, ast.FunctionDef) and node.name == name]
    if not found:
        raise BankError(f"{check}: the starter {starter} defines no function {name!r}")
    namespace: dict[str, Any] = {"__name__": f"starter_{check.parent.name}"}
    code = compile(ast.Module([*setting_up, found[-1]], type_ignores=[]), str(starter), "exec")
    exec(code, namespace)
    return namespace[name]


def _imports_or_constant(node: ast.stmt) -> bool:
    if isinstance(node, ast.Import | ast.ImportFrom):
        return True
    return isinstance(node, ast.Assign) and all(
        isinstance(target, ast.Name) and target.id.isupper() for target in node.targets
    )


def load_bank(root: Path, *, with_solutions: bool = True) -> Bank:
    """Read the bank at ``root``; hidden checks and solutions only if ``with_solutions``."""
    root = root.resolve()
    exercises_dir = root / "exercises"
    if not exercises_dir.is_dir():
        raise BankError(f"{root} has no exercises/ folder; is this the course's bank?")
    exercises = []
    for folder in sorted(p for p in exercises_dir.iterdir() if (p / "exercise.toml").is_file()):
        exercises.append(_load_exercise(folder, root / "solutions" / folder.name, with_solutions))
    if not exercises:
        raise BankError(f"{exercises_dir} holds no exercise (a folder with an exercise.toml)")
    exercises.sort(key=lambda e: (e.order, e.id))
    return Bank(root, tuple(exercises), _version(root, with_solutions))


def _load_exercise(folder: Path, solution_folder: Path, with_solutions: bool) -> Exercise:
    try:
        meta = tomllib.loads((folder / "exercise.toml").read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise BankError(f"{folder / 'exercise.toml'} is not valid TOML: {error}") from None
    title = meta.get("title", {})
    limits = meta.get("limits", {})
    budgets = {}
    for name in ("cpu_seconds", "wall_seconds"):
        value = limits.get(name)
        if value is not None and not (isinstance(value, (int, float)) and value > 0):
            raise BankError(f"{folder / 'exercise.toml'}: limits.{name} must be a positive number")
        budgets[name] = float(value) if value is not None else None
    hidden: tuple[Path, ...] = ()
    solution = None
    if with_solutions and solution_folder.is_dir():
        hidden = tuple(sorted(solution_folder.glob("test_*.py")))
        candidate = solution_folder / "solution.py"
        solution = candidate if candidate.is_file() else None
    return Exercise(
        id=folder.name,
        order=int(meta.get("order", 1000)),
        title=Message(ko=str(title.get("ko", folder.name)), en=str(title.get("en", folder.name))),
        folder=folder,
        public_checks=tuple(sorted(folder.glob("test_*.py"))),
        hidden_checks=hidden,
        solution=solution,
        mistakes=from_toml(meta.get("mistakes", {}), str(folder / "exercise.toml")),
        **budgets,
    )


def _version(root: Path, with_solutions: bool) -> str:
    digest = hashlib.sha256(f"grader {grader.__version__}\n".encode())
    folders = ["exercises", "solutions"] if with_solutions else ["exercises"]
    for name in folders:
        for path in sorted((root / name).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(root)).encode() + b"\0")
                digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]
