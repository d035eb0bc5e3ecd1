"""The grader's side of a runner: one session from fork to exit, with its time budgets.

Runs on the **grader** side of the boundary. Every answer is decoded as data by
:mod:`grader.sandbox.wire`; every time limit is enforced here, whatever the runner
says. A runner that overruns, closes its socket, or sends anything malformed is
killed, and every later request fails fast with :class:`~grader.errors.RunnerGone`.
"""

from __future__ import annotations

import contextlib
import select
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from grader.errors import (
    BudgetSpent,
    ProtocolError,
    RunnerCrashed,
    RunnerGone,
    RunnerMisbehaved,
    RunnerOutOfMemory,
    RunnerTimedOut,
    StudentError,
)
from grader.results.model import CellRun, CellStatus, Overrun
from grader.sandbox import channel, wire
from grader.sandbox.cgroup import ProcessTreeMeter, RunnerCgroup
from grader.sandbox.confinement import Confinement
from grader.sandbox.requests import Op
from grader.sandbox.zygote import RunnerProcess, Runners, describe_status
from grader.text import TextBudget, display_text

#: A spawned runner imports TensorFlow before it is ready: room for that on a busy machine.
_STARTUP_SECONDS = 180.0
#: How far past its budget a runner may go before the grader kills it: time for the
#: runner's own interrupt to land and for its answer to be written.
_CPU_GRACE = 3.0
_WALL_GRACE = 5.0
_POLL_SECONDS = 0.1
#: What the meter may read short of a budget the runner's own timer has reached: a
#: fixed part and a share of the budget.
_SLACK = 0.05
_TOLERANCE = 0.05


@dataclass(frozen=True)
class SectionBudget:
    """The CPU and wall seconds one exercise section may use."""

    cpu_seconds: float
    wall_seconds: float


@dataclass
class _Usage:
    cpu: float = 0.0
    wall: float = 0.0


@dataclass(frozen=True)
class _Allowance:
    """Seconds left to the current section, and the budget (name, size) behind each."""

    cpu: float
    wall: float
    cpu_limit: tuple[str, float]
    wall_limit: tuple[str, float]


