"""The runner's own parts: output budget, time budgets, error records, installs, Colab."""

from __future__ import annotations

import base64
import sys
from collections.abc import Callable, Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from IPython.core.inputtransformer2 import TransformerManager
from IPython.core.magics.packaging import PackagingMagics

from grader.sandbox import runner as untrusted
from grader.sandbox import wire
from grader.sandbox.runner import (
    _INSTALL,
    _budget,
    _CappedStream,
    _CellImages,
    _ColabStandIn,
    _error_text,
)
from grader.sandbox.session import RunnerSession

# --- The output budget ---------------------------------------------------------------------

writes = st.lists(st.tuples(st.sampled_from([0, 1]), st.text(max_size=40)), max_size=30)


@given(budget=st.integers(0, 300), written=writes)
def test_two_streams_keep_the_first_characters_written_up_to_the_budget_they_share(
    budget: int, written: list[tuple[int, str]]
) -> None:
    shared = [budget]
    streams = [_CappedStream(shared), _CappedStream(shared)]
    for which, text in written:
        assert streams[which].write(text) == len(text)  # print() never sees a short write
    # The budget is spent in the order things were written, whichever stream wrote them.
    everything = "".join(text for _, text in written)
    kept = everything[:budget]
    expected = ["", ""]
    position = 0
    for which, text in written:
        expected[which] += kept[position : position + len(text)]
        position += len(text)
    assert [stream.take() for stream in streams] == expected
    for which, stream in enumerate(streams):
        mine = sum(len(text) for w, text in written if w == which)
        assert stream.dropped == mine - len(expected[which])
    assert shared[0] == budget - len(kept)


def test_what_a_stream_collected_is_taken_once() -> None:
    stream = _CappedStream([100])
    print("first cell", file=stream)
    assert stream.take() == "first cell\n"
    assert stream.take() == ""
    print("second cell", file=stream)
    assert stream.take() == "second cell\n"
    assert stream.writable()


def test_images_spend_their_own_budget_and_leave_the_texts_whole() -> None:
    images, stream = _CellImages([12]), _CappedStream([10])
    assert images.keep("image/png", b"123456")  # 8 characters of base64
    stream.write("0123456789")
    assert stream.take() == "0123456789"
    assert stream.dropped == 0
    assert not images.keep("image/png", b"more")  # nothing left of the images' budget
    assert images.take() == [["image/png", base64.b64encode(b"123456").decode()]]


def test_an_image_is_kept_as_base64_without_whitespace_and_not_if_it_is_not_text_or_bytes() -> None:
    images = _CellImages([10_000])
    assert images.keep("image/png", "iVBO\nRw0K GgoA\n")
    assert not images.keep("image/png", 12345)
    assert not images.keep("image/png", "")
    assert images.take() == [["image/png", "iVBORw0KGgoA"]]
    assert images.take() == []


def test_a_cell_keeps_at_most_so_many_images() -> None:
    images = _CellImages([10**9])
    kept = [images.keep("image/png", b"x") for _ in range(wire.MAX_CELL_IMAGES + 3)]
    assert kept.count(True) == wire.MAX_CELL_IMAGES
    assert len(images.take()) == wire.MAX_CELL_IMAGES
    assert images.keep("image/png", b"x")  # the next cell starts from none


# --- Time budgets of a request -------------------------------------------------------------

DEFAULT = _budget({})


@pytest.mark.parametrize("budget", [None, 5, "5", [1, 2], (60, 300), True])
def test_a_request_without_a_budget_mapping_gets_the_default_budget(budget: Any) -> None:
    assert _budget({"op": "call", "budget": budget}) == DEFAULT
    assert DEFAULT[0] > 0 and DEFAULT[1] >= DEFAULT[0]


@given(cpu=st.floats(0, 1e6), wall=st.floats(0, 1e6))
def test_a_request_budget_gives_its_cpu_and_wall_seconds(cpu: float, wall: float) -> None:
    assert _budget({"op": "run", "budget": {"cpu": cpu, "wall": wall}}) == (cpu, wall)
    assert _budget({"budget": {"cpu": cpu}}) == (cpu, DEFAULT[1])
    assert _budget({"budget": {"wall": wall}}) == (DEFAULT[0], wall)


def test_whole_seconds_in_a_budget_become_floats() -> None:
    cpu, wall = _budget({"budget": {"cpu": 3, "wall": 7}})
    assert (cpu, wall) == (3.0, 7.0)
    assert isinstance(cpu, float) and isinstance(wall, float)


