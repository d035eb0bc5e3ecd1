"""Hidden checks for 'tf1_to_tf2'."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from grader import expect
from grader.checks import expect_tensor

batches = hnp.arrays(
    np.float32, st.tuples(st.integers(1, 8), st.just(3)), elements=st.floats(-10, 10, width=32)
)


def relu_affine(x):
    return np.maximum(x @ np.array([[1.0], [2.0], [3.0]], np.float32) + 0.5, 0)


@pytest.mark.points(2)
@given(x=batches)
def test_forward_matches_the_tf1_program(student, x):
    """ko: forward 가 여러 배치에서 TF1 프로그램과 같은 값을 냅니다.
    en: forward gives the TF1 program's values on many batches."""
    got = expect_tensor(student.forward(x), "forward(x)", shape=(x.shape[0], 1))
    no_relu = np.allclose(
        got.numpy(), x @ np.array([[1.0], [2.0], [3.0]], np.float32) + 0.5, atol=1e-3
    ) and not np.allclose(got.numpy(), relu_affine(x), atol=1e-3)
    expect(
        np.allclose(got.numpy(), relu_affine(x), atol=1e-3),
        ko="forward 의 값이 틀립니다." + (" relu 를 빠뜨렸습니다." if no_relu else ""),
        en="forward gives wrong values." + (" The relu is missing." if no_relu else ""),
        diagnosis="relu-forgotten" if no_relu else None,
    )


@pytest.mark.points(2)
@given(x=batches)
def test_the_graph_agrees_with_eager(student, x):
    """ko: forward_graph 가 forward 와 같은 값을 냅니다.
    en: forward_graph agrees with forward."""
    got = expect_tensor(student.forward_graph(x), "forward_graph(x)", shape=(x.shape[0], 1))
    expect(
        np.allclose(got.numpy(), relu_affine(x), atol=1e-3),
        ko="forward_graph 의 값이 틀립니다.",
        en="forward_graph gives wrong values.",
    )
