"""Hidden checks for 'param_counts': formulas against real Keras layers."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from grader import expect, expect_number, plural


def keras_dense(inputs, units):
    """The parameters of a real Dense layer; in a stateless scope its weights have shapes
    but are never filled, which would take most of the time for the larger ones."""
    import keras

    with keras.StatelessScope():
        layer = keras.layers.Dense(units)
        layer.build((None, inputs))
        return layer.count_params()


def keras_conv(kh, kw, c_in, filters):
    import keras

    with keras.StatelessScope():
        layer = keras.layers.Conv2D(filters, (kh, kw))
        layer.build((None, 32, 32, c_in))
        return layer.count_params()


@pytest.mark.points(3)
@given(inputs=st.integers(1, 2048), units=st.integers(1, 512))
def test_dense_matches_keras(student, inputs, units):
    """ko: dense_params 가 실제 Keras Dense 층의 파라미터 수와 같습니다.
    en: dense_params matches a real Keras Dense layer."""
    got = expect_number(student.dense_params(inputs, units), "dense_params")
    forgot = got == inputs * units
    per_input = got == inputs * units + inputs and inputs != units
    expect(
        got == keras_dense(inputs, units),
        ko=f"입력 {inputs}, units {units} 에서 틀립니다."
        + (" 편향을 빠뜨렸습니다." if forgot else "")
        + (" 편향은 입력마다가 아니라 unit 마다 하나입니다." if per_input else ""),
        en=f"wrong for {plural(inputs, 'input')} and {plural(units, 'unit')}."
        + (" The biases are missing." if forgot else "")
        + (" There is one bias per unit, not per input." if per_input else ""),
        diagnosis="bias-forgotten" if forgot else "bias-per-input" if per_input else None,
    )


@pytest.mark.points(3)
@given(
    kh=st.integers(1, 7), kw=st.integers(1, 7), c_in=st.integers(1, 64), filters=st.integers(1, 128)
)
def test_conv2d_matches_keras(student, kh, kw, c_in, filters):
    """ko: conv2d_params 가 실제 Keras Conv2D 층의 파라미터 수와 같습니다.
    en: conv2d_params matches a real Keras Conv2D layer."""
    got = expect_number(student.conv2d_params(kh, kw, c_in, filters), "conv2d_params")
    diagnosis = None
    if got == kh * kw * c_in * filters:
        diagnosis = "bias-forgotten"
    elif got == (kh * kw + 1) * filters and c_in > 1:
        diagnosis = "channels-forgotten"
    elif got == kh * kw * c_in * filters + c_in and c_in != filters:
        diagnosis = "bias-per-input"
    expect(
        got == keras_conv(kh, kw, c_in, filters),
        ko=f"{kh}x{kw} 필터, 입력 채널 {c_in}, 필터 {filters} 개에서 틀립니다.",
        en=f"wrong for a {kh}x{kw} filter on {plural(c_in, 'channel')} with "
        f"{plural(filters, 'filter')}.",
        diagnosis=diagnosis,
    )
