"""The runner's confinement: what student code can and cannot reach."""

from __future__ import annotations

import os
import platform
import socket
import threading
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from grader.grading.proxies import StudentNamespace
from grader.sandbox.confinement import Limits, visible_paths
from grader.sandbox.session import RunnerSession

from ..conftest import ROOT, TEST_LIMITS

pytestmark = pytest.mark.slow

Start = Callable[..., RunnerSession]


def value_of(session: RunnerSession, source: str) -> object:
    run = session.run_cell(99, None, f"result = {source}")
    assert run.status == "ok", run
    return StudentNamespace(session, "x").result


def test_the_bank_and_hidden_folders_are_empty_to_the_runner(runner: Start, tmp_path: Path) -> None:
    secret = tmp_path / "class" / "other_student.ipynb"
    secret.parent.mkdir()
    secret.write_text("answers")
    session = runner(hidden=(str(secret.parent),))
    assert (
        value_of(
            session,
            f"os.listdir({str(ROOT / 'solutions')!r}) if "
            f"__import__('os').path.exists({str(ROOT / 'solutions')!r}) else []",
        )
        == []
    )
    assert value_of(session, f"__import__('os').path.exists({str(secret)!r})") is False
    assert value_of(session, f"__import__('os').path.exists({str(ROOT / '.git')!r})") is False


