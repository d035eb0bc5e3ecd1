"""Shared assertions accept every form a statement allows and name the mistakes they see."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from grader.errors import CheckFailed
from grader.grading.checks import (
    describe,
    expect_activation_and_loss,
    expect_float,
    expect_integer,
    expect_number,
    expect_tensor,
)


def test_a_numpy_array_passes_as_a_tensor_only_where_the_statement_allows_it() -> None:
    encoded = np.eye(3, dtype=np.float32)
    assert expect_tensor(encoded, "one_hot", allow_numpy=True, dtype="float32").shape == (3, 3)
    with pytest.raises(CheckFailed) as failed:
        expect_tensor(encoded, "ones")
    assert failed.value.diagnosis == "numpy-not-tensor"


def test_a_float64_array_is_told_how_to_become_float32() -> None:
    with pytest.raises(CheckFailed) as failed:
        expect_tensor(np.eye(2), "y", allow_numpy=True, dtype="float32")
    assert failed.value.diagnosis == "wrong-dtype"
    assert '.astype("float32")' in failed.value.message.en


@pytest.mark.parametrize("value", [235146, np.int64(235146)])
def test_python_and_numpy_integers_are_integers(value: object) -> None:
    assert expect_integer(value, "mlp_total") == 235146


def test_a_whole_float_is_named_as_float_not_int() -> None:
    with pytest.raises(CheckFailed) as failed:
        expect_integer(235146.0, "mlp_total")
    assert failed.value.diagnosis == "float-not-int"
    assert "`mlp_total`은" in failed.value.message.ko


def test_a_tensor_where_floats_were_asked_is_named() -> None:
    import tensorflow as tf

    assert expect_float(np.float32(2.0), "a") == 2.0
    with pytest.raises(CheckFailed) as failed:
        expect_float(tf.constant(2.0), "a")
    assert failed.value.diagnosis == "not-a-float"


@pytest.mark.parametrize(
    "pair",
    [
        ("linear", "mse"),
        (None, "mean_squared_error"),
        ("linear", "MeanSquaredError"),
    ],
)
def test_aliases_of_an_activation_and_a_loss_read_as_keras_names(pair: tuple[object, str]) -> None:
    assert expect_activation_and_loss(pair, "choices['regression']") == (
        "linear",
        "mean_squared_error",
    )


def test_a_pair_written_the_other_way_round_is_named_swapped() -> None:
    with pytest.raises(CheckFailed) as failed:
        expect_activation_and_loss(("binary_crossentropy", "sigmoid"), "choices['binary']")
    assert failed.value.diagnosis == "swapped-pair"


def test_an_unknown_name_is_not_called_swapped() -> None:
    with pytest.raises(CheckFailed) as failed:
        expect_activation_and_loss(("sigmod", "binary_crossentropy"), "choices['binary']")
    assert failed.value.diagnosis is None


@given(st.integers(-(2**62), 2**62))
def test_every_kind_of_integer_is_the_same_python_int(number: int) -> None:
    for value in (number, np.int64(number), np.array(number)):
        given_back = expect_number(value, "n")
        assert given_back == number and type(given_back) is int


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_every_kind_of_float_is_the_same_python_float(number: float) -> None:
    for value in (number, np.float64(number), np.array(number)):
        given_back = expect_number(value, "x")
        assert given_back == number and type(given_back) is float


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        (True, "bool"),
        (None, "None"),
        ("3", "str"),
        (np.zeros((2, 3)), "(2, 3)"),
        (np.array(["a"]), "NumPy array"),
        ([1], "list"),
    ],
)
def test_what_is_not_one_number_is_refused_and_named(value: object, kind: str) -> None:
    with pytest.raises(CheckFailed) as failed:
        expect_number(value, "size")
    assert kind in failed.value.message.en and kind in failed.value.message.ko
    assert "`size`" in failed.value.message.en and "`size`" in failed.value.message.ko


def test_a_value_is_described_by_the_kind_a_student_knows() -> None:
    assert describe(None) == "None"
    assert describe(np.ones((4, 1))) == f"NumPy array {(4, 1)}"
    assert describe(2.5) == "float"
    assert describe({"a": 1}) == "dict"
