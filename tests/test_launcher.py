"""The warm server: a ``grader`` command it runs is the command run here, only sooner; it
answers its own user's commands and nobody else, and no runner can reach it."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest

from grader.launcher import _checked, _is_below

from .conftest import ROOT

ONE_HOT = ROOT / "solutions" / "one_hot" / "solution.py"


class Server:
    """Commands run as a student runs them, each test with a server of its own."""

    def __init__(self, tmp_path: Path) -> None:
        self.tmp = tmp_path / "tmp"
        self.tmp.mkdir()
        self.env = {
            **os.environ,
            "GRADER_SERVER": "1",
            "GRADER_SERVER_IDLE": "120",
            "TMPDIR": str(self.tmp),
            "COLUMNS": "120",
        }
        self.env.pop("CI", None)
        self.env.pop("GRADER_BANK", None)

    @property
    def folder(self) -> Path:
        return self.tmp / f"tf-grader-{os.getuid()}"

    def start(self, *args: str | Path, **kwargs: object) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [sys.executable, "-m", "grader.launcher", *map(str, args)],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            **kwargs,  # type: ignore[call-overload]
        )

    def run(self, *args: str | Path, **env: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "grader.launcher", *map(str, args)],
            cwd=ROOT,
            env={**self.env, **env},
            capture_output=True,
            text=True,
            timeout=300,
        )

    def log(self) -> str:
        return "".join(path.read_text() for path in sorted(self.folder.glob("server-*.log")))

    def commands(self) -> list[int]:
        """The pid of each command the server ran, from its log."""
        return [int(pid) for pid in re.findall(r"command (\d+):", self.log())]

    def processes(self) -> list[psutil.Process]:
        """The servers (the forks of one, its commands and runners, share its command line)."""
        found = {}
        for process in psutil.process_iter(["cmdline", "ppid"]):
            cmdline = process.info["cmdline"] or []
            if "--serve" in cmdline and any(str(self.folder) in word for word in cmdline):
                found[process.pid] = process
        return [p for p in found.values() if p.info["ppid"] not in found]

    def stop(self) -> None:
        for process in self.processes():
            for child in process.children(recursive=True):
                child.kill()
            process.kill()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    started = Server(tmp_path)
    try:
        yield started
    finally:
        started.stop()


def _without_time(text: str) -> str:
    return re.sub(r"\d+(\.\d+)? ?(s|초)\b.*", "", text)


@pytest.mark.slow
def test_a_served_command_says_and_exits_as_the_command_run_here(server: Server) -> None:
    mistake = ROOT / "solutions" / "one_hot" / "mistakes" / "float64.py"
    for path in (ONE_HOT, mistake):
        here = server.run("check", path, "--lang", "en", GRADER_SERVER="0")
        first = server.run("check", path, "--lang", "en")
        again = server.run("check", path, "--lang", "en")
        for served in (first, again):
            assert served.returncode == here.returncode, served.stderr
            assert _without_time(served.stdout) == _without_time(here.stdout)
    assert here.returncode != 0 and "0 / 6" not in here.stdout
    # One server ran all four commands, and is still there for the next.
    assert len(server.commands()) == 4
    assert len(server.processes()) == 1


@pytest.mark.slow
def test_ctrl_c_reaches_the_served_command(server: Server, tmp_path: Path) -> None:
    sleeper = tmp_path / "sleeper.py"
    sleeper.write_text("# EXERCISE: one_hot\nimport time\ntime.sleep(600)\n")
    check = server.start("check", sleeper)
    try:
        deadline = time.monotonic() + 120
        while not server.commands():
            assert time.monotonic() < deadline and check.poll() is None, check.stderr
            time.sleep(0.2)
        time.sleep(3)
        check.send_signal(signal.SIGINT)
        stdout, stderr = check.communicate(timeout=60)
    finally:
        check.kill()
    assert check.returncode == 130, stdout + stderr
    assert "grader: interrupted" in stderr and "Traceback" not in stderr


@pytest.mark.slow
def test_a_caller_that_dies_takes_its_command_and_runners_with_it(
    server: Server, tmp_path: Path
) -> None:
    sleeper = tmp_path / "sleeper.py"
    sleeper.write_text("# EXERCISE: one_hot\nimport time\ntime.sleep(600)\n")
    check = server.start("check", sleeper)
    deadline = time.monotonic() + 120
    while not server.commands():
        assert time.monotonic() < deadline and check.poll() is None
        time.sleep(0.2)
    (command,) = server.commands()
    (warm,) = server.processes()
    while len(warm.children(recursive=True)) < 3:  # the command, a supervisor, its runner
        assert time.monotonic() < deadline
        time.sleep(0.2)
    check.kill()
    check.wait()
    deadline = time.monotonic() + 30
    # What is left below the server is its zygote, and nothing below that.
    while psutil.pid_exists(command) or len(warm.children(recursive=True)) > 1:
        assert time.monotonic() < deadline, [p.cmdline() for p in warm.children(recursive=True)]
        time.sleep(0.2)
    assert warm.is_running()


#: A submission that knows where the server listens and how to ask it, and tries every
#: way there: the socket by its path, every socket below any tf-grader folder it can see,
#: and every socket it was left holding.
REACH_FOR_THE_SERVER = """# EXERCISE: one_hot
import glob, json, os, socket, stat
request = json.dumps({{"argv": ["grader", "release", "--out", {marker!r}], "cwd": {cwd!r},
                      "env": dict(os.environ), "umask": 0, "stdio": [[None, None]] * 3}})