def test_the_runner_cannot_write_where_it_is_hidden(runner: Start, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    session = runner(hidden=(str(out),))
    run = session.run_cell(1, None, f"open({str(out / 'results.sqlite')!r}, 'w').write('x')")
    assert run.status == "error"
    assert run.ename in (
        "OSError",
        "PermissionError",
        "FileNotFoundError",
        "ReadOnlyFileSystemError",
    )
    assert not (out / "results.sqlite").exists()


def test_the_runner_has_no_network(runner: Start) -> None:
    server = socket.create_server(("127.0.0.1", 0))
    port = server.getsockname()[1]
    accepted: list[object] = []
    server.settimeout(3)
    thread = threading.Thread(target=lambda: accepted.append(_accept(server)))
    thread.start()
    session = runner()
    run = session.run_cell(
        1,
        None,
        f"import socket\nsocket.create_connection(('127.0.0.1', "
        f"{port}), timeout=2).sendall(b'hello')",
    )
    thread.join()
    server.close()
    assert run.status == "error" and run.ename in ("OSError", "ConnectionRefusedError")
    assert accepted == [None]


def _accept(server: socket.socket) -> object:
    try:
        return server.accept()
    except TimeoutError:
        return None


def test_the_graders_environment_is_not_passed_on(
    runner: Start, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GRADER_SECRET_TOKEN", "hunter2")
    session = runner()
    environment = value_of(session, "dict(__import__('os').environ)")
    assert isinstance(environment, dict)
    assert "GRADER_SECRET_TOKEN" not in environment and "hunter2" not in str(environment)


@pytest.mark.skipif(os.geteuid() != 0, reason="a separate uid needs root")
def test_as_root_the_runner_runs_under_an_unprivileged_uid(runner: Start) -> None:
    assert value_of(runner(), "__import__('os').getuid()") >= 2_000_000


def test_the_working_directory_is_empty_and_private(runner: Start) -> None:
    session = runner()
    assert value_of(session, "__import__('os').listdir('.')") == []
    assert value_of(session, "__import__('os').getcwd()") == "/tmp/work"


def test_a_file_past_the_size_limit_fails_without_killing_the_runner(runner: Start) -> None:
    limits = Limits(**{**TEST_LIMITS.__dict__, "file_size_mb": 1})
    session = runner(limits=limits)
    run = session.run_cell(1, None, "open('big', 'wb').write(b'0' * 5_000_000)")
    assert run.status == "error" and "File too large" in run.evalue
    assert value_of(session, "1 + 1") == 2


def test_the_standard_library_still_imports_lazily(runner: Start) -> None:
    assert value_of(runner(), "__import__('csv').__name__") == "csv"


WALK = """
import os
seen, readable = [], []
for top in os.listdir('/'):
    if top in ('proc', 'sys', 'dev'):
        continue
    for folder, dirs, files in os.walk('/' + top):
        for name in files:
            path = os.path.join(folder, name)
            if '/solutions/' in path and name in ('solution.py', 'test_hidden.py'):
                seen.append(path)
            if MARK in name:
                try:
                    readable.append(open(path).read())
                except OSError:
                    seen.append(path)
"""


def test_the_runner_sees_a_whitelist_not_the_machine(runner: Start) -> None:
    # A readable copy of a bank where nobody thought to hide it: last term's clone, say.
    mark = f"planted{os.getpid()}"
    planted = Path("/var/lib") / f"tf-grader-{mark}"
    (planted / "solutions" / "one_hot").mkdir(parents=True)
    (planted / "solutions" / "one_hot" / f"solution_{mark}.py").write_text("ANSWER = 42")
    for path in (planted, *planted.rglob("*")):
        path.chmod(0o755 if path.is_dir() else 0o644)
    try:
        # Walking every file the runner can see takes a while on a busy machine.
        walk_limits = replace(TEST_LIMITS, cpu_seconds=120, wall_seconds=600)
        session = runner(f"MARK = {mark!r}\n" + WALK, limits=walk_limits)
        student = StudentNamespace(session, "x")
        assert student.readable == []
        assert student.seen == []
        listed = value_of(session, "sorted(os.listdir('/'))")
        assert isinstance(listed, list)
        # The system's folders, the runner's own, and the top folder of each path the
        # interpreter needs (wherever the checkout and its Python happen to live).
        needed = {Path(p).parts[1] for p in visible_paths()}
        system = {"bin", "sbin", "lib", "lib32", "lib64", "libx32", "dev", "proc", "tmp"}
        assert set(listed) <= system | needed
        assert value_of(session, f"os.path.exists({str(ROOT / 'solutions')!r})") is False
        assert value_of(
            session, f"os.path.exists({str(ROOT / 'grader' / 'sandbox' / 'runner.py')!r})"
        )
        assert value_of(session, "os.path.exists('/etc/shadow')") is False
        mounts = value_of(session, "open('/proc/self/mountinfo').read()")
        assert isinstance(mounts, str) and "/var/lib" not in mounts
    finally:
        import shutil

        shutil.rmtree(planted)


def test_what_the_runner_sees_is_read_only(runner: Start) -> None:
    import grader

    package = Path(grader.__file__).parent
    session = runner()
    for target in (package / "planted.pth", Path(os.__file__).parent / "planted.pth", "/etc/x"):
        run = session.run_cell(1, None, f"open({str(target)!r}, 'w').write('import os')")
        assert run.status == "error" and "Read-only file system" in run.evalue, run
        assert not Path(target).exists()


@pytest.mark.skipif(platform.machine() != "x86_64", reason="system call numbers of x86_64")
@pytest.mark.parametrize(
    "attempt",
    [
        "libc.unshare(0x10000000)",  # CLONE_NEWUSER
        "libc.unshare(0x00020000)",  # CLONE_NEWNS
        "libc.mount(b'none', b'/tmp', b'tmpfs', 0, None)",
        "libc.ptrace(0, 0, 0, 0)",  # PTRACE_TRACEME, allowed to anyone without a filter
        "libc.syscall(321, 0, 0, 0)",  # bpf
        "libc.syscall(250, 0, 0, 0, 0, 0)",  # keyctl(KEYCTL_GET_KEYRING_ID)
        "libc.syscall(323, 0)",  # userfaultfd
        "libc.syscall(298, 0, 0, -1, -1, 0)",  # perf_event_open
        "libc.syscall(56, 0x10000000 | 17, 0, 0, 0, 0)",  # clone(CLONE_NEWUSER | SIGCHLD)
    ],
)
def test_the_runner_cannot_reach_for_more_kernel(runner: Start, attempt: str) -> None:
    session = runner("import ctypes, os\nlibc = ctypes.CDLL(None, use_errno=True)")
    cell = f"result = {attempt}\nif result == 0 and os.getpid() != 1:\n    os._exit(0)\n"
    run = session.run_cell(1, None, cell + "code = ctypes.get_errno()")
    assert run.status == "ok", run
    assert value_of(session, "result") == -1, attempt
    assert value_of(session, "code") in (1, 38), attempt  # EPERM, or ENOSYS


def test_the_runner_reports_no_missing_kernel_filter(runner: Start) -> None:
    session = runner()
    assert not any("seccomp" in sentence for sentence in session.missing_protections)
