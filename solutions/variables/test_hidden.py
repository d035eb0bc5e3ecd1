"""Hidden checks for 'variables'."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from grader import RemoteObject, expect

values = st.floats(-100, 100, allow_nan=False).map(lambda x: round(x, 3))


@pytest.mark.points(2)
@given(amount=values)
def test_subtract_works_in_place_for_any_amount(student, amount):
    """ko: subtract(v, amount) 는 v 에서 amount 를 제자리에서 뺍니다.
    en: subtract(v, amount) subtracts amount from v in place."""
    v = student.make_variable()
    student.subtract(v, amount)
    got = v.numpy()
    wanted = np.array([[1, 2], [3, 4]], dtype=np.float32) - np.float32(amount)
    unchanged = got.tolist() == [[1, 2], [3, 4]] and amount != 0
    expect(
        np.allclose(got, wanted, atol=1e-4),
        ko="subtract 뒤의 v 값이 틀립니다."
        + (" v 가 바뀌지 않았습니다: assign_sub 를 쓰세요." if unchanged else ""),
        en="v holds the wrong values after subtract."
        + (" v did not change: use assign_sub." if unchanged else ""),
        diagnosis="rebind-not-assign" if unchanged else None,
    )


@pytest.mark.points(2)
@given(a=values, b=values, c=values, d=values)
def test_replace_all_keeps_the_same_variable(student, a, b, c, d):
    """ko: replace_all 은 같은 변수의 값을 통째로 바꿉니다.
    en: replace_all replaces the values of the same variable."""
    v = student.make_variable()
    result = student.replace_all(v, [[a, b], [c, d]])
    expect(
        np.allclose(v.numpy(), [[a, b], [c, d]], atol=1e-3),
        ko="replace_all 뒤에 원래 변수의 값이 바뀌지 않았습니다. v.assign(values) 를 쓰세요.",
        en="the original variable did not change after replace_all; use v.assign(values).",
        diagnosis="rebind-not-assign",
    )
    expect(
        result is None or isinstance(result, RemoteObject),
        ko="replace_all 은 값을 돌려줄 필요가 없습니다.",
        en="replace_all does not need to return anything.",
    )


@pytest.mark.points(1)
@given(value=values)
def test_set_corner_leaves_the_rest(student, value):
    """ko: set_corner 는 나머지 원소를 건드리지 않습니다.
    en: set_corner leaves the other elements alone."""
    v = student.make_variable()
    student.set_corner(v, value)
    got = v.numpy()
    expect(
        np.isclose(got[0, 0], value, atol=1e-3) and got.ravel()[1:].tolist() == [2, 3, 4],
        ko="set_corner 뒤의 v 값이 틀립니다.",
        en="v holds the wrong values after set_corner.",
    )
