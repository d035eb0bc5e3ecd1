"""The tree keeps its layers: the untrusted side imports nothing of the grading side, views
render results without running, grading or driving anything, and neither reaches the other."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "grader"


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in PACKAGE.rglob("*.py")}


def _runtime_nodes(tree: ast.AST) -> list[ast.AST]:
    """Every node of ``tree`` but those under ``if TYPE_CHECKING:``, which never run."""
    nodes, todo = [], [tree]
    while todo:
        node = todo.pop()
        nodes.append(node)
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            todo.extend(node.orelse)
            continue
        todo.extend(ast.iter_child_nodes(node))
    return nodes


def imports_of(name: str) -> set[str]:
    """The grader modules ``name`` imports when it runs, at the top or inside a function."""
    found = set()
    for node in _runtime_nodes(ast.parse(MODULES[name].read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            targets = [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
        else:
            continue
        found.update(target for target in targets if target in MODULES)
    return found


def under(name: str, package: str) -> bool:
    return name == package or name.startswith(f"{package}.")


def reachable(name: str) -> set[str]:
    seen, todo = set(), [name]
    while todo:
        for target in imports_of(todo.pop()) - seen:
            seen.add(target)
            todo.append(target)
    return seen


SANDBOX = sorted(name for name in MODULES if under(name, "grader.sandbox"))
VIEWS = sorted(name for name in MODULES if under(name, "grader.views"))
COURSE = sorted(name for name in MODULES if under(name, "grader.course"))
RESULTS = sorted(name for name in MODULES if under(name, "grader.results"))
#: The modules whose code a runner process holds: the runner, and the zygote it forks from.
UNTRUSTED = ("grader.sandbox.runner", "grader.sandbox.zygote_server")

#: What the untrusted side may share with the rest: errors, text cleaning, the bilingual
#: message type and the import that keeps TensorFlow's start-up logs off the terminal,
#: which import nothing else of the grader.
SHARED = {"grader.errors", "grader.text", "grader.feedback", "grader.quiet", "grader.images"}


def reaches(module: str, *packages: str) -> list[str]:
    return sorted(m for m in reachable(module) if any(under(m, p) for p in packages))


@pytest.mark.parametrize("module", UNTRUSTED)
def test_a_runner_holds_nothing_of_the_grader_but_the_sandbox_and_what_it_shares(
    module: str,
) -> None:
    outside = {m for m in reachable(module) if not under(m, "grader.sandbox")}
    assert outside <= SHARED, f"{module} reaches {sorted(outside - SHARED)}"


@pytest.mark.parametrize("module", sorted(SHARED))
def test_what_the_untrusted_side_shares_imports_nothing_else(module: str) -> None:
    assert imports_of(module) <= SHARED


@pytest.mark.parametrize("module", SANDBOX)
def test_the_isolation_side_reaches_no_grading_course_view_or_platform(module: str) -> None:
    found = reaches(module, "grader.grading", "grader.course", "grader.views", "grader.platforms")
    assert not found, f"{module} imports {found}"


@pytest.mark.parametrize("module", VIEWS)
def test_no_view_runs_grades_or_drives_anything(module: str) -> None:
    found = reaches(module, "grader.sandbox", "grader.grading", "grader.platforms")
    assert not found, f"{module} imports {found}"


@pytest.mark.parametrize("module", COURSE + RESULTS)
def test_the_course_and_the_results_are_data_that_run_nothing(module: str) -> None:
    found = reaches(module, "grader.sandbox", "grader.grading", "grader.views", "grader.platforms")
    assert not found, f"{module} imports {found}"


def test_the_walk_sees_the_imports_it_checks() -> None:
    assert "grader.sandbox.wire" in imports_of("grader.sandbox.runner")
    assert "grader.sandbox.requests" in reachable("grader.sandbox.runner")
    assert "grader.sandbox.zygote_server" in reachable("grader.grading.grader")
    assert {"grader.views.html", "grader.views.statistics", "grader.views.github"} <= set(VIEWS)
    assert "grader.views.github" in reachable("grader.platforms.actions")
    assert "grader.course.bank" in reachable("grader.views.html")
