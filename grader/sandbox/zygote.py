"""The zygote: a warm process that has paid for ``import tensorflow`` and forks runners.

No student code ever runs in the zygote, and it runs no TensorFlow op, so that a
fork of it is a clean, fast start for one submission. The grader talks to it over
a control socket (``SOCK_SEQPACKET``, JSON messages); with each request to fork it
sends one end of a fresh socket pair, which becomes the runner's only channel.

Each fork is a small supervisor (ours, trusted) that enters new namespaces, forks
the runner itself, waits for it with the submission's wall-clock limit, and exits
with the runner's status: the code it exited with, ``128 + signal`` if a signal
ended it, or :data:`WALL_TIMEOUT_STATUS` if the supervisor had to kill it.

Where ``fork`` is not available, :class:`Zygote` spawns a fresh interpreter per
runner instead: slower, same behaviour.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from grader.errors import ZygoteError
from grader.quiet import native_logs_dropped
from grader.sandbox.cgroup import descendants
from grader.sandbox.confinement import (
    Confinement,
    Limits,
    die_with_parent,
    enter_namespaces,
    join_cgroup,
    reap_orphans,
)

WALL_TIMEOUT_STATUS = 124
_SUPERVISOR_GRACE_SECONDS = 5.0
_WAIT_POLL_SECONDS = 0.005
_ENVIRONMENT_PASSED_ON = ("PATH", "LANG", "LC_ALL")


@dataclass(frozen=True)
class RunnerProcess:
    """A runner as the grader sees it: the supervisor's pid and the socket to talk over."""

    pid: int
    sock: socket.socket


def describe_status(status: int | None) -> str:
    """Give a runner's exit status in words an instructor understands."""
    if status is None:
        return "still running"
    if status == WALL_TIMEOUT_STATUS:
        return "killed at the submission's wall-clock limit"
    if status > 128:
        number = status - 128
        try:
            name = signal.Signals(number).name
        except ValueError:
            name = f"signal {number}"
        hint = {
            "SIGKILL": " (killed: time or memory limit, or a kill)",
            "SIGXCPU": " (CPU time limit)",
            "SIGSEGV": " (crashed)",
            "SIGABRT": " (aborted, often out of memory)",
        }.get(name, "")
        return f"ended by {name}{hint}"
    return f"exited with code {status}"


