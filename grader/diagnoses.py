"""Named mistakes: what each diagnosis a check reports is called, and what it means.

A check names a known mistake by a slug (``diagnosis="one-hot-twice"``), which is what
results store and exports carry. People are shown a name and a one-line explanation
in Korean and English instead. The framework's own checks (``grader.grading.checks``,
``grader.grading.trusted``, the known raw errors of ``grader.feedback``) name their mistakes
here; an exercise names its own in its ``exercise.toml``::

    [mistakes.one-hot-twice]
    ko = "원-핫 인코딩을 두 번 적용"
    en = "One-hot encoding applied twice"
    explanation_ko = "..."
    explanation_en = "..."

and an exercise's entry wins over this table's for its checks.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from grader.errors import BankError
from grader.feedback import Language, Message

if TYPE_CHECKING:
    from grader.course.bank import Exercise


@dataclass(frozen=True)
class Diagnosis:
    """A known mistake: its slug, its name and what it means."""

    slug: str
    name: Message
    explanation: Message

    def said(self, language: Language) -> str:
        """The name and the explanation in one line, as a person reads it."""
        return f"{self.name.in_language(language)} — {self.explanation.in_language(language)}"


#: Each exercise's own names for its mistakes, by exercise id (see :func:`named_in`).
Named = Mapping[str, Mapping[str, Diagnosis]]


def _known(slug: str, name: tuple[str, str], explanation: tuple[str, str]) -> Diagnosis:
    return Diagnosis(slug, Message(*name), Message(*explanation))


#: The mistakes the framework's own checks and error explanations diagnose.
FRAMEWORK: Mapping[str, Diagnosis] = {
    d.slug: d
    for d in (
        _known(
            "none-returned",
            ("값이 None", "None instead of a value"),
            (
                "함수가 값을 돌려주지 않았거나 변수에 값을 넣지 않았습니다.",
                "A function returned nothing, or a variable was never given a value.",
            ),
        ),
        _known(
            "numpy-not-tensor",
            ("텐서 대신 NumPy 배열", "NumPy array instead of a tensor"),
            (
                "np.… 함수로 만든 값은 TensorFlow 텐서가 아닙니다.",
                "A value made with an np.… function is not a TensorFlow tensor.",
            ),
        ),
        _known(
            "variable-not-tensor",
            ("상수 대신 tf.Variable", "tf.Variable instead of a constant"),
            (
                "바뀌지 않는 값이 필요한 곳에 tf.Variable 을 만들었습니다.",
                "A tf.Variable was made where a constant tensor was asked for.",
            ),
        ),
        _known(
            "wrong-shape",
            ("모양이 다름", "Wrong shape"),
            (
                "텐서의 모양(shape)이 문제에서 요구한 것과 다릅니다.",
                "A tensor's shape differs from the one the exercise asks for.",
            ),
        ),
        _known(
            "wrong-dtype",
            ("dtype 이 다름", "Wrong dtype"),
            (
                "값은 맞지만 자료형이 다릅니다 (예: float32 대신 int32).",
                "The values are right but their type is not (int32 where float32 is asked).",
            ),
        ),
        _known(
            "same-model-returned",
            ("같은 모델을 다시 돌려줌", "The same model returned again"),
            (
                "새 모델 대신 이미 있는 모델(또는 층)을 다시 돌려주어, 한쪽을 바꾸면 다른 쪽도 "
                "바뀝니다.",
                "An existing model (or its layers) was returned instead of a new one, so "
                "changing one changes the other.",
            ),
        ),
        _known(
            "rebind-not-assign",
            ("assign 대신 다시 대입", "Rebinding instead of assign"),
            (
                "`v = v + 1` 은 새 텐서를 만들 뿐 변수를 바꾸지 않습니다. v.assign_add(1) 처럼 "
                "assign 을 써야 합니다.",
                "`v = v + 1` only makes a new tensor and leaves the variable as it was; "
                "v.assign_add(1) changes it.",
            ),
        ),
        _known(
            "not-a-variable",
            ("tf.Variable 이 아님", "Not a tf.Variable"),
            (
                "학습이나 assign 으로 바뀌어야 하는 값을 상수 텐서로 만들었습니다.",
                "A value that training or assign must change was made as a constant tensor.",
            ),
        ),
        _known(
            "float-not-int",
            ("정수 대신 실수", "Float instead of int"),
            (
                "개수나 크기는 정수여야 하는데 / 나눗셈 등으로 실수(예: 28.0)가 나왔습니다.",
                "A count or size must be an integer; a / division (or similar) gave a float "
                "such as 28.0.",
            ),
        ),
        _known(
            "swapped-pair",
            ("순서가 바뀐 쌍", "Pair in the wrong order"),
            (
                "(활성화 함수, 손실 함수) 쌍을 (손실, 활성화) 순서로 썼습니다.",
                "The (activation, loss) pair was written as (loss, activation).",
            ),
        ),
        _known(
            "not-a-float",
            ("실수가 아님", "Not a float"),
            (
                "숫자 하나를 돌려줘야 하는데 텐서나 다른 값을 돌려주었습니다.",
                "A single number was asked for; a tensor or another kind of value came back.",
            ),
        ),
        _known(
            "not-a-keras-model",
            ("Keras 모델이 아님", "Not a Keras model"),
            (
                "Keras 모델이 필요한 곳에 다른 값을 돌려주었습니다.",
                "Something other than a Keras model was returned where a model is asked for.",
            ),
        ),
        _known(
            "model-not-built",
            ("만들어지지 않은 모델", "Model not built"),
            (
                "입력 모양을 정하지 않아 모델에 아직 가중치가 없습니다. keras.Input 으로 "
                "시작하세요.",
                "Without an input shape the model has no weights yet; start it with keras.Input.",
            ),
        ),
        _known(
            "model-too-large",
            ("너무 큰 모델", "Model too large"),
            (
                "모델의 가중치가 채점기가 다시 만들 수 있는 크기보다 큽니다.",
                "The model's weights are larger than the grader rebuilds.",
            ),
        ),
        _known(
            "numpy-in-tape",
            ("테이프 안의 NumPy 계산", "NumPy inside the tape"),
            (
                "GradientTape 는 TensorFlow 연산만 따라가므로 NumPy 로 한 계산의 기울기는 "
                "구할 수 없습니다.",
                "A GradientTape follows TensorFlow operations only: it has no gradient for "
                "a NumPy computation.",
            ),
        ),
        _known(
            "none-gradient",
            ("기울기가 None", "Gradient is None"),
            (
                "손실을 테이프 밖에서, 또는 테이프가 따라가지 않는 값으로 계산했습니다.",
                "The loss was computed outside the tape, or from values the tape does not follow.",
            ),
        ),
        _known(
            "int-float-mixed",
            ("정수와 실수를 섞음", "Integers mixed with floats"),
            (
                "한 연산에 정수 텐서와 실수 텐서를 함께 썼습니다. tf.cast 로 dtype 을 맞추세요.",
                "An integer and a float tensor met in one operation; tf.cast makes them match.",
            ),
        ),
        _known(
            "tf1-in-eager",
            ("TF2 에서 TF1 코드", "TF1 code in TF2"),
            (
                "placeholder 나 Session 은 TF2 의 즉시 실행(eager)에는 없습니다.",
                "Placeholders and sessions do not exist in TF2's eager execution.",
            ),
        ),
    )
}

#: Said for a slug nobody named, so that the page still speaks the reader's words.
_UNNAMED = Message(ko="이름 없는 실수", en="Unnamed mistake")


def describe(slug: str, named: Mapping[str, Diagnosis] | None = None) -> Diagnosis:
    """The diagnosis called ``slug``: the exercise's own entry in ``named``, else the
    framework's; a slug neither names is shown as an unnamed mistake with its slug."""
    found = (named or {}).get(slug) or FRAMEWORK.get(slug)
    if found is not None:
        return found
    return Diagnosis(
        slug,
        _UNNAMED,
        Message(
            ko=f"이 실수({slug})에는 아직 이름이 없습니다. exercise.toml 의 [mistakes.{slug}] "
            "에 이름과 설명을 적으세요.",
            en=f"This mistake ({slug}) has no name yet: give it one, and an explanation, "
            f"under [mistakes.{slug}] in exercise.toml.",
        ),
    )


