"""Public checks for 'one_hot'."""

import numpy as np
import pytest
import tensorflow as tf

from grader import expect, expect_number, expect_tensor, fail


@pytest.mark.points(1)
def test_one_hot_encodes_a_small_example(student):
    """ko: one_hot([0, 2, 1], 3) 이 올바른 원-핫 행렬을 돌려줍니다.
    en: one_hot([0, 2, 1], 3) returns the right one-hot matrix."""
    encoded = expect_tensor(
        student.one_hot(np.array([0, 2, 1]), 3),
        "one_hot([0, 2, 1], 3)",
        shape=(3, 3),
        allow_numpy=True,
    )
    expect(
        np.array_equal(encoded.numpy(), np.eye(3)[[0, 2, 1]]),
        ko=f"one_hot([0, 2, 1], 3) 의 결과가 {encoded.numpy().tolist()} 입니다. 각 행에서 "
        "레이블 위치만 1 이어야 합니다.",
        en=f"one_hot([0, 2, 1], 3) gave {encoded.numpy().tolist()}; each row must be 1 at "
        "its label and 0 elsewhere.",
    )


@pytest.mark.points(1)
def test_one_hot_gives_float32(student):
    """ko: one_hot 은 float32 텐서를 돌려줍니다.
    en: one_hot returns a float32 tensor."""
    expect_tensor(
        student.one_hot(np.array([1, 0]), 2),
        "one_hot([1, 0], 2)",
        dtype=tf.float32,
        allow_numpy=True,
    )


@pytest.mark.points(2)
def test_y_is_encoded_once(student):
    """ko: y 는 labels 를 한 번 원-핫 인코딩한 (128, 10) 텐서입니다.
    en: y is labels one-hot encoded once: a (128, 10) tensor."""
    y = student.y
    shape = tuple(np.shape(y.numpy() if hasattr(y, "numpy") else y))
    if shape == (128, 10, 10):
        fail(
            ko="y 의 모양이 (128, 10, 10) 입니다. 원-핫 인코딩을 두 번 적용했습니다: 이미 "
            "인코딩된 값을 다시 인코딩하지 마세요. 기대한 모양은 (128, 10) 입니다.",
            en="y has shape (128, 10, 10): the one-hot encoding was applied twice. Encode the "
            "integer labels once; the expected shape is (128, 10).",
            diagnosis="one-hot-twice",
        )
    y = expect_tensor(y, "y", shape=(128, 10), allow_numpy=True)
    labels = student.labels
    expect(
        np.array_equal(np.argmax(y.numpy(), axis=1), labels),
        ko="y 의 각 행에서 1 의 위치가 labels 와 맞지 않습니다.",
        en="the position of the 1 in each row of y does not match labels.",
    )


@pytest.mark.points(1)
def test_entropy_of_a_fair_coin_is_log_two(student):
    """ko: 공정한 동전의 엔트로피는 log 2 ≈ 0.693 입니다.
    en: the entropy of a fair coin is log 2 ≈ 0.693."""
    got = expect_number(student.entropy(np.array([0.5, 0.5])), "entropy([0.5, 0.5])")
    expect(
        abs(got - np.log(2)) < 1e-5,
        ko=f"log 2 ≈ 0.6931 이어야 하는데 {got:.4f} 입니다."
        + (" 자연로그(np.log)를 쓰세요." if abs(got - 1.0) < 1e-5 else ""),
        en=f"expected log 2 ≈ 0.6931, got {got:.4f}."
        + (" Use the natural log (np.log)." if abs(got - 1.0) < 1e-5 else ""),
        diagnosis="log-base" if abs(got - 1.0) < 1e-5 else None,
    )


@pytest.mark.points(1)
def test_cross_entropy_of_a_confident_right_guess_is_small(student):
    """ko: 정답 [0, 1] 에 예측 [0.1, 0.9] 의 교차 엔트로피는 -log 0.9 입니다.
    en: the cross-entropy of [0, 1] against [0.1, 0.9] is -log 0.9."""
    got = expect_number(
        student.cross_entropy(np.array([0.0, 1.0]), np.array([0.1, 0.9])),
        "cross_entropy([0, 1], [0.1, 0.9])",
    )
    expect(
        abs(got - (-np.log(0.9))) < 1e-5,
        ko=f"-log 0.9 ≈ 0.1054 이어야 하는데 {got:.4f} 입니다.",
        en=f"expected -log 0.9 ≈ 0.1054, got {got:.4f}.",
    )