@pytest.mark.parametrize("cpu", ["three", None, [3], {"s": 3}])
def test_a_budget_that_is_not_a_number_is_refused_not_replaced(cpu: Any) -> None:
    # The grader always sends numbers: a budget it got wrong must not quietly become 60 s.
    with pytest.raises((TypeError, ValueError)):
        _budget({"budget": {"cpu": cpu, "wall": 10}})


# --- Errors as records ---------------------------------------------------------------------


def _raised(error: BaseException) -> BaseException:
    try:
        raise error
    except BaseException as caught:
        return caught


def test_an_error_record_names_the_error_its_message_and_where_it_was_raised() -> None:
    def student_function() -> None:
        raise ValueError("shapes (3,) and (4,) differ")

    try:
        student_function()
    except ValueError as error:
        record = _error_text(error)
    assert record["ename"] == "ValueError"
    assert record["evalue"] == "shapes (3,) and (4,) differ"
    assert "student_function" in record["traceback"]
    assert record["traceback"].rstrip().endswith("ValueError: shapes (3,) and (4,) differ")


def test_an_error_after_the_time_budget_ran_out_is_named_a_timeout() -> None:
    record = _error_text(_raised(untrusted.CellTimeout("budget")), timed_out=True)
    assert record["ename"] == "TimeoutError"
    assert _error_text(_raised(untrusted.CellTimeout("budget")))["ename"] == "CellTimeout"


def test_an_error_never_raised_still_makes_a_record() -> None:
    record = _error_text(KeyError("labels"))
    assert record["ename"] == "KeyError" and "labels" in record["evalue"]


@given(message=st.text(max_size=10_000))
def test_an_error_record_is_capped_and_crosses_as_data(message: str) -> None:
    record = _error_text(_raised(RuntimeError(message)))
    assert record["evalue"] == message[:2000]
    assert len(record["traceback"]) <= 6000
    assert record["traceback"].rstrip().endswith(message.rstrip()[-50:])
    frame = wire.encode_frame({"ok": False, "error": record})
    assert wire.decode_frame(frame[8:])["error"] == record


def test_an_error_whose_message_itself_fails_still_makes_a_record() -> None:
    # A student's own exception class with a typo in __str__: one check should fail, not
    # the runner end (serve() calls _error_text outside any try, run_cell calls _cell_error).
    class ShapeError(Exception):
        def __str__(self) -> str:
            return f"bad shape {self.shap}"  # type: ignore[attr-defined]

    record = _error_text(_raised(ShapeError()))
    assert record["ename"] == "ShapeError"
    assert isinstance(record["evalue"], str)
    assert "ShapeError" in record["traceback"]


# --- Installing packages -------------------------------------------------------------------


class _Shell:
    """What a cell's ``!`` and ``%`` lines call, recording the commands they would run."""

    def __init__(self) -> None:
        self.commands: list[str] = []

    def system(self, command: str) -> None:
        self.commands.append(command)

    def run_line_magic(self, name: str, line: str, *args: Any) -> None:
        getattr(PackagingMagics, name)(SimpleNamespace(shell=self), line)


def commands_of(cell: str, capsys: pytest.CaptureFixture[str]) -> list[str]:
    """The shell commands IPython would run for ``cell``."""
    shell = _Shell()
    exec(TransformerManager().transform_cell(cell), {"get_ipython": lambda: shell})
    capsys.readouterr()
    return shell.commands


@pytest.mark.parametrize(
    "cell",
    [
        "!pip install tensorflow-datasets",
        "!pip3 install -q keras-tuner",
        "!pip install --upgrade pip",
        "%pip install scikit-learn",
        "%uv pip install seaborn",
        "!uv pip install seaborn",
        "!python -m pip install seaborn",
        "!/usr/bin/pip install seaborn",
        "!apt-get install -y graphviz",
        # Colab notebooks (TensorFlow's own tutorials among them) put options first.
        "!sudo apt-get -qq install -y graphviz",
        "!pip -q install seaborn",
        "!apt install graphviz",
        "!conda install -c conda-forge graphviz",
        "!mamba install graphviz",
        "!cd /tmp && pip install seaborn",
    ],
)
def test_a_package_install_in_a_cell_is_recognised(
    cell: str, capsys: pytest.CaptureFixture[str]
) -> None:
    commands = commands_of(cell, capsys)
    assert commands, cell
    assert all(_INSTALL.search(command) for command in commands), commands


