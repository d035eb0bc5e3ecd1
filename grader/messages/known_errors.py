"""Raw errors beginners meet, each named once: the pattern that finds it in an error's
text, its diagnosis, and the sentence in Korean and English that says what to change.

Runs on the grader's side: :mod:`grader.grading.plugin` reads a student's error as text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from grader.feedback import Message


@dataclass(frozen=True)
class KnownError:
    """A raw error's pattern, the mistake it names and what to tell the student."""

    pattern: re.Pattern[str]
    diagnosis: str
    message: Message


#: Raw errors beginners meet, each with the sentence that tells them what to change.
KNOWN_ERRORS = (
    KnownError(
        re.compile(r"object has no attribute '_id'"),
        "numpy-in-tape",
        Message(
            ko="테이프 안의 계산에 NumPy 값이 섞였습니다 (np.… 함수나 .numpy()). 테이프는 "
            "TensorFlow 연산만 따라가므로, 테이프 안에서는 tf.… 함수로 계산하세요.",
            en="A NumPy value got into the computation inside the tape (an np.… function or "
            ".numpy()). A tape follows TensorFlow operations only: compute with tf.… inside it.",
        ),
    ),
    KnownError(
        re.compile(
            r"unsupported operand type\(s\) for [^:]+: '\w+' and 'NoneType'"
            r"|unsupported operand type\(s\) for [^:]+: 'NoneType'"
            r"|value \(None\) with an unsupported type"
        ),
        "none-gradient",
        Message(
            ko="기울기가 None 입니다. 손실을 `with tf.GradientTape() as tape:` 블록 밖에서 "
            "계산했거나, 테이프가 따라가지 않는 값(NumPy, 상수)으로 계산하면 tape.gradient 가 "
            "None 을 돌려줍니다. 손실 계산을 테이프 블록 안으로 옮기세요.",
            en="A gradient is None. tape.gradient gives None when the loss was computed outside "
            "the `with tf.GradientTape() as tape:` block, or from values the tape does not "
            "follow (NumPy, constants). Move the loss computation inside the tape's block.",
        ),
    ),
    KnownError(
        re.compile(
            r"(MatMul|AddV2|Mul|Sub|BiasAdd).*expected to be a \w+ tensor but is a \w+"
            r"|Op has type \w+ that does not match type \w+"
        ),
        "int-float-mixed",
        Message(
            ko="정수 텐서와 실수 텐서를 한 연산에 섞었습니다. [1, 2] 대신 [1.0, 2.0] 으로 쓰거나 "
            "tf.cast(x, tf.float32) 로 dtype 을 맞추세요.",
            en="An integer tensor and a float tensor were mixed in one operation. Write "
            "[1.0, 2.0] instead of [1, 2], or match the dtypes with tf.cast(x, tf.float32).",
        ),
    ),
    KnownError(
        re.compile(
            r"has no attribute '(placeholder|Session|global_variables_initializer)'"
            r"|placeholder\(\) is not compatible with eager execution"
        ),
        "tf1-in-eager",
        Message(
            ko="TF1 의 placeholder / Session 은 TF2 의 즉시 실행(eager)에 없습니다. 값을 함수의 "
            "인자로 받고, 함수를 그냥 호출하세요 (그래프가 필요하면 @tf.function).",
            en="TF1's placeholders and sessions do not exist in TF2's eager mode. Take the "
            "values as function arguments and just call the function (@tf.function for a graph).",
        ),
    ),
    KnownError(
        re.compile(
            r"has never been called and thus has no defined input"
            r"|has not yet been built|no defined input|weights have not yet been created"
        ),
        "model-not-built",
        Message(
            ko="모델이 아직 만들어지지(build) 않았습니다: 입력 모양을 모르면 가중치가 없습니다. "
            "첫 층 앞에 keras.Input((특징 수,)) 를 넣으세요.",
            en="The model is not built yet: without an input shape it has no weights. Start it "
            "with keras.Input((features,)).",
        ),
    ),
)


def explain_error(text: str) -> tuple[Message, str] | None:
    """A beginner's sentence and a diagnosis for a raw error of the student's, if it is known."""
    for known in KNOWN_ERRORS:
        if known.pattern.search(text):
            return known.message, known.diagnosis
    return None
