"""Public checks for 'variables'."""

import numpy as np
import pytest

from grader import RemoteObject, StudentError, describe, expect, fail


def variable_from(student):
    v = student.make_variable()
    if not (isinstance(v, RemoteObject) and "Variable" in v.remote_type):
        fail(
            ko=f"make_variable()은 tf.Variable을 돌려줘야 하는데 {describe(v)} 입니다.",
            en=f"make_variable() should return a tf.Variable, it returned {describe(v)}.",
            diagnosis="not-a-variable",
        )
    return v


@pytest.mark.points(1)
def test_make_variable_holds_the_matrix(student):
    """ko: make_variable() 은 [[1, 2], [3, 4]] float32 변수를 돌려줍니다.
    en: make_variable() returns the float32 variable [[1, 2], [3, 4]]."""
    v = variable_from(student)
    values = v.numpy()
    expect(
        values.dtype == np.float32 and values.tolist() == [[1, 2], [3, 4]],
        ko=f"값이 [[1, 2], [3, 4]] (float32) 이어야 하는데 {values.tolist()} ({values.dtype}) 입니다. "
        "정수로 만들었다면 dtype=tf.float32 를 주거나 1.0 처럼 실수로 쓰세요.",
        en=f"expected [[1, 2], [3, 4]] (float32), got {values.tolist()} ({values.dtype}). "
        "Made from integers? Pass dtype=tf.float32 or write floats such as 1.0.",
        diagnosis="wrong-dtype" if values.tolist() == [[1, 2], [3, 4]] else None,
    )


@pytest.mark.points(2)
def test_add_one_changes_the_variable_in_place(student):
    """ko: add_one(v) 는 v 자체를 바꿉니다.
    en: add_one(v) changes v itself."""
    v = variable_from(student)
    student.add_one(v)
    values = v.numpy()
    expect(
        values.tolist() == [[2, 3], [4, 5]],
        ko="add_one(v) 뒤에도 v 가 그대로입니다. `v = v + 1` 은 새 텐서를 만들 뿐입니다: "
        "v.assign_add(1) 을 쓰세요.",
        en="v is unchanged after add_one(v). `v = v + 1` only makes a new tensor: use "
        "v.assign_add(1).",
        diagnosis="rebind-not-assign" if values.tolist() == [[1, 2], [3, 4]] else None,
    )


@pytest.mark.points(1)
def test_set_corner_changes_one_element(student):
    """ko: set_corner(v, 9) 는 v[0, 0] 만 9 로 바꿉니다.
    en: set_corner(v, 9) changes only v[0, 0] to 9."""
    v = variable_from(student)
    try:
        student.set_corner(v, 9.0)
    except StudentError as error:
        if "does not support item assignment" in error.evalue:
            fail(
                ko="변수는 v[0, 0] = 9 처럼 원소에 대입할 수 없습니다. v[0, 0].assign(9)를 쓰세요.",
                en="a variable does not support v[0, 0] = 9; use v[0, 0].assign(9).",
                diagnosis="item-assignment",
            )
        raise
    expect(
        v.numpy().tolist() == [[9, 2], [3, 4]],
        ko=f"v 가 [[9, 2], [3, 4]] 이어야 하는데 {v.numpy().tolist()} 입니다.",
        en=f"v should be [[9, 2], [3, 4]], it is {v.numpy().tolist()}.",
    )


@pytest.mark.points(1)
def test_a_tensor_cannot_be_assigned(student):
    """ko: 텐서에 assign 하면 나는 예외 이름을 알고 있습니다.
    en: knows which exception assigning to a tensor raises."""
    name = student.tensor_assign_error
    expect(
        name == "AttributeError",
        ko=f"tf.constant 에는 assign 메서드가 없습니다. 직접 실행해 예외 이름을 확인하세요 "
        f"(지금 값: {name!r}).",
        en=f"a tf.constant has no assign method: run it and read the exception's name "
        f"(now: {name!r}).",
    )
