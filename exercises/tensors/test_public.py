"""Public checks for 'tensors': students run these with `grader check`."""

import numpy as np
import pytest
import tensorflow as tf

from grader import expect, expect_tensor


@pytest.mark.points(1)
def test_ones_is_a_float32_tensor_of_ones(student):
    """ko: ones 는 (2, 3) float32 텐서이고 모든 값이 1 입니다.
    en: ones is a (2, 3) float32 tensor of ones."""
    ones = expect_tensor(student.ones, "ones", shape=(2, 3), dtype=tf.float32)
    expect(
        np.all(ones.numpy() == 1.0),
        ko="ones 의 모든 값이 1 이어야 합니다.",
        en="every value of ones must be 1.",
    )


@pytest.mark.points(1)
def test_zeros_is_an_int32_tensor_of_zeros(student):
    """ko: zeros 는 (3, 4) int32 텐서이고 모든 값이 0 입니다.
    en: zeros is a (3, 4) int32 tensor of zeros."""
    zeros = expect_tensor(student.zeros, "zeros", shape=(3, 4), dtype=tf.int32)
    expect(
        np.all(zeros.numpy() == 0),
        ko="zeros 의 모든 값이 0 이어야 합니다.",
        en="every value of zeros must be 0.",
    )


@pytest.mark.points(1)
def test_matrix_holds_the_given_values(student):
    """ko: matrix 는 [[1, 2], [3, 4]] 값을 가진 float32 텐서입니다.
    en: matrix is the float32 tensor [[1, 2], [3, 4]]."""
    matrix = expect_tensor(student.matrix, "matrix", shape=(2, 2), dtype=tf.float32)
    expect(
        np.array_equal(matrix.numpy(), [[1, 2], [3, 4]]),
        ko=f"matrix 의 값이 [[1, 2], [3, 4]] 이어야 하는데 {matrix.numpy().tolist()} 입니다.",
        en=f"matrix must hold [[1, 2], [3, 4]], it holds {matrix.numpy().tolist()}.",
    )


@pytest.mark.points(1)
def test_normal_gives_the_asked_shape(student):
    """ko: normal 은 요청한 모양의 텐서를 돌려줍니다.
    en: normal returns a tensor of the requested shape."""
    expect_tensor(student.normal((4, 5), 0.0, 1.0), "normal((4, 5), 0.0, 1.0)", shape=(4, 5))
