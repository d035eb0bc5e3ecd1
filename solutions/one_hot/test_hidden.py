"""Hidden checks for 'one_hot'."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from grader import expect, expect_number, expect_tensor, plural


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
        student.one_hot(labels, depth),
        "one_hot(labels, depth)",
        shape=wanted.shape,
        allow_numpy=True,
    )
    expect(
        np.array_equal(got.numpy(), wanted),
        ko=f"레이블 {len(labels)}개, 클래스 {depth}개인 경우 one_hot 의 결과가 틀립니다.",
        en=f"one_hot is wrong for {plural(len(labels), 'label')} over "
        f"{plural(depth, 'class', 'classes')}.",
    )


@pytest.mark.points(1)
def test_one_hot_uses_depth_not_the_largest_label(student):
    """ko: 가장 큰 레이블보다 depth 가 클 때도 열 개수는 depth 입니다.
    en: the number of columns is depth even when labels do not reach it."""
    got = student.one_hot(np.array([0, 1]), 5)
    expect_tensor(got, "one_hot([0, 1], 5)", shape=(2, 5), allow_numpy=True)


@pytest.mark.points(1)
def test_entropy_takes_zero_log_zero_as_zero(student):
    """ko: 확률이 0 인 항은 엔트로피에 0 을 더합니다 (0 log 0 = 0).
    en: a zero probability adds nothing to the entropy (0 log 0 = 0)."""
    got = expect_number(student.entropy(np.array([0.5, 0.5, 0.0])), "entropy([0.5, 0.5, 0])")
    expect(
        abs(got - np.log(2)) < 1e-5,
        ko=f"entropy([0.5, 0.5, 0]) 은 log 2 ≈ 0.6931 이어야 하는데 {got:.4g} 입니다. "
        "p 가 0 인 항은 빼세요: 0 log 0 = 0 으로 정합니다 (np.log(0) 은 -inf 라서 "
        "0 * -inf 가 nan 이 됩니다).",
        en=f"entropy([0.5, 0.5, 0]) should be log 2 ≈ 0.6931, it is {got:.4g}. Leave out "
        "the terms where p is 0: 0 log 0 = 0 by definition (np.log(0) is -inf, and "
        "0 * -inf is nan).",
        diagnosis="zero-log-zero" if not np.isfinite(got) else None,
    )


@st.composite
def distributions(draw, size=None):
    size = size or draw(st.integers(2, 10))
    weights = draw(hnp.arrays(np.float64, size, elements=st.floats(0.01, 1.0)))
    return weights / weights.sum()


@pytest.mark.points(2)
@given(p=distributions())
def test_entropy_matches_the_formula(student, reference, p):
    """ko: 여러 분포에서 엔트로피가 공식과 같습니다.
    en: the entropy matches the formula on many distributions."""
    got = expect_number(student.entropy(p), "entropy(p)")
    wanted = reference.entropy(p)
    base2 = abs(got - wanted / np.log(2)) < 1e-5
    expect(
        abs(got - wanted) < 1e-5,
        ko="엔트로피 값이 틀립니다.",
        en="the entropy is wrong.",
        diagnosis="log-base" if base2 else None,
    )


@pytest.mark.points(2)
@given(data=st.data())
def test_cross_entropy_matches_the_formula(student, reference, data):
    """ko: 여러 분포 쌍에서 교차 엔트로피가 공식과 같습니다.
    en: the cross-entropy matches the formula on many pairs of distributions."""
    p = data.draw(distributions())
    q = data.draw(distributions(size=len(p)))
    got = expect_number(student.cross_entropy(p, q), "cross_entropy(p, q)")
    swapped = abs(got - reference.cross_entropy(q, p)) < 1e-5 and not np.allclose(p, q)
    expect(
        abs(got - reference.cross_entropy(p, q)) < 1e-5,
        ko="교차 엔트로피 값이 틀립니다."
        + (" p 와 q 의 자리가 바뀌었습니다: -Σ p log q 입니다." if swapped else ""),
        en="the cross-entropy is wrong."
        + (" p and q are swapped: it is -Σ p log q." if swapped else ""),
        diagnosis="cross-entropy-swapped" if swapped else None,
    )
