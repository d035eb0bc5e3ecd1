"""The author API: a check author imports every name from ``grader``, which stays cheap."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import grader

ROOT = Path(__file__).resolve().parents[2]
BANK_FILES = sorted([*ROOT.glob("exercises/**/*.py"), *ROOT.glob("solutions/**/*.py")])
#: What `import grader` must leave unimported: TensorFlow, pytest, the runner's session.
HEAVY = (
    "tensorflow",
    "keras",
    "pytest",
    "grader.grading.checks",
    "grader.grading.proxies",
    "grader.sandbox.session",
    "grader.grading.in_notebook",
)


def _grader_submodules_imported(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names if alias.name.startswith("grader.")]
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("grader."):
            found.append(f"{node.module} (line {node.lineno})")
    return found


def test_the_bank_has_check_files_to_look_at() -> None:
    assert len([p for p in BANK_FILES if p.name.startswith("test_")]) >= 2


@pytest.mark.parametrize("path", BANK_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_bank_file_imports_a_module_of_grader(path: Path) -> None:
    assert _grader_submodules_imported(path) == [], f"{path}: import these names from grader"


def test_the_bank_check_is_able_to_find_a_submodule_import(tmp_path: Path) -> None:
    source = "from grader import expect\nfrom grader.grading.checks import expect_tensor\n"
    source += "def f():\n    import grader.sandbox.session\n"
    (tmp_path / "test_public.py").write_text(source, encoding="utf-8")
    found = _grader_submodules_imported(tmp_path / "test_public.py")
    assert found == ["grader.grading.checks (line 2)", "grader.sandbox.session"]


def test_every_exported_name_is_the_object_of_its_home_module() -> None:
    for name in grader.__all__:
        if name == "__version__":
            continue
        value = getattr(grader, name)
        home = sys.modules[value.__module__]
        assert home is not grader and getattr(home, name) is value, name


def test_the_exports_are_sorted_and_listed_by_dir() -> None:
    assert grader.__all__ == sorted(grader.__all__)
    assert len(set(grader.__all__)) == len(grader.__all__)
    assert set(grader.__all__) <= set(dir(grader))
    assert set(grader._LAZY) <= set(grader.__all__)


def test_the_helpers_of_checks_are_all_exported() -> None:
    import grader.grading.checks

    public = {
        name
        for name, value in vars(grader.grading.checks).items()
        if not name.startswith("_")
        and getattr(value, "__module__", None) == "grader.grading.checks"
    }
    assert public and public <= set(grader.__all__)


def test_the_type_checking_imports_name_the_modules_of_the_table() -> None:
    tree = ast.parse(Path(grader.__file__).read_text(encoding="utf-8"))
    block = next(
        node
        for node in tree.body
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING"
    )
    imported = {
        alias.name: node.module
        for node in block.body
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    }
    assert imported == grader._LAZY


def test_importing_grader_leaves_tensorflow_pytest_and_the_checks_unimported() -> None:
    probe = f"import sys, grader; print([m for m in {HEAVY!r} if m in sys.modules])"
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert done.stdout.strip() == "[]", done.stderr


def test_a_lazy_name_is_imported_on_first_use() -> None:
    probe = (
        "import sys, grader; from grader import expect_tensor; "
        "print(expect_tensor.__module__, 'grader.grading.checks' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert done.stdout.split() == ["grader.grading.checks", "True"], done.stderr


def test_an_unknown_name_is_an_import_error_that_names_it() -> None:
    with pytest.raises(ImportError, match="expect_tensr"):
        exec("from grader import expect_tensr", {})
    with pytest.raises(AttributeError, match="expect_tensr"):
        _ = grader.expect_tensr  # type: ignore[attr-defined]