class Zygote:
    """The grader's handle on one warm zygote process; a context manager.

    Starts lazily on the first :meth:`fork_runner`; restarts itself once if the
    zygote died (a submission cannot reach it, but a crash in TensorFlow could).
    Given a ``connection`` to a zygote another process started (:class:`SharedZygote`),
    it uses that one, and starts its own only if that one stops answering.
    """

    def __init__(
        self, *, use_fork: bool | None = None, connection: socket.socket | None = None
    ) -> None:
        self.use_fork = hasattr(os, "fork") if use_fork is None else use_fork
        self._process: subprocess.Popen[bytes] | None = None
        self._control: socket.socket | None = connection
        self._spawned: dict[int, subprocess.Popen[bytes]] = {}
        self._workdirs: dict[int, str] = {}
        self._next_index = 0
        self._ready = False

    def __enter__(self) -> Zygote:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def start(self) -> None:
        """Start the zygote, not waiting for its imports (the grader does its own meanwhile)."""
        if self._process is not None and self._process.poll() is None:
            return
        if self._process is None and self._control is not None:
            return  # connected to a shared zygote
        self._process, (self._control,) = _start_zygote(1)
        self._ready = False

    def _ensure_ready(self) -> None:
        self.start()
        if self._ready:
            return
        reply = self._request({"op": "hello"}, timeout=180)
        if not reply.get("ready"):
            raise ZygoteError(f"the zygote did not start: {reply.get('error', reply)}")
        self._ready = True

    def fork_runner(self, confinement: Confinement) -> RunnerProcess:
        """Give a fresh runner, confined as asked, ready to receive requests."""
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        self._next_index += 1
        try:
            if not self.use_fork:
                return self._spawn_runner(ours, theirs, confinement)
            self._ensure_ready()
            message = {"op": "fork", "confinement": _confinement_to_json(confinement)}
            reply = self._request(message, timeout=30, fd=theirs.fileno())
        except BaseException:
            ours.close()
            raise
        finally:
            theirs.close()
        return RunnerProcess(int(reply["pid"]), ours)

    def wait(self, runner: RunnerProcess, timeout: float = 5.0) -> int | None:
        """Give the runner's exit status, killing it if it has not ended within ``timeout``."""
        runner.sock.close()
        if runner.pid in self._spawned:
            process = self._spawned.pop(runner.pid)
            try:
                return _status_of_popen(process.wait(timeout))
            except subprocess.TimeoutExpired:
                process.kill()
                return _status_of_popen(process.wait())
            finally:
                shutil.rmtree(self._workdirs.pop(runner.pid), ignore_errors=True)
        reply = self._request(
            {"op": "wait", "pid": runner.pid, "timeout": timeout}, timeout=timeout + 10
        )
        status = reply.get("status")
        return None if status is None else int(status)

    def kill(self, runner: RunnerProcess) -> None:
        """Kill the runner and everything it started.

        The runner is PID 1 of its own namespace, so its death ends every process in
        it, whatever they did to their signals or sessions; without a namespace each
        descendant is killed by name. The supervisor, ours, then reaps the runner and
        exits, and :meth:`wait` collects it. A control group, where there is one, is
        emptied by its owner (:class:`grader.sandbox.cgroup.RunnerCgroup`).
        """
        found = descendants(runner.pid)
        for pid in found:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)
        if runner.pid in self._spawned:
            self._spawned[runner.pid].kill()
        elif not found:
            with contextlib.suppress(ProcessLookupError):
                os.kill(runner.pid, signal.SIGKILL)

    def close(self) -> None:
        for process in self._spawned.values():
            process.kill()
            process.wait()
        self._spawned.clear()
        for folder in self._workdirs.values():
            shutil.rmtree(folder, ignore_errors=True)
        self._workdirs.clear()
        if self._control is not None:
            self._control.close()
            self._control = None
        if self._process is not None:
            try:
                self._process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
            self._process = None

    def _request(self, message: dict[str, Any], *, timeout: float, fd: int | None = None) -> Any:
        assert self._control is not None
        data = json.dumps(message).encode()
        try:
            self._control.settimeout(timeout)
            if fd is None:
                self._control.send(data)
            else:
                socket.send_fds(self._control, [data], [fd])
            reply = self._control.recv(1 << 16)
        except (OSError, TimeoutError) as error:
            self._restart_after_failure()
            raise ZygoteError(
                f"the zygote stopped answering ({error}); it will be restarted"
            ) from None
        if not reply:
            self._restart_after_failure()
            raise ZygoteError("the zygote exited unexpectedly; it will be restarted")
        return json.loads(reply)

    def _restart_after_failure(self) -> None:
        if self._process is not None:
            self._process.kill()
            self._process.wait()
            self._process = None
        if self._control is not None:
            self._control.close()
            self._control = None

    def _spawn_runner(
        self, ours: socket.socket, theirs: socket.socket, confinement: Confinement
    ) -> RunnerProcess:
        confinement = replace(confinement, workdir=tempfile.mkdtemp(prefix="grader-runner-"))
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "grader.sandbox.zygote",
                "--spawn",
                str(theirs.fileno()),
                json.dumps(_confinement_to_json(confinement)),
                str(self._next_index),
            ],
            pass_fds=[theirs.fileno()],
            env=runner_environment(),
            cwd="/",
            stdin=subprocess.DEVNULL,
        )
        self._spawned[process.pid] = process
        self._workdirs[process.pid] = confinement.workdir
        return RunnerProcess(process.pid, ours)


class SharedZygote:
    """One zygote for several graders, such as a batch's workers: it pays for TensorFlow
    once, starts at once, and forks each grader's runners as that grader asks.

    Each grader gets a connection of its own from :attr:`connections` and hands it to
    :class:`Zygote` (``connection=``). The zygote exits when the last connection is
    closed, in whatever process holds it.
    """

    def __init__(self, graders: int) -> None:
        self._process, self.connections = _start_zygote(graders)

    def __enter__(self) -> SharedZygote:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        for connection in self.connections:
            connection.close()
        try:
            self._process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()


