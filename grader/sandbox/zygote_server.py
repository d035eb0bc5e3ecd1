"""The zygote process: imports TensorFlow once, then forks a supervised runner per request.

No student code ever runs in the zygote, and it runs no TensorFlow op, so that a fork of
it is a clean, fast start for one submission. It answers :class:`ZygoteOp` requests from
one or more graders' control sockets (:mod:`grader.sandbox.zygote` is their side), never
blocking one grader on another's: a ``wait`` is answered when its runner ends.

Each fork is a small supervisor (ours, trusted) that enters new namespaces, forks
the runner itself, waits for it with the submission's wall-clock limit, and exits
with the runner's status: the code it exited with, ``128 + signal`` if a signal
ended it, or :data:`WALL_TIMEOUT_STATUS` if the supervisor had to kill it.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import shutil
import signal
import socket
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, replace
from typing import Any

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
from grader.sandbox.requests import ZygoteOp

#: The exit status of a runner its supervisor killed at the wall-clock limit.
WALL_TIMEOUT_STATUS = 124
_SUPERVISOR_GRACE_SECONDS = 5.0
_WAIT_POLL_SECONDS = 0.005


def confinement_to_json(confinement: Confinement) -> dict[str, Any]:
    return {
        "limits": asdict(confinement.limits),
        "hidden_paths": list(confinement.hidden_paths),
        "cgroup": list(confinement.cgroup),
        "workdir": confinement.workdir,
    }


def confinement_from_json(data: dict[str, Any]) -> Confinement:
    return Confinement(
        Limits(**data["limits"]),
        tuple(data["hidden_paths"]),
        tuple(data.get("cgroup", ())),
        str(data.get("workdir", "")),
    )


def _serve(controls: list[socket.socket], *, prepared: bool = False) -> None:
    """Answer every grader connected over ``controls`` until the last one has gone.

    One zygote may serve several graders (the workers of a batch, the commands of the
    warm server). A request is answered at once, a ``wait`` as soon as its runner has
    ended (or been killed at its timeout), so that one grader waiting for a runner never
    holds up another's fork. ``prepared``: the runners' imports are done already (in the
    warm server this zygote was forked from).
    """
    from grader.sandbox import runner

    try:
        if not prepared:
            with native_logs_dropped():
                runner.prepare()
    except Exception as error:
        for control in controls:
            with contextlib.suppress(OSError):
                control.send(json.dumps({"ready": False, "error": repr(error)}).encode())
        return
    live = list(controls)
    waits: list[_PendingWait] = []
    #: Each runner's supervisor not yet waited for, and the grader that asked for it.
    forked: dict[int, socket.socket] = {}
    #: Supervisors whose grader went away without waiting: killed, not yet reaped.
    abandoned: list[int] = []
    while live:
        polling = waits or abandoned
        readable, _, _ = select.select(live, [], [], _WAIT_POLL_SECONDS if polling else None)
        for control in readable:
            if not _answer(control, live, waits, forked):
                live.remove(control)
                control.close()
                # A grader that is gone never waits for its runners: they go with it.
                abandoned += _kill_runners_of(control, forked)
        ended = [w for w in waits if w.answered()]
        for wait in ended:
            forked.pop(wait.pid, None)
        waits = [w for w in waits if w not in ended]
        abandoned = [pid for pid in abandoned if not _reaped(pid)]


def _kill_runners_of(control: socket.socket, forked: dict[int, socket.socket]) -> list[int]:
    """Kill the supervisors ``control``'s grader asked for (each runner dies with its own)."""
    pids = [pid for pid, asker in forked.items() if asker is control]
    for pid in pids:
        del forked[pid]
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    return pids


def _reaped(pid: int) -> bool:
    try:
        done, _ = os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return True
    return bool(done)


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


def _answer(
    control: socket.socket,
    live: list[socket.socket],
    waits: list[_PendingWait],
    forked: dict[int, socket.socket],
) -> bool:
    """Answer one request on ``control``; False when that grader has gone. Each
    supervisor forked is noted in ``forked``."""
    try:
        data, fds, _flags, _addr = socket.recv_fds(control, 1 << 16, 1)
    except OSError:
        return False
    if not data:
        return False
    request = json.loads(data)
    if request["op"] == ZygoteOp.HELLO:
        control.send(json.dumps({"ready": True}).encode())
    elif request["op"] == ZygoteOp.FORK:
        confinement = confinement_from_json(request["confinement"])
        pid = _fork_supervisor(live, fds[0], confinement)
        os.close(fds[0])
        forked[pid] = control
        control.send(json.dumps({"pid": pid}).encode())
    elif request["op"] == ZygoteOp.WAIT:
        deadline = time.monotonic() + float(request["timeout"])
        waits.append(_PendingWait(control, int(request["pid"]), deadline))
    elif request["op"] == ZygoteOp.CONNECT:
        for fd in fds:
            os.close(fd)
        pairs = [
            socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
            for _ in range(max(1, min(int(request.get("count", 1)), 64)))
        ]
        live.extend(ours for ours, _ in pairs)
        try:
            reply = json.dumps({"connected": len(pairs)}).encode()
            socket.send_fds(control, [reply], [theirs.fileno() for _, theirs in pairs])
        finally:
            for _, theirs in pairs:
                theirs.close()
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
    confinement = confinement_from_json(json.loads(confinement_json))
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
