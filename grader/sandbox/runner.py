"""The runner: the only process where student code runs.

Everything in this module runs on the **untrusted** side of the boundary. Once
the first cell has run, student code may have replaced any of it, so nothing the
runner says is believed by the grader: the grader decodes every answer as data
(:mod:`grader.sandbox.wire`) and enforces every time limit from its own side.

The runner executes cells with IPython's ``InteractiveShell`` (magics, ``!``
commands, a failing cell does not stop later ones), then answers the grader's
requests (:mod:`grader.sandbox.requests`): look a name up, get an attribute, call, index,
take a length. A result that is data goes back as data; anything else stays here as a
numbered handle.
"""

from __future__ import annotations

import base64
import importlib.abc
import importlib.machinery
import io
import os
import re
import signal
import socket
import sys
import time
import traceback
from functools import partial
from types import FrameType
from typing import Any

from grader.errors import ProtocolError
from grader.sandbox import channel, wire
from grader.sandbox.confinement import Confinement, confine
from grader.sandbox.confinement import prepare as prepare_confinement
from grader.sandbox.requests import Answers, Op

_shell: Any = None


#: Every submission starts from the same random state, so the same file gets the same grade.
RANDOM_SEED = 20240101


class CellTimeout(KeyboardInterrupt):
    """Raised inside student code when a cell or a call overruns its section's budget.

    A KeyboardInterrupt, so that ``except Exception`` in student code does not swallow it.
    """


def prepare() -> None:
    """Import what every runner needs and build the shell once, before any fork (in the zygote)."""
    global _shell
    prepare_confinement()
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    os.environ.setdefault("MPLBACKEND", "Agg")
    import keras  # noqa: F401
    import numpy.random  # noqa: F401  (imported lazily by seeding, after confinement)
    import tensorflow  # noqa: F401
    from IPython.core.interactiveshell import InteractiveShell
    from traitlets import Type
    from traitlets.config import Config

    config = Config()
    config.HistoryManager.enabled = False
    config.InteractiveShell.colors = "nocolor"
    config.InteractiveShell.cache_size = 0

    class RunnerShell(InteractiveShell):
        last_traceback: list[str] = []  # noqa: RUF012
        display_pub_class = Type(_display_publisher_class())
        #: Where the cell being run starts in the notebook's cell (a marker splits a cell).
        first_line = 1

        def _showtraceback(self, etype: Any, evalue: Any, stb: list[str]) -> None:
            RunnerShell.last_traceback = list(stb)

        def line_up(self, lines: list[str]) -> list[str]:
            # Blank lines before the chunk make a traceback's line numbers the cell's own;
            # they are added after IPython's clean-up, which drops leading blank lines.
            return ["\n"] * (self.first_line - 1) + lines

        def enable_matplotlib(self, gui: str | None = None) -> Any:
            # A graded notebook has no window and no browser to draw in: figures are
            # drawn inline, as PNG outputs of the cell, whatever backend it asks for.
            if gui not in (None, "auto", "inline"):
                print(_ONLY_INLINE.format(gui=gui))
            return super().enable_matplotlib("inline")  # type: ignore[no-untyped-call]

        def enable_gui(self, gui: str | None = None) -> None:
            # Inline figures need no event loop; enable_matplotlib never asks for another.
            return None

        def system(self, cmd: str) -> None:
            # `!pip install` and `%pip install` would reach for the network the runner
            # does not have; the packages are fixed, so the answer is a sentence.
            if _INSTALL.search(cmd):
                print(_NO_INSTALL)
                return
            super().system(cmd)  # type: ignore[no-untyped-call]

        def getoutput(self, cmd: str, split: bool = True, depth: int = 0) -> Any:
            # `out = !pip install x` goes here rather than through system().
            if _INSTALL.search(cmd):
                print(_NO_INSTALL)
                cmd = "true"
            return super().getoutput(cmd, split, depth)  # type: ignore[no-untyped-call]

    _shell = RunnerShell.instance(config=config)
    _shell.input_transformers_post.append(_shell.line_up)
    sys.meta_path.append(_ColabStandIn())
    _inline_figures()
    _warm_traceback_formatting()