def _start_zygote(graders: int) -> tuple[subprocess.Popen[bytes], list[socket.socket]]:
    """Start a zygote, not waiting for its imports, with one control connection per grader."""
    pairs = [socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET) for _ in range(graders)]
    fds = [theirs.fileno() for _, theirs in pairs]
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "grader.sandbox.zygote", *map(str, fds)],
            pass_fds=fds,
            env=runner_environment(),
            cwd="/",
            stdin=subprocess.DEVNULL,
        )
    except BaseException:
        for ours, _ in pairs:
            ours.close()
        raise
    finally:
        for _, theirs in pairs:
            theirs.close()
    return process, [ours for ours, _ in pairs]


def runner_environment() -> dict[str, str]:
    """The environment a zygote starts with: the grader's own variables are not passed on."""
    env = {name: os.environ[name] for name in _ENVIRONMENT_PASSED_ON if name in os.environ}
    env.setdefault("PATH", "/usr/local/bin:/usr/bin:/bin")
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[2])
    env["TF_CPP_MIN_LOG_LEVEL"] = "3"
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env["MPLBACKEND"] = "Agg"
    # IPython and matplotlib want a writable folder of their own, which an instructor's
    # home need not be; without one each warns at every start.
    scratch = Path(tempfile.gettempdir()) / f"tf-grader-{os.getuid()}"
    scratch.mkdir(mode=0o700, exist_ok=True)
    env["IPYTHONDIR"] = str(scratch / "ipython")
    env["MPLCONFIGDIR"] = str(scratch / "matplotlib")
    return env


def _status_of_popen(returncode: int) -> int:
    return 128 - returncode if returncode < 0 else returncode


def _confinement_to_json(confinement: Confinement) -> dict[str, Any]:
    return {
        "limits": asdict(confinement.limits),
        "hidden_paths": list(confinement.hidden_paths),
        "cgroup": list(confinement.cgroup),
        "workdir": confinement.workdir,
    }


def _confinement_from_json(data: dict[str, Any]) -> Confinement:
    return Confinement(
        Limits(**data["limits"]),
        tuple(data["hidden_paths"]),
        tuple(data.get("cgroup", ())),
        str(data.get("workdir", "")),
    )


# ---------------------------------------------------------------------------
# Inside the zygote process (trusted; no student code runs here).


def _serve(controls: list[socket.socket]) -> None:
    """Answer every grader connected over ``controls`` until the last one has gone.

    One zygote may serve several graders (the workers of a batch). A request is answered
    at once, a ``wait`` as soon as its runner has ended (or been killed at its timeout),
    so that one grader waiting for a runner never holds up another's fork.
    """
    from grader.sandbox import runner

    try:
        with native_logs_dropped():
            runner.prepare()
    except Exception as error:
        for control in controls:
            with contextlib.suppress(OSError):
                control.send(json.dumps({"ready": False, "error": repr(error)}).encode())
        return
    live = list(controls)
    waits: list[_PendingWait] = []
    while live:
        readable, _, _ = select.select(live, [], [], _WAIT_POLL_SECONDS if waits else None)
        for control in readable:
            if not _answer(control, live, waits):
                live.remove(control)
                control.close()
        waits = [w for w in waits if not w.answered()]


@dataclass
class _PendingWait:
    """A grader's ``wait`` for one runner's supervisor, answered when it has ended."""

    control: socket.socket
    pid: int
    deadline: float
    killed: bool = False

    def answered(self) -> bool:
        try:
            done, status = os.waitpid(self.pid, os.WNOHANG)
        except ChildProcessError:
            self._reply(None)
            return True
        if done:
            self._reply(
                os.WEXITSTATUS(status) if os.WIFEXITED(status) else 128 + os.WTERMSIG(status)
            )
            return True
        if time.monotonic() > self.deadline:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)
            self.deadline = time.monotonic() + 5
        return False

    def _reply(self, status: int | None) -> None:
        with contextlib.suppress(OSError):
            self.control.send(json.dumps({"status": status}).encode())