class RunnerSession:
    """One submission's runner, from fork to exit, as the grader drives it.

    Time is charged to the section being graded (:meth:`enter_section`): its cells and
    the calls its checks make. CPU is read from the runner's control group, or from
    ``/proc`` where there is none, never from what the runner says.
    """

    def __init__(
        self,
        zygote: Runners,
        confinement: Confinement,
        budget_for: Callable[[str | None], SectionBudget] | None = None,
    ) -> None:
        self._zygote = zygote
        self._limits = confinement.limits
        self._budget_for = budget_for or self._default_budget
        self._cgroup = RunnerCgroup.create(
            memory_bytes=self._limits.memory_mb * 2**20, processes=self._limits.processes
        )
        if self._cgroup is not None:
            confinement = replace(confinement, cgroup=tuple(self._cgroup.join_files))
        try:
            self._process: RunnerProcess = zygote.start_runner(confinement)
        except BaseException:
            if self._cgroup is not None:
                self._cgroup.remove()
            raise
        self._meter: RunnerCgroup | ProcessTreeMeter = self._cgroup or ProcessTreeMeter(
            self._process.pid
        )
        self._channel = channel.Channel(self._process.sock)
        self._section: str | None = None
        self._used: dict[str | None, _Usage] = {}
        self._total = _Usage()
        self.gone: RunnerGone | None = None
        self.exit_status: int | None = None
        #: Every budget the submission ran out of, in the order it happened.
        self.overruns: list[Overrun] = []
        self._cell: int | None = None
        self._stdout = TextBudget(self._limits.output_bytes)
        self._error_text = TextBudget(self._limits.output_bytes)
        # Images have a budget of their own, as in the runner: plots never cut the text.
        self._image_characters = self._limits.image_bytes
        #: Wall-clock seconds spent waiting on the runner's answers (cells and calls).
        self.waited = 0.0
        ready = self._exchange(None, startup=True)
        self.missing_protections: list[str] = _protections(ready)
        #: Whether the runner got its own namespaces and filesystem view. Said before any
        #: student code ran, by the runner while it was still the grader's own code.
        self.confined = isinstance(ready, dict) and ready.get("confined") is True
        if self._cgroup is None:
            self.missing_protections.append(
                "a control group per runner (not root, or no writable cgroup): CPU is "
                "counted through /proc and memory is capped per process"
            )

    def _default_budget(self, _section: str | None) -> SectionBudget:
        return SectionBudget(self._limits.cpu_seconds, self._limits.wall_seconds)

    def enter_section(self, section: str | None) -> None:
        """Charge what follows to ``section`` (an exercise id; None is the preamble)."""
        self._section = section

    # -- life cycle -------------------------------------------------------

    def close(self) -> str:
        """End the runner and give its exit status in words."""
        if self.gone is None:
            with contextlib.suppress(OSError):
                self._channel.send(wire.encode_frame({"op": Op.EXIT}))
        self.exit_status = self._zygote.wait(self._process, timeout=2.0)
        if self._cgroup is not None:
            self._cgroup.remove()
        if self.gone is not None:
            return f"{self.gone} ({describe_status(self.exit_status)})"
        return describe_status(self.exit_status)

    def _kill(self, message: str, kind: type[RunnerGone]) -> RunnerGone:
        # A runner that closed its end has ended on its own: its exit status is still to
        # be read, so it is not killed; close() collects it (killing after a short wait).
        if kind is not RunnerCrashed:
            self._zygote.kill(self._process)
            if self._cgroup is not None:
                self._cgroup.kill_all()
        if self._cgroup is not None and self._cgroup.hit_memory_limit():
            kind = RunnerOutOfMemory
            message = f"the runner passed its {self._limits.memory_mb} MiB memory limit"
        self.gone = kind(message)
        return self.gone

    # -- budgets ----------------------------------------------------------

    def _allowance(self) -> _Allowance:
        """What the current section may still use, within the submission's totals."""
        budget = self._budget_for(self._section)
        used = self._used.setdefault(self._section, _Usage())
        cpu = min(
            (budget.cpu_seconds - used.cpu, "cpu", budget.cpu_seconds),
            (
                self._limits.total_cpu_seconds - self._total.cpu,
                "total-cpu",
                self._limits.total_cpu_seconds,
            ),
        )
        wall = min(
            (budget.wall_seconds - used.wall, "wall", budget.wall_seconds),
            (
                self._limits.total_wall_seconds - self._total.wall,
                "total-wall",
                self._limits.total_wall_seconds,
            ),
        )
        return _Allowance(cpu[0], wall[0], (cpu[1], cpu[2]), (wall[1], wall[2]))

    def _charge(self, cpu: float, wall: float) -> None:
        used = self._used.setdefault(self._section, _Usage())
        used.cpu += cpu
        used.wall += wall
        self._total.cpu += cpu
        self._total.wall += wall

    def _record(self, limit: tuple[str, float]) -> Overrun:
        """Note that ``limit`` ran out; what is left of it is then nothing at all."""
        name, seconds = limit
        used = self._used.setdefault(self._section, _Usage())
        usage = self._total if name.startswith("total") else used
        if name.endswith("cpu"):
            usage.cpu = max(usage.cpu, seconds)
        else:
            usage.wall = max(usage.wall, seconds)
        overrun = Overrun(self._section, self._cell, name, seconds)
        last = self.overruns[-1] if self.overruns else None
        if last is None or (last.exercise, last.limit) != (overrun.exercise, overrun.limit):
            self.overruns.append(overrun)
        return overrun

    def _spent(self) -> Overrun | None:
        """The budget the current section has used up, by the grader's own meter, if any.

        The runner's timer counts CPU time in clock ticks and the control group in
        nanoseconds, so a budget counts as used up a little before the meter reaches it.
        """
        allowance = self._allowance()
        for left, limit in (
            (allowance.cpu, allowance.cpu_limit),
            (allowance.wall, allowance.wall_limit),
        ):
            if left <= _SLACK + _TOLERANCE * limit[1]:
                return self._record(limit)
        return None

    # -- requests ---------------------------------------------------------

    def run_cell(
        self, cell: int, exercise: str | None, source: str, first_line: int = 1
    ) -> CellRun:
        """Run one chunk of the submission; a runner that dies gives a 'crashed' run.

        ``cell`` and ``first_line`` say where the chunk is in the notebook, so that its
        traceback names the cell and line as the student numbers them.
        """
        self.enter_section(exercise)
        self._cell = cell
        try:
            return self._within_budgets(self._run_cell(cell, exercise, source, first_line))
        finally:
            self._cell = None

    def _within_budgets(self, run: CellRun) -> CellRun:
        # The runner caps its output, but a submission can replace the runner's own code:
        # the grader cuts each cell's text, and the whole submission's, whatever it says.
        return replace(
            run,
            stdout=self._stdout.take(run.stdout, self._limits.output_bytes),
            ename=display_text(run.ename, _MAX_ENAME),
            evalue=self._error_text.take(run.evalue, _MAX_EVALUE),
            traceback=self._error_text.take(run.traceback, _MAX_TRACEBACK),
            images=self._images_within_budget(run.images),
        )

    def _images_within_budget(
        self, images: tuple[tuple[str, str], ...]
    ) -> tuple[tuple[str, str], ...]:
        # Whole images only, while the submission's share of image text lasts.
        kept = []
        for mime, data in images:
            if len(data) <= self._image_characters:
                self._image_characters -= len(data)
                kept.append((mime, data))
        return tuple(kept)

    def _run_cell(self, cell: int, exercise: str | None, source: str, first_line: int) -> CellRun:
        started = time.perf_counter()
        request = {"op": Op.RUN, "source": source, "cell": cell, "first_line": first_line}
        try:
            value = self._exchange(request)
        except BudgetSpent as refused:
            # Nothing left of the section's budget: the cell is not sent at all.
            return CellRun(cell, exercise, "timeout", ename=refused.ename, evalue=refused.evalue)
        except RunnerGone as gone:
            ended: CellStatus = "timeout" if isinstance(gone, RunnerTimedOut) else "crashed"
            return CellRun(
                cell,
                exercise,
                ended,
                ename="RunnerGone",
                evalue=str(gone),
                seconds=time.perf_counter() - started,
            )
        if not isinstance(value, dict):
            raise self._kill("the runner's answer to a cell was not a record", RunnerMisbehaved)
        reported = value.get("error")
        error: dict[str, Any] = reported if isinstance(reported, dict) else {}
        reported_status = value.get("status")
        if reported_status not in ("ok", "error", "timeout"):
            message = f"the runner reported an unknown cell status {reported_status!r}"
            raise self._kill(message, RunnerMisbehaved)
        status: CellStatus = reported_status
        spent = self._spent() if status in ("timeout", "error") else None
        if spent is not None:
            status = "timeout"
            error = {
                "ename": "TimeoutError",
                "evalue": spent.describe(),
                "traceback": _text(error.get("traceback")),
            }
        elif status == "timeout":
            # The runner says it timed out, but the grader measured no budget used up:
            # whatever raised, it was the submission's own doing.
            status = "error"
        return CellRun(
            cell=cell,
            exercise=exercise,
            status=status,
            stdout=_text(value.get("stdout")),
            ename=_text(error.get("ename")),
            evalue=_text(error.get("evalue")),
            traceback=_text(error.get("traceback")),
            seconds=time.perf_counter() - started,
            images=wire.cell_images(value.get("images")),
        )

    def request(self, op: Op, **fields: Any) -> Any:
        """Ask the runner for something; give its answer as the wire decoded it (handles
        and tensor values as such: :mod:`grader.grading.proxies` makes them objects)."""
        return self._exchange({"op": op, **fields})

    def _exchange(self, message: dict[str, Any] | None, *, startup: bool = False) -> Any:
        if self.gone is not None:
            raise self.gone
        if startup:
            allowance = _Allowance(
                _STARTUP_SECONDS,
                _STARTUP_SECONDS,
                ("startup", _STARTUP_SECONDS),
                ("startup", _STARTUP_SECONDS),
            )
        else:
            allowance = self._allowance()
            if allowance.cpu <= _SLACK or allowance.wall <= _SLACK:
                spent = self._spent()
                assert spent is not None
                if spent.limit.startswith("total"):
                    raise self._kill(spent.describe(), RunnerTimedOut)
                raise BudgetSpent(spent)
        cpu_before, wall_before = self._meter.cpu_seconds(), time.monotonic()
        try:
            if message is not None:
                budget = {"cpu": allowance.cpu, "wall": allowance.wall}
                self._channel.send(wire.encode_frame({**message, "budget": budget}))
            over = self._await_reply(cpu_before, wall_before, allowance)
            if over is not None:
                raise self._kill(
                    f"{self._record(over).describe()}, and did not stop", RunnerTimedOut
                )
            waited = time.monotonic() - wall_before
            reply = self._channel.receive(timeout=max(allowance.wall + _WALL_GRACE - waited, 1.0))
        except TimeoutError:
            if startup:
                late = f"the runner did not start within {_STARTUP_SECONDS:.0f} s"
                raise self._kill(late, RunnerTimedOut) from None
            overrun = self._record(allowance.wall_limit)
            raise self._kill(f"{overrun.describe()}, and did not stop", RunnerTimedOut) from None
        except EOFError:
            raise self._kill("the runner exited", RunnerCrashed) from None
        except ProtocolError as error:
            raise self._kill(
                f"the runner sent a malformed message: {error}", RunnerMisbehaved
            ) from None
        except OSError as error:
            raise self._kill(f"the runner's connection broke: {error}", RunnerCrashed) from None
        finally:
            if not startup:
                wall = time.monotonic() - wall_before
                self.waited += wall
                self._charge(self._meter.cpu_seconds() - cpu_before, wall)
        if reply.get("ok") is True:
            return reply.get("value")
        failure = reply.get("error")
        if reply.get("ok") is False and isinstance(failure, dict):
            ename, evalue = _text(failure.get("ename")), _text(failure.get("evalue"))
            spent = None if startup else self._spent()
            if spent is not None:
                raise BudgetSpent(spent)
            raise StudentError(
                display_text(ename, _MAX_ENAME),
                display_text(evalue, _MAX_EVALUE),
                _text(failure.get("traceback"), _MAX_TRACEBACK),
            )
        raise self._kill("the runner's answer has neither a value nor an error", RunnerMisbehaved)

    def _await_reply(
        self, cpu_before: float, wall_before: float, allowance: _Allowance
    ) -> tuple[str, float] | None:
        """Wait until the runner's reply starts to arrive, watching what it consumes; give
        the budget it overran past its grace without answering, if it did.

        The runner interrupts itself at its budget; one that does not (it blocks the
        signal, or its children compute) is stopped here.
        """
        sock = self._channel.sock
        while True:
            readable, _, _ = select.select([sock], [], [], _POLL_SECONDS)
            if readable:
                return None
            if self._meter.cpu_seconds() - cpu_before > allowance.cpu + _CPU_GRACE:
                return allowance.cpu_limit
            if time.monotonic() - wall_before > allowance.wall + _WALL_GRACE:
                return allowance.wall_limit


#: Most characters kept of one field of the runner's answers, before finer caps apply.
_MAX_TEXT = 1024 * 1024
_MAX_ENAME = 200
_MAX_EVALUE = 4000
_MAX_TRACEBACK = 32 * 1024


def _text(value: Any, limit: int = _MAX_TEXT) -> str:
    """Give a text field of the runner's answer made safe: see :func:`grader.text.display_text`."""
    return display_text(value, limit)


def _protections(ready: Any) -> list[str]:
    missing = ready.get("missing") if isinstance(ready, dict) else None
    if not isinstance(missing, list):
        return []
    return [display_text(item, 500) for item in missing[:20] if isinstance(item, str)]