#: A package manager's install, options before the verb too (``apt-get -qq install -y``).
_INSTALL = re.compile(r"(^|[\s/])(pip3?|conda|mamba|uv pip|apt(-get)?)(\s+-\S+)*\s+install\b")
_NO_INSTALL = (
    "채점 환경에서는 패키지를 설치하지 않습니다(네트워크가 없고 패키지가 정해져 있습니다). "
    "이 줄은 건너뛰었습니다. / Packages are not installed when grading (there is no network, "
    "and the package set is fixed); this line was skipped."
)
_ONLY_INLINE = (
    "채점 환경에는 창이 없어 그림은 셀 출력(PNG)으로 그립니다(%matplotlib {gui} 대신 inline). "
    "/ Grading has no window: figures are drawn inline, as PNG outputs of the cell "
    "(inline instead of %matplotlib {gui})."
)
_IMAGE_LEFT_OUT = (
    "[그림 출력 한도를 넘어 이 셀의 그림 일부가 빠졌습니다 · "
    "images of this cell were left out: over the image output limit]"
)
_NO_COLAB = (
    "채점 환경은 Colab이 아니므로 google.colab은 아무 일도 하지 않습니다(드라이브 연결 등). "
    "/ Grading does not run in Colab: google.colab does nothing here (no drive is mounted)."
)