def _answer(control: socket.socket, live: list[socket.socket], waits: list[_PendingWait]) -> bool:
    """Answer one request on ``control``; False when that grader has gone."""
    try:
        data, fds, _flags, _addr = socket.recv_fds(control, 1 << 16, 1)
    except OSError:
        return False
    if not data:
        return False
    request = json.loads(data)
    if request["op"] == "hello":
        control.send(json.dumps({"ready": True}).encode())
    elif request["op"] == "fork":
        confinement = _confinement_from_json(request["confinement"])
        pid = _fork_supervisor(live, fds[0], confinement)
        os.close(fds[0])
        control.send(json.dumps({"pid": pid}).encode())
    elif request["op"] == "wait":
        deadline = time.monotonic() + float(request["timeout"])
        waits.append(_PendingWait(control, int(request["pid"]), deadline))
    return True


def _fork_supervisor(
    controls: list[socket.socket], runner_fd: int, confinement: Confinement
) -> int:
    pid = os.fork()
    if pid:
        return pid
    try:
        for control in controls:
            control.close()
        die_with_parent()
        _supervise(runner_fd, confinement)
    finally:
        os._exit(70)


def _supervise(runner_fd: int, confinement: Confinement) -> None:
    """The supervisor: enter namespaces, fork the runner, wait for it, exit with its status."""
    # The supervisor's pid is unique among live processes, so the runner's uid is too.
    index = os.getpid()
    reap_orphans()
    entered, missing = enter_namespaces()
    if not entered:
        # No private /tmp: the runner's folder is made here, so that it goes with it.
        scratch = tempfile.mkdtemp(prefix="grader-runner-")
        confinement = replace(confinement, workdir=scratch)
    pid = os.fork()
    if pid == 0:
        from grader.sandbox import runner

        die_with_parent()
        # The runner joins its group itself, before any student code: the supervisor
        # stays outside, so that emptying the group never takes the runner's reaper.
        missing += join_cgroup(confinement.cgroup)
        sock = socket.socket(fileno=runner_fd)
        try:
            runner.serve(sock, confinement, index, entered, missing)
        finally:
            os._exit(0)
    os.close(runner_fd)
    wall = confinement.limits.total_wall_seconds + _SUPERVISOR_GRACE_SECONDS
    status = _wait_for_runner(pid, wall, entered)
    if confinement.workdir:
        shutil.rmtree(confinement.workdir, ignore_errors=True)
    os._exit(status)


def _wait_for_runner(pid: int, wall_seconds: float, in_namespace: bool) -> int:
    def on_alarm(_signum: int, _frame: object) -> None:
        raise TimeoutError

    signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, wall_seconds)
    try:
        _, status = os.waitpid(pid, 0)
        signal.setitimer(signal.ITIMER_REAL, 0)
        code = os.WEXITSTATUS(status) if os.WIFEXITED(status) else 128 + os.WTERMSIG(status)
    except TimeoutError:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        code = WALL_TIMEOUT_STATUS
    if not in_namespace:
        # Without a PID namespace, whatever the runner left in its session goes now.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pid, signal.SIGKILL)
    _end_orphans()
    return code


def _end_orphans(within: float = 2.0) -> None:
    """Kill and reap every process left below the supervisor (it is their reaper)."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        for orphan in descendants(os.getpid()):
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(orphan, signal.SIGKILL)
        try:
            done, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if not done:
            time.sleep(0.005)


def _spawned_runner(fd: int, confinement_json: str, index: int) -> None:
    from grader.sandbox import runner

    die_with_parent()
    confinement = _confinement_from_json(json.loads(confinement_json))
    missing = join_cgroup(confinement.cgroup)
    with native_logs_dropped():
        runner.prepare()
    sock = socket.socket(fileno=fd)
    missing.append("a warm zygote (spawned): this runner paid for its own imports")
    runner.serve(sock, confinement, index, False, missing)


def main(argv: list[str]) -> None:
    die_with_parent()
    if argv and argv[0] == "--spawn":
        _spawned_runner(int(argv[1]), argv[2], int(argv[3]))
        return
    _serve([socket.socket(fileno=int(fd)) for fd in argv])
    # The grader has gone: nothing here needs tidying, and tearing down an interpreter
    # that holds TensorFlow takes seconds the student waits for.
    os._exit(0)


if __name__ == "__main__":
    main(sys.argv[1:])
