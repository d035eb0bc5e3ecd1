"""Public checks for 'tf1_to_tf2'."""

import numpy as np
import pytest

from grader import RemoteObject, describe, expect, expect_tensor


@pytest.mark.points(2)
def test_forward_runs_eagerly(student):
    """ko: forward([[1, 1, 1]]) 은 [[6.5]] 텐서입니다.
    en: forward([[1, 1, 1]]) is the tensor [[6.5]]."""
    x = np.ones((1, 3), dtype=np.float32)
    got = expect_tensor(student.forward(x), "forward([[1, 1, 1]])", shape=(1, 1))
    expect(
        np.allclose(got.numpy(), [[6.5]]),
        ko=f"[[6.5]] 이어야 하는데 {got.numpy().tolist()} 입니다.",
        en=f"expected [[6.5]], got {got.numpy().tolist()}.",
    )


@pytest.mark.points(2)
def test_forward_graph_is_a_tf_function(student):
    """ko: forward_graph 는 tf.function 입니다.
    en: forward_graph is a tf.function."""
    function = student.forward_graph
    is_function = isinstance(function, RemoteObject) and function.remote_type.endswith(
        "polymorphic_function.Function"
    )
    expect(
        is_function,
        ko=f"forward_graph 는 tf.function 이어야 하는데 {describe(function)} 입니다. "
        "@tf.function 을 붙이거나 tf.function(forward) 를 쓰세요.",
        en=f"forward_graph should be a tf.function, it is {describe(function)}. Decorate with "
        "@tf.function or use tf.function(forward).",
        diagnosis="not-tf-function",
    )