def ask(sock):
    try:
        socket.send_fds(sock, [request.encode()], [0, 1, 2])
        sock.settimeout(60)
        sock.recv(1 << 16)
        sock.recv(1 << 16)
    except OSError:
        pass
for path in [{socket_path!r}, *glob.glob("/tmp/**/*.sock", recursive=True),
             *glob.glob({folder!r} + "/*")]:
    try:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        sock.connect(path)
        ask(sock)
    except OSError:
        pass
for fd in range(3, 256):
    try:
        if stat.S_ISSOCK(os.fstat(fd).st_mode):
            ask(socket.socket(fileno=fd))
    except OSError:
        pass
"""


@pytest.mark.slow
def test_no_runner_reaches_the_server(server: Server, tmp_path: Path) -> None:
    # Start the server, then learn where it listens, as a student could on their machine.
    assert server.run("check", ONE_HOT).returncode == 0
    (socket_path,) = server.folder.glob("server-*.sock")
    marker = tmp_path / "released"
    attack = tmp_path / "attack.py"
    attack.write_text(
        REACH_FOR_THE_SERVER.format(
            marker=str(marker),
            socket_path=str(socket_path),
            folder=str(server.folder),
            cwd=str(ROOT),
        )
    )
    server.run("check", attack)
    assert not marker.exists()
    assert len(server.commands()) == 2, server.log()


@pytest.mark.slow
def test_a_scratch_folder_others_can_enter_means_no_server(server: Server) -> None:
    server.folder.mkdir(mode=0o700)
    server.folder.chmod(0o755)
    here = server.run("check", ONE_HOT, GRADER_SERVER="0")
    ran = server.run("check", ONE_HOT)
    assert ran.returncode == here.returncode == 0
    assert _without_time(ran.stdout) == _without_time(here.stdout)
    assert not list(server.folder.glob("server-*")) and not server.processes()


@pytest.mark.slow
@pytest.mark.parametrize("served", ["0", "1"])
def test_runners_import_whatever_umask_the_grader_has(server: Server, served: str) -> None:
    """The runner's view of the machine is made of folders it must pass through."""
    ran = subprocess.run(
        [
            *("sh", "-c", 'umask 077 && exec "$@"', "sh"),
            *(sys.executable, "-m", "grader.launcher", "check", str(ONE_HOT), "--lang", "en"),
        ],
        cwd=ROOT,
        env={**server.env, "GRADER_SERVER": served},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert "6 / 6" in ran.stdout


@pytest.mark.slow
def test_a_caller_under_other_resource_limits_is_served_under_its_own(server: Server) -> None:
    """A command (and the zygote of its runners) inherits the server's limits: a caller that
    lowered one, as ``ulimit`` does, is not served by a server started without it."""
    normal = server.run("check", ONE_HOT, "--lang", "en")
    lowered = subprocess.run(
        [
            *("sh", "-c", 'ulimit -n 256 && exec "$@"', "sh"),
            *(sys.executable, "-m", "grader.launcher", "check", str(ONE_HOT), "--lang", "en"),
        ],
        cwd=ROOT,
        env=server.env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert normal.returncode == lowered.returncode == 0, lowered.stdout + lowered.stderr
    assert _without_time(lowered.stdout) == _without_time(normal.stdout)
    limits = sorted(process.rlimit(psutil.RLIMIT_NOFILE) for process in server.processes())
    assert len(limits) == 2 and (256, 256) in limits, limits


def test_a_request_is_the_command_and_its_three_streams() -> None:
    good = {"argv": ["grader", "check"], "cwd": "/", "env": {}, "umask": 18, "stdio": []}
    assert _checked(good, [0, 1, 2]) == good
    for bad, fds in [
        (good, [0, 1]),
        ({**good, "argv": []}, [0, 1, 2]),
        ({**good, "argv": "grader check"}, [0, 1, 2]),
        ({**good, "env": None}, [0, 1, 2]),
        ([good], [0, 1, 2]),
    ]:
        with pytest.raises(ValueError):
            _checked(bad, fds)


def test_a_process_below_the_server_is_told_apart() -> None:
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        assert _is_below(child.pid, os.getpid())
        assert not _is_below(os.getpid(), child.pid)
        assert not _is_below(os.getppid(), os.getpid())
    finally:
        child.kill()
        child.wait()
