"""Hidden checks for 'conv_output_size'."""

import pytest
from hypothesis import assume, example, given
from hypothesis import strategies as st

from grader import expect, expect_number, particle

#: What each known mistake computes instead of floor((n + 2p - m) / s) + 1.
_MISTAKES = {
    "padding-forgotten": lambda n, m, p, s: (n - m) // s + 1,
    "padding-one-side": lambda n, m, p, s: (n + p - m) // s + 1,
    "plus-one-forgotten": lambda n, m, p, s: (n + 2 * p - m) // s,
    "stride-forgotten": lambda n, m, p, s: n + 2 * p - m + 1,
    "not-floored": lambda n, m, p, s: (n + 2 * p - m) / s + 1,
}
#: Inputs on which the mistakes all give different answers.
_PROBES = [(28, 3, 2, 1), (32, 5, 1, 2), (7, 3, 0, 2), (10, 3, 3, 3)]


def _diagnose(student, case):
    """The known mistake the student's function computes, judged on probes that tell them apart."""
    cases = [case, *_PROBES]
    answers = [expect_number(student.conv_output_size(*c), "conv_output_size") for c in cases]
    for name, formula in _MISTAKES.items():
        if all(abs(got - formula(*c)) < 1e-9 for got, c in zip(answers, cases, strict=True)):
            return name
    return None


_HINTS = {
    "padding-forgotten": ("패딩 2p 를 빠뜨렸습니다.", "the padding term 2p is missing."),
    "stride-forgotten": (
        "스트라이드 s 로 나누지 않았습니다.",
        "the division by the stride s is missing.",
    ),
    "not-floored": ("나눗셈 결과를 내림하지 않았습니다.", "the division is not floored."),
    "padding-one-side": (
        "패딩은 양쪽에 p 씩 붙으므로 2p 를 더해야 합니다 (p 만 더했습니다).",
        "padding is added on both sides, so add 2p (p alone was added).",
    ),
    "plus-one-forgotten": (
        "마지막의 + 1 을 빠뜨렸습니다: 필터가 놓이는 첫 자리도 셉니다.",
        "the final + 1 is missing: the filter's first position counts too.",
    ),
}


@pytest.mark.points(3)
@given(n=st.integers(1, 256), m=st.integers(1, 11), p=st.integers(0, 5), s=st.integers(1, 4))
@example(n=28, m=3, p=2, s=1)
@example(n=7, m=3, p=0, s=2)
def test_matches_the_formula_everywhere(student, reference, n, m, p, s):
    """ko: 여러 n, m, p, s 에서 공식과 같은 값을 냅니다.
    en: agrees with the formula over many n, m, p, s."""
    assume(n + 2 * p >= m)
    got = expect_number(student.conv_output_size(n, m, p, s), "conv_output_size(n, m, p, s)")
    wanted = reference.conv_output_size(n, m, p, s)
    diagnosis = None if got == wanted else _diagnose(student, (n, m, p, s))
    hint_ko, hint_en = _HINTS.get(diagnosis, ("", ""))
    expect(
        got == wanted,
        ko=f"n={n}, m={m}, p={p}, s={s} 에서 결과가 틀립니다. {hint_ko}".strip(),
        en=f"wrong for n={n}, m={m}, p={p}, s={s}. {hint_en}".strip(),
        diagnosis=diagnosis,
    )


@pytest.mark.points(2)
@pytest.mark.parametrize(("n", "m", "s"), [(28, 3, 1), (32, 5, 2), (9, 3, 3)])
def test_agrees_with_a_real_valid_conv2d(student, n, m, s):
    """ko: 패딩이 없을 때 Keras Conv2D(padding='valid') 의 실제 출력 크기와 같습니다.
    en: without padding, agrees with a real Keras Conv2D(padding='valid') output size."""
    import keras

    layer = keras.layers.Conv2D(1, m, strides=s, padding="valid")
    real = layer.compute_output_shape((1, n, n, 1))[1]
    got = expect_number(student.conv_output_size(n, m, 0, s), "conv_output_size")
    expect(
        got == real,
        ko=f"{n}x{n} 입력, {m}x{m} 필터, 스트라이드 {s} 인 Conv2D 의 실제 출력 크기와 다릅니다.",
        en=f"differs from a real Conv2D's output for a {n}x{n} input, {m}x{m} filter, stride {s}.",
    )


@pytest.mark.points(3)
@given(
    n=st.integers(4, 128),
    m=st.integers(1, 7),
    s=st.integers(1, 4),
    padding=st.sampled_from(["valid", "same"]),
)
@example(n=28, m=4, s=1, padding="same")
@example(n=28, m=3, s=2, padding="same")
def test_keras_padding_matches_a_real_conv2d(student, n, m, s, padding):
    """ko: valid / same 패딩의 출력 크기가 실제 Keras Conv2D 와 같습니다.
    en: valid and same output sizes agree with a real Keras Conv2D."""
    import keras

    assume(n >= m)
    real = keras.layers.Conv2D(1, m, strides=s, padding=padding).compute_output_shape((1, n, n, 1))[
        1
    ]
    got = expect_number(student.keras_output_size(n, m, s, padding), "keras_output_size")
    half = (m - 1) // 2
    same_as_formula = padding == "same" and got == (n + 2 * half - m) // s + 1 != real
    expect(
        got == real,
        ko=f"n={n}, m={m}, s={s}, padding={padding!r} 에서 Conv2D 의 실제 출력 "
        f"{particle(str(real), '와/과')} 다릅니다."
        + (" same 패딩의 출력은 ceil(n / s) 입니다." if same_as_formula else ""),
        en=f"differs from a real Conv2D's output {real} for n={n}, m={m}, s={s}, padding={padding!r}."
        + (" With same padding the output is ceil(n / s)." if same_as_formula else ""),
        diagnosis="same-is-ceil" if same_as_formula else None,
    )
