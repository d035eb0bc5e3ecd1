"""The same file gets the same grade: every runner starts from the same random state."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from grader.grading.proxies import StudentNamespace
from grader.sandbox.runner import RANDOM_SEED
from grader.sandbox.session import RunnerSession

pytestmark = pytest.mark.slow

Start = Callable[..., RunnerSession]

DRAWS = (
    "import random\nimport numpy as np\nimport tensorflow as tf\nimport keras\n"
    "python = random.random()\nnumpy = float(np.random.rand())\n"
    "tensorflow = float(tf.random.uniform(()))\n"
    "layer = keras.layers.Dense(3)\nlayer.build((None, 2))\n"
    "initial = layer.kernel.numpy().tolist()"
)


def _draws(runner: Start, *first_cells: str) -> list[object]:
    student = StudentNamespace(runner(*first_cells, DRAWS), "x")
    return [student.python, student.numpy, student.tensorflow, student.initial]


def test_two_runners_draw_the_same_random_numbers_and_initial_weights(runner: Start) -> None:
    first, second = _draws(runner), _draws(runner)
    assert first == second
    assert len({str(value) for value in first}) == len(first)


def test_the_draws_are_those_of_the_runners_seed(runner: Start) -> None:
    seeded = _draws(runner, f"import keras\nkeras.utils.set_random_seed({RANDOM_SEED})")
    assert _draws(runner) == seeded