class _ColabStandIn(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Gives ``google.colab`` (and its ``drive``, ``files`` …) as modules that do nothing,
    saying so once, so that a Colab notebook's set-up cell does not stop its grading."""

    said = False

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> Any:
        if name not in ("google", "google.colab") and not name.startswith("google.colab."):
            return None
        if name == "google" and importlib.machinery.PathFinder.find_spec(name) is not None:
            return None
        return importlib.machinery.ModuleSpec(name, self, is_package=True)

    def create_module(self, spec: Any) -> Any:
        return None

    def exec_module(self, module: Any) -> None:
        module.__path__ = []
        if module.__name__.startswith("google.colab") and not _ColabStandIn.said:
            _ColabStandIn.said = True
            print(_NO_COLAB)
        module.__getattr__ = _colab_attribute


def _colab_attribute(name: str) -> Any:
    if name.startswith("__"):
        raise AttributeError(name)
    return _ColabNothing()


class _ColabNothing:
    """Any function or object of ``google.colab``: callable, and each attribute another."""

    def __call__(self, *args: Any, **kwargs: Any) -> None:
        return None

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return _ColabNothing()


def _inline_figures() -> None:
    """Draw figures as Jupyter's inline backend does: each cell's figures become its PNG
    outputs when it ends, or when it calls ``plt.show()``.

    Keras imports matplotlib's pyplot in the zygote already, when matplotlib is
    installed; choosing the backend here costs a few milliseconds more.
    """
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        return
    _shell.enable_matplotlib("inline")


def _display_publisher_class() -> Any:
    """IPython's display publisher, keeping the PNG and JPEG images a cell displays."""
    from IPython.core.displaypub import DisplayPublisher

    class RunnerDisplayPublisher(DisplayPublisher):
        """Keeps a cell's raster images for its run reply, prints the plain text of the
        rest (as IPython's own does), and keeps no history of either."""

        images: _CellImages | None = None

        def publish(self, data: Any, metadata: Any = None, *args: Any, **kwargs: Any) -> None:
            if not isinstance(data, dict):
                raise TypeError(f"data must be a dict, got: {data!r}")
            for mime in wire.IMAGE_TYPES:
                if mime in data and self.images is not None:
                    if not self.images.keep(mime, data[mime]) and self.images.first_left_out():
                        # Said once a cell: a flood of figures must not flood the text too.
                        print(_IMAGE_LEFT_OUT)
                    return
            if "text/plain" in data:
                print(data["text/plain"])

    return RunnerDisplayPublisher


class _CellImages:
    """The images one cell displayed, as base64, within the image budget the whole
    submission has (:attr:`Limits.image_bytes`, apart from its text's), and at most so
    many a cell."""

    def __init__(self, budget: list[int]) -> None:
        self._budget = budget
        self._images: list[list[str]] = []
        self._left_out = 0

    def keep(self, mime: str, data: Any) -> bool:
        if isinstance(data, bytes):
            text = base64.b64encode(data).decode("ascii")
        elif isinstance(data, str):
            text = "".join(data.split())
        else:
            return False
        cap = min(wire.MAX_IMAGE_BASE64, self._budget[0])
        if not text or len(text) > cap or len(self._images) >= wire.MAX_CELL_IMAGES:
            self._left_out += 1
            return False
        self._budget[0] -= len(text)
        self._images.append([mime, text])
        return True

    def first_left_out(self) -> bool:
        """Whether the image just left out is the first this cell left out."""
        return self._left_out == 1

    def take(self) -> list[list[str]]:
        images, self._images = self._images, []
        self._left_out = 0
        return images


def _warm_traceback_formatting() -> None:
    """Format one traceback now, so each runner does not pay for IPython's lazy imports."""
    try:
        raise ValueError("warm-up")
    except ValueError:
        _shell.InteractiveTB.structured_traceback(*sys.exc_info())


class _CappedStream(io.TextIOBase):
    """Collects text up to a budget shared by the whole submission; counts what it drops."""

    def __init__(self, budget: list[int]) -> None:
        self._parts: list[str] = []
        self._budget = budget
        self.dropped = 0

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        keep = text[: max(self._budget[0], 0)]
        self._budget[0] -= len(keep)
        self.dropped += len(text) - len(keep)
        if keep:
            self._parts.append(keep)
        return len(text)

    def take(self) -> str:
        text = "".join(self._parts)
        self._parts.clear()
        return text


def _on_timer(signum: int, _frame: FrameType | None) -> None:
    kind = "CPU" if signum == signal.SIGPROF else "wall-clock"
    raise CellTimeout(f"the section's {kind} time budget ran out")


def _budget(request: dict[str, Any]) -> tuple[float, float]:
    """The CPU and wall seconds the grader allows this request, from the request."""
    budget = request.get("budget")
    if not isinstance(budget, dict):
        return 60.0, 300.0
    return float(budget.get("cpu", 60.0)), float(budget.get("wall", 300.0))


class _Session:
    def __init__(self, channel: channel.Channel, confinement: Confinement) -> None:
        self.channel = channel
        self.limits = confinement.limits
        self.answers = Answers(_shell.user_ns)
        self.budget = [self.limits.output_bytes]
        self.stdout = _CappedStream(self.budget)
        self.images = _CellImages([self.limits.image_bytes])
        _shell.display_pub.images = self.images
        self.timed_out = False

    def send(self, message: dict[str, Any]) -> None:
        try:
            frame = wire.encode_frame(message, to_handle=self.answers.to_handle)
        except ProtocolError as error:
            frame = wire.encode_frame({"ok": False, "error": _error_text(error)})
        self.channel.send(frame)

    def with_time_limit(self, budget: tuple[float, float], action: Any) -> Any:
        """Run ``action``, interrupted when it has used the CPU or the wall seconds given.

        ITIMER_PROF counts this process's CPU time in all its threads, as the grader's
        meter does; the grader enforces the budget on its own side too, children included.
        """
        cpu, wall = budget
        self.timed_out = False
        signal.signal(signal.SIGPROF, _on_timer)
        signal.signal(signal.SIGALRM, _on_timer)
        signal.setitimer(signal.ITIMER_PROF, max(cpu, 0.01))
        signal.setitimer(signal.ITIMER_REAL, max(wall, 0.01))
        try:
            return action()
        except CellTimeout:
            self.timed_out = True
            raise
        finally:
            signal.setitimer(signal.ITIMER_PROF, 0)
            signal.setitimer(signal.ITIMER_REAL, 0)

    def run_cell(
        self, source: str, budget: tuple[float, float], cell: int = 1, first_line: int = 1
    ) -> dict[str, Any]:
        _shell.__class__.last_traceback = []
        # Tracebacks then say "Cell In[7], line 3" with the notebook's own numbers.
        _shell.execution_count = cell
        _shell.first_line = first_line
        started = time.perf_counter()
        try:
            result = self.with_time_limit(
                budget,
                lambda: _shell.run_cell(source, store_history=False, silent=False),
            )
        except CellTimeout:
            result = None
            self.timed_out = True
        if not self.timed_out and result is not None and result.error_in_exec is not None:
            self.timed_out = isinstance(result.error_in_exec, CellTimeout)
        error = _cell_error(result)
        status = "timeout" if self.timed_out else ("error" if error else "ok")
        return {
            "status": status,
            "stdout": self.stdout.take(),
            "images": self.images.take(),
            "error": error,
            "seconds": time.perf_counter() - started,
        }

    def serve(self) -> None:
        while True:
            try:
                request = self.channel.receive()
            except EOFError:
                return
            op = request.get("op")
            if op == Op.EXIT:
                return
            if op == Op.RUN:
                try:
                    value = self.run_cell(
                        str(request["source"]),
                        _budget(request),
                        _number(request.get("cell"), 1 << 20),
                        _number(request.get("first_line"), 1 << 20),
                    )
                except (KeyError, TypeError, ValueError) as error:
                    self.send({"ok": False, "error": _error_text(error)})
                    continue
                self.send({"ok": True, "value": value})
                continue
            try:
                answer = partial(self.answers.answer, request)
                value = self.with_time_limit(_budget(request), answer)
            except BaseException as error:
                self.send({"ok": False, "error": _error_text(error, timed_out=self.timed_out)})
                continue
            self.send({"ok": True, "value": value})


def _number(value: Any, largest: int) -> int:
    """A cell or line number from a request: a whole number from 1 to ``largest``."""
    if isinstance(value, int) and not isinstance(value, bool):
        return min(max(value, 1), largest)
    return 1


def _error_text(error: BaseException, timed_out: bool = False) -> dict[str, str]:
    ename = "TimeoutError" if timed_out else type(error).__name__
    lines = traceback.format_exception(type(error), error, error.__traceback__)
    return {"ename": ename, "evalue": _message_of(error), "traceback": "".join(lines)[-6000:]}


def _message_of(error: BaseException) -> str:
    """``str(error)``, capped; a stand-in when the student's own ``__str__`` itself fails."""
    try:
        return str(error)[:2000]
    except BaseException:
        return f"<{type(error).__name__}: its message could not be made (str() failed)>"


def _cell_error(result: Any) -> dict[str, str] | None:
    if result is None:
        return {
            "ename": "TimeoutError",
            "evalue": "the cell ran past its time limit",
            "traceback": "",
        }
    error = result.error_before_exec or result.error_in_exec
    if error is None:
        return None
    stb = "\n".join(_shell.__class__.last_traceback)
    return {"ename": type(error).__name__, "evalue": _message_of(error), "traceback": stb[-6000:]}


def serve(
    sock: socket.socket, confinement: Confinement, index: int, namespaces: bool, missing: list[str]
) -> None:
    """Confine this process, tell the grader it is ready, then answer until told to exit."""
    missing = [*missing, *confine(confinement, index, namespaces)]
    _seed_randomness()
    _detach_standard_streams(sock.fileno())
    session = _Session(channel.Channel(sock), confinement)
    sys.stdout = sys.stderr = session.stdout
    ready = {"ready": True, "missing": missing, "confined": namespaces}
    session.send({"ok": True, "value": ready})
    session.serve()


def _seed_randomness() -> None:
    """Seed Python, NumPy and TensorFlow before the submission's first cell (runner side).

    Otherwise a model's initial weights, and so a half-trained model's grade, change
    from one run of the same file to the next.
    """
    import keras

    keras.utils.set_random_seed(RANDOM_SEED)


def _detach_standard_streams(keep_fd: int) -> None:
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    os.close(null)
    os.closerange(3, keep_fd)
    os.closerange(keep_fd + 1, 1 << 16)