def named_in(exercises: Iterable[Exercise]) -> dict[str, Mapping[str, Diagnosis]]:
    """The mistakes each of ``exercises`` names, by exercise id: what the pages and
    exports are given so that they show names, not slugs."""
    return {exercise.id: exercise.mistakes for exercise in exercises}


def for_student(exercise: str, slug: str | None, named: Named | None = None) -> Diagnosis | None:
    """What a student is shown of the mistake ``slug`` a check of ``exercise`` found: the
    exercise's own entry in ``named``, else the framework's; None for no slug, or for one
    nobody named (a slug means nothing to a student, and naming it is the instructor's
    job, which ``grader validate`` asks for)."""
    if not slug:
        return None
    return (named or {}).get(exercise, {}).get(slug) or FRAMEWORK.get(slug)


def from_toml(table: Any, where: str) -> dict[str, Diagnosis]:
    """An exercise's ``[mistakes]`` table read as diagnoses; ``where`` names its file."""
    if not isinstance(table, dict):
        raise BankError(f"{where}: [mistakes] should be a table of [mistakes.<slug>] tables")
    found: dict[str, Diagnosis] = {}
    for slug, entry in table.items():
        keys = ("ko", "en", "explanation_ko", "explanation_en")
        if not isinstance(entry, dict) or not all(isinstance(entry.get(k), str) for k in keys):
            raise BankError(f"{where}: [mistakes.{slug}] needs the texts {', '.join(keys)}")
        found[slug] = Diagnosis(
            slug,
            Message(ko=entry["ko"], en=entry["en"]),
            Message(ko=entry["explanation_ko"], en=entry["explanation_en"]),
        )
    return found
