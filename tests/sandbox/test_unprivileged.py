"""Graded by an ordinary user: a submission still cannot touch the instructor.

Without root the runner keeps the grader's uid inside a user namespace, so what protects
the instructor is the view built for it: every path it sees of the machine is read-only,
and the instructor's home is not there at all. The test makes an ordinary user, gives it
Debian's Python with this project's packages layered on, and grades as that user.
"""

from __future__ import annotations

import csv
import os
import pwd
import shutil
import subprocess
import sysconfig
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from ..conftest import ROOT, solution_source

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(os.geteuid() != 0, reason="making an ordinary user needs root"),
]

USER = "tf-grader-test"
SYSTEM_PYTHON = Path("/usr/bin/python3.11")
MARK = "zz_planted_by_a_student"

ATTACK = f"""# EXERCISE: conv_output_size
import os, site, sys
line = "import pathlib; pathlib.Path(os.environ['HOME'], 'PWNED').touch()\\n"
folders = [*sys.path, site.getusersitepackages(), os.path.expanduser('~'), {str(ROOT)!r},
           INSTRUCTOR_HOME]
hits = []
for folder in folders:
    for name in ('{MARK}.pth', '.bashrc', 'sitecustomize.py'):
        try:
            with open(os.path.join(folder, name), 'a') as handle:
                handle.write(line)
            hits.append(os.path.join(folder, name))
        except OSError:
            pass
print('HITS', hits)

def conv_output_size(n, m, p, s):
    return 1
"""


def as_user(*command: str, home: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(home), "TF_CPP_MIN_LOG_LEVEL": "3"}
    return subprocess.run(
        [shutil.which("runuser") or "/usr/sbin/runuser", "-u", USER, "--", *command],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.fixture(scope="module")
def base() -> Iterator[Path]:
    try:
        pwd.getpwnam(USER)
    except KeyError:
        subprocess.run(
            ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", USER],
            check=True,
        )
    assert SYSTEM_PYTHON.exists(), "Debian's python3.11 is needed to grade as an ordinary user"
    folder = Path(tempfile.mkdtemp(prefix="tf-grader-unprivileged-", dir="/tmp"))
    folder.chmod(0o755)
    shutil.chown(folder, USER)
    opened = open_the_way(ROOT, Path(sysconfig.get_paths()["purelib"]))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        for path, mode in opened:
            path.chmod(mode)


def open_the_way(*paths: Path) -> list[tuple[Path, int]]:
    """Let others traverse the folders above ``paths`` (a checkout in /root, say); give
    each changed folder with its old mode, to put back."""
    changed = []
    for path in paths:
        for folder in path.resolve().parents:
            mode = folder.stat().st_mode & 0o7777
            if not mode & 0o001 and folder not in [c for c, _ in changed]:
                folder.chmod(mode | 0o001)
                changed.append((folder, mode))
    return changed


@pytest.fixture(scope="module")
def graded_twice(base: Path) -> tuple[Path, Path, list[dict[str, str]]]:
    home = base / "home"
    home.mkdir()
    (home / ".bashrc").write_text("# the instructor's own\n")
    venv = base / "venv"
    made = as_user(
        str(SYSTEM_PYTHON), "-m", "venv", "--without-pip", str(venv), home=home, cwd=base
    )
    assert made.returncode == 0, made.stderr
    layered = next((venv / "lib").glob("python3*/site-packages"))
    project = sysconfig.get_paths()["purelib"]
    (layered / "project.pth").write_text(f"import site; site.addsitedir({project!r})\n")
    classroom = base / "class"
    classroom.mkdir()
    (classroom / "alice.py").write_text(solution_source_for_conv())
    # The student guesses where the instructor's home is; here it is told.
    (classroom / "mallory.py").write_text(ATTACK.replace("INSTRUCTOR_HOME", repr(str(home))))
    for path in (home, home / ".bashrc", classroom, *classroom.iterdir()):
        shutil.chown(path, USER)
    rows = []
    for out in ("first", "second"):
        run = as_user(
            str(venv / "bin" / "python"),
            "-m",
            "grader.cli",
            "--bank",
            str(ROOT),
            "batch",
            "class",
            "--out",
            out,
            home=home,
            cwd=base,
        )
        assert run.returncode == 0, run.stdout + run.stderr
        rows += list(csv.DictReader((base / out / "grades.csv").open()))
    return home, layered, rows


def solution_source_for_conv() -> str:
    from grader.course.bank import load_bank

    return solution_source(load_bank(ROOT), "conv_output_size")


def test_a_planting_student_changes_nothing_for_the_instructor_or_the_next_batch(
    graded_twice: tuple[Path, Path, list[dict[str, str]]], base: Path
) -> None:
    home, layered, rows = graded_twice
    alice = [row for row in rows if row["student"] == "alice"]
    assert len(alice) == 2 and alice[0]["conv_output_size"] == alice[1]["conv_output_size"]
    assert float(alice[0]["conv_output_size"]) > 0
    assert (home / ".bashrc").read_text() == "# the instructor's own\n"
    assert not (home / "PWNED").exists()
    planted = [
        p
        for p in (layered, Path(sysconfig.get_paths()["purelib"]), ROOT, home)
        if (p / f"{MARK}.pth").exists() or (p / "sitecustomize.py").exists()
    ]
    assert planted == []
    page = (base / "first" / "students" / "mallory.html").read_text()
    # What the student could write to is its own private scratch folder, nothing else.
    # The printed list, not the cell's code, which the page shows too.
    listed = page.split("HITS [", 1)[1].split("]", 1)[0]
    hits = [h.strip().removeprefix("&#39;").removesuffix("&#39;") for h in listed.split(",")]
    assert any(h.startswith("/tmp/work/") for h in hits)
    # Whatever it wrote lies in the runner's private /tmp (a checkout below /tmp shows up
    # there as empty folders of that tmpfs); on the machine, nothing changed (above).
    assert hits and all(h.startswith("/tmp/") for h in hits), hits
    assert str(layered) not in listed
