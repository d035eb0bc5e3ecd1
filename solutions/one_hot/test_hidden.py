"""Hidden checks for 'one_hot'."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from grader import expect
from grader.checks import expect_tensor


@st.composite
def labelled(draw):
    depth = draw(st.integers(2, 12))
    labels = draw(hnp.arrays(np.int64, st.integers(1, 64), elements=st.integers(0, depth - 1)))
    return labels, depth


@pytest.mark.points(3)
@given(case=labelled())
def test_one_hot_matches_the_reference_on_any_labels(student, reference, case):
    """ko: one_hot 이 임의의 레이블과 클래스 수에서 올바른 결과를 냅니다.
    en: one_hot is right for any labels and number of classes."""
    labels, depth = case
    wanted = reference.one_hot(labels, depth).numpy()
    got = expect_tensor(
        student.one_hot(labels, depth), "one_hot(labels, depth)", shape=wanted.shape
    )
    expect(
        np.array_equal(got.numpy(), wanted),
        ko=f"레이블 {len(labels)}개, 클래스 {depth}개인 경우 one_hot 의 결과가 틀립니다.",
        en=f"one_hot is wrong for {len(labels)} labels over {depth} classes.",
    )


@pytest.mark.points(1)
def test_one_hot_uses_depth_not_the_largest_label(student):
    """ko: 가장 큰 레이블보다 depth 가 클 때도 열 개수는 depth 입니다.
    en: the number of columns is depth even when labels do not reach it."""
    got = student.one_hot(np.array([0, 1]), 5)
    expect_tensor(got, "one_hot([0, 1], 5)", shape=(2, 5))
