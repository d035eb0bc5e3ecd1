"""The ``student`` handle: data comes back as data, everything else as a remote handle."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
import tensorflow as tf

from grader.errors import MissingName, RunnerCrashed, RunnerGone, RunnerTimedOut, StudentError
from grader.grading.proxies import RemoteObject, StudentNamespace
from grader.sandbox.session import RunnerSession

pytestmark = pytest.mark.slow

Start = Callable[..., RunnerSession]


def test_tensors_come_back_as_tensors_and_arrays_as_arrays(runner: Start) -> None:
    student = StudentNamespace(
        runner(
            "import numpy as np, tensorflow as tf\nt = tf.ones((2, 3))\na = np.arange(4)\n"
            "n = 3\nd = {'k': [1.5, None]}"
        ),
        "x",
    )
    assert isinstance(student.t, tf.Tensor) and student.t.dtype == tf.float32
    assert isinstance(student.a, np.ndarray) and student.a.tolist() == [0, 1, 2, 3]
    assert student.n == 3 and student.d == {"k": [1.5, None]}


def test_a_keras_model_is_a_handle_whose_attributes_and_calls_work(runner: Start) -> None:
    student = StudentNamespace(
        runner(
            "import keras\nmodel = keras.Sequential([keras.Input((784,)), "
            "keras.layers.Dense(256), keras.layers.Dense(10)])"
        ),
        "x",
    )
    model = student.model
    assert isinstance(model, RemoteObject) and model.remote_type.endswith("Sequential")
    assert model.count_params() == 784 * 256 + 256 + 256 * 10 + 10
    assert model.layers[0].units == 256
    assert len(model.layers) == 2
    assert [layer.units for layer in model.layers] == [256, 10]


def test_calls_take_keyword_arguments_tensors_and_handles(runner: Start) -> None:
    student = StudentNamespace(
        runner(
            "import tensorflow as tf\ndef scale(x, by=1):\n    return x * by\n"
            "v = tf.Variable([1.0, 2.0])\ndef read(var):\n    return var.numpy()"
        ),
        "x",
    )
    assert student.scale(tf.constant([1.0, 2.0]), by=3).numpy().tolist() == [3.0, 6.0]
    variable = student.v
    assert isinstance(variable, RemoteObject)
    assert student.read(variable).tolist() == [1.0, 2.0]
    variable.assign_add([1.0, 1.0])
    assert variable.numpy().tolist() == [2.0, 3.0]


def test_a_missing_name_is_an_attribute_error_with_a_clear_message(runner: Start) -> None:
    student = StudentNamespace(runner("x = 1"), "one_hot")
    assert not hasattr(student, "one_hot")
    with pytest.raises(MissingName, match="one_hot"):
        student.one_hot  # noqa: B018


def test_an_exception_in_student_code_comes_back_as_text(runner: Start) -> None:
    student = StudentNamespace(runner("def f():\n    return 1 / 0"), "x")
    with pytest.raises(StudentError) as caught:
        student.f()
    assert caught.value.ename == "ZeroDivisionError"
    assert "1 / 0" in caught.value.traceback


def test_a_call_that_never_returns_costs_the_runner_not_the_grader(runner: Start) -> None:
    session = runner("def spin():\n    while True:\n        pass\ndef fine():\n    return 1")
    student = StudentNamespace(session, "x")
    with pytest.raises(StudentError, match="TimeoutError"):
        student.spin()
    # The section's budget is spent; the next section has its own.
    with pytest.raises(StudentError, match="CPU time budget"):
        student.fine()
    session.enter_section("another")
    assert StudentNamespace(session, "another").fine() == 1


def test_a_runner_stuck_outside_python_is_killed_and_answers_no_more(runner: Start) -> None:
    session = runner(
        "import signal, time\ndef stuck():\n"
        "    signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGALRM])\n"
        "    time.sleep(60)"
    )
    with pytest.raises(RunnerTimedOut, match=r"wall-clock backstop .* did not stop"):
        StudentNamespace(session, "x").stuck()
    with pytest.raises(RunnerGone):
        StudentNamespace(session, "x").stuck()


def test_a_runner_that_exits_is_a_crash_and_stays_gone(runner: Start) -> None:
    session = runner("import os\ndef leave():\n    os._exit(3)")
    with pytest.raises(RunnerCrashed, match=r"exited|connection"):
        StudentNamespace(session, "x").leave()
    with pytest.raises(RunnerCrashed):
        StudentNamespace(session, "x").leave()
