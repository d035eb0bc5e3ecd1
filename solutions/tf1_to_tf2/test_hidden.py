"""Hidden checks for 'tf1_to_tf2'."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from grader import expect, expect_assignable, expect_tensor, expect_variable

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


@pytest.mark.points(1)
def test_w_and_b_are_variables_holding_the_tf1_values(student):
    """ko: W 와 b 는 TF1 프로그램의 값을 담은 tf.Variable 입니다.
    en: W and b are tf.Variables holding the TF1 program's values."""
    weights = expect_variable(student.W, "W", (3, 1))
    bias = student.b
    bias_shape = np.shape(bias.numpy()) if hasattr(bias, "numpy") else None
    expect(
        bias_shape in ((), (1,)),
        ko=f"b 는 0.5 하나를 담은 tf.Variable 이어야 하는데 모양이 {bias_shape} 입니다.",
        en=f"b should be a tf.Variable holding 0.5, its shape is {bias_shape}.",
        diagnosis="wrong-shape",
    )
    bias = expect_variable(bias, "b", bias_shape)
    start = {"W": np.asarray(weights.numpy()), "b": np.asarray(bias.numpy())}
    expect(
        np.allclose(start["W"], [[1.0], [2.0], [3.0]]) and np.allclose(start["b"], 0.5),
        ko="W 는 [[1.0], [2.0], [3.0]], b 는 0.5 여야 합니다.",
        en="W should hold [[1.0], [2.0], [3.0]] and b 0.5.",
    )
    variables = {"W": weights, "b": bias}
    expect_assignable(variables, {"W": start["W"] * 2, "b": start["b"] * 2})
    expect_assignable(variables, start)