@pytest.mark.parametrize(
    "cell",
    [
        "!pip list",
        "!pip show tensorflow",
        "!pip freeze",
        "!conda list",
        "!nvidia-smi",
        "!echo installing nothing",
        "!ls /content/drive",
        "!pip uninstall -y seaborn",
    ],
)
def test_a_shell_line_that_installs_nothing_is_left_alone(
    cell: str, capsys: pytest.CaptureFixture[str]
) -> None:
    commands = commands_of(cell, capsys)
    assert commands and not any(_INSTALL.search(command) for command in commands)


@pytest.mark.parametrize("source", ['print("install")', "install = 'pip install x'"])
def test_python_that_mentions_install_is_not_a_shell_command(
    source: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert commands_of(source, capsys) == []
    assert _INSTALL.search('print("install")') is None


# --- Colab ---------------------------------------------------------------------------------


@pytest.fixture
def colab(monkeypatch: pytest.MonkeyPatch) -> Iterator[_ColabStandIn]:
    """The stand-in on the import path as the runner puts it, removed afterwards."""
    finder = _ColabStandIn()
    monkeypatch.setattr(sys, "meta_path", [*sys.meta_path, finder])
    monkeypatch.setattr(_ColabStandIn, "said", False)
    yield finder
    for name in [name for name in sys.modules if name.startswith("google.colab")]:
        del sys.modules[name]
    google = sys.modules.get("google")
    if google is not None and hasattr(google, "__dict__"):
        google.__dict__.pop("colab", None)


def test_a_colab_set_up_cell_runs_and_does_nothing(
    colab: _ColabStandIn, capsys: pytest.CaptureFixture[str]
) -> None:
    from google.colab import drive, files  # type: ignore[import-not-found]

    assert drive.mount("/content/drive") is None
    assert drive.mount("/content/drive", force_remount=True) is None
    assert files.upload() is None
    import google.colab.output  # type: ignore[import-not-found]

    assert google.colab.output.eval_js("1 + 1") is None
    assert google.colab.auth.authenticate_user() is None
    assert untrusted._NO_COLAB in capsys.readouterr().out


def test_colab_says_once_that_it_does_nothing(
    colab: _ColabStandIn, capsys: pytest.CaptureFixture[str]
) -> None:
    import google.colab  # type: ignore[import-not-found]
    import google.colab.drive  # type: ignore[import-not-found]
    import google.colab.files  # noqa: F401  # type: ignore[import-not-found]

    assert capsys.readouterr().out.count(untrusted._NO_COLAB) == 1


def test_the_colab_stand_in_answers_no_special_name(colab: _ColabStandIn) -> None:
    # copy, pickle, numpy and IPython's display probe dunders; a stand-in must not fake them.
    import google.colab  # type: ignore[import-not-found]
    from google.colab import drive  # type: ignore[import-not-found]

    for thing in (google.colab, drive):
        assert getattr(thing, "__wrapped__", None) is None
        assert getattr(thing, "__array__", None) is None


def test_the_colab_stand_in_leaves_every_other_module_to_the_real_import(
    colab: _ColabStandIn,
) -> None:
    for name in ("numpy", "googleapiclient", "google_colab", "colab", "google.protobuf"):
        assert colab.find_spec(name) is None
    # The installed google namespace (protobuf's) stays the real one.
    assert colab.find_spec("google") is None
    assert colab.find_spec("google.colab") is not None
    assert colab.find_spec("google.colab.drive") is not None


# --- Through a real runner -----------------------------------------------------------------


@pytest.mark.slow
def test_a_runner_skips_installs_and_stands_in_for_colab(
    runner: Callable[..., RunnerSession],
) -> None:
    # The shell's own hook and the import hook, as prepare() installs them in the zygote.
    session = runner()
    run = session.run_cell(
        1,
        None,
        "!pip install seaborn\n%pip install seaborn\nout = !pip -q install seaborn\n"
        "from google.colab import drive\ndrive.mount('/content/drive')\n"
        "import google.colab.files\nprint('after', 1)",
    )
    assert run.status == "ok", run
    assert run.stdout.count(untrusted._NO_INSTALL) == 3
    assert run.stdout.count(untrusted._NO_COLAB) == 1
    assert run.stdout.rstrip().endswith("after 1")


@pytest.mark.slow
def test_an_exception_whose_message_fails_ends_its_cell_not_the_runner(
    runner: Callable[..., RunnerSession],
) -> None:
    session = runner()
    broken = session.run_cell(
        1,
        None,
        "class ShapeError(Exception):\n"
        "    def __str__(self):\n"
        "        return f'bad shape {self.shap}'\n"
        "raise ShapeError()",
    )
    assert broken.status == "error" and broken.ename == "ShapeError", broken
    later = session.run_cell(2, None, "print('still here')")
    assert later.status == "ok" and later.stdout.strip() == "still here", later
