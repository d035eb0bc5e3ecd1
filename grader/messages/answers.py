"""What the checks' helpers say about the value an answer gave, in Korean and English.

:mod:`grader.grading.checks` and :mod:`grader.grading.trusted` decide what is wrong with
a value and which known mistake it is; these are the sentences they say it with. ``kind``
is how :func:`grader.grading.checks.describe` names a value (``None``, ``NumPy array
(3,)``), so a sentence here may say None: it is the value the student handed in.
"""

from __future__ import annotations

from grader.feedback import Message
from grader.korean import particle


def value_is_none(name: str) -> Message:
    return Message(
        ko=f"{particle(f'`{name}`', '이/가')} None 입니다. 값을 만들어 변수에 넣었는지"
        "(또는 return 했는지) 확인하세요.",
        en=f"`{name}` is None. Did you assign (or return) the value?",
    )


def numpy_not_tensor(name: str) -> Message:
    return Message(
        ko=f"{particle(f'`{name}`', '이/가')} NumPy 배열입니다. TensorFlow 함수"
        "(tf.ones, tf.constant 등)로 텐서를 만드세요.",
        en=f"`{name}` is a NumPy array. Make a tensor with TensorFlow (tf.ones, tf.constant…).",
    )


def variable_not_tensor(name: str) -> Message:
    return Message(
        ko=f"{particle(f'`{name}`', '이/가')} tf.Variable 입니다. 여기서는 변하지 "
        "않는 텐서가 필요합니다.",
        en=f"`{name}` is a tf.Variable; a constant tensor is expected here.",
    )


def not_a_tensor(name: str, kind: str) -> Message:
    return Message(
        ko=f"{particle(f'`{name}`', '은/는')} 텐서여야 하는데 {kind} 입니다.",
        en=f"`{name}` should be a tensor, it is {kind}.",
    )


def wrong_shape(name: str, shape: tuple[int, ...], got: tuple[int, ...]) -> Message:
    """``name`` is written as given: a tensor's in backticks, a variable's bare."""
    return Message(
        ko=f"{name} 의 모양이 {shape} 이어야 하는데 {got} 입니다.",
        en=f"{name} should have shape {shape}, it has {got}.",
    )


def wrong_dtype(name: str, wanted: str, got: str) -> Message:
    return Message(
        ko=f"`{name}` 의 dtype 이 {wanted} 이어야 하는데 {got} 입니다. "
        f"`dtype=tf.{wanted}` 로 만들거나 `tf.cast(..., tf.{wanted})` (NumPy 는 "
        f'`.astype("{wanted}")`) 로 바꾸세요.',
        en=f"`{name}` should have dtype {wanted}, it has {got}. Make it "
        f"with `dtype=tf.{wanted}` or convert it with `tf.cast(..., tf.{wanted})` "
        f'(NumPy: `.astype("{wanted}")`).',
    )


def not_a_number(name: str, kind: str) -> Message:
    return Message(
        ko=f"{particle(f'`{name}`', '은/는')} 숫자여야 하는데 {kind} 입니다.",
        en=f"`{name}` should be a number, it is {kind}.",
    )


def not_one_number(name: str, kind: str) -> Message:
    return Message(
        ko=f"{particle(f'`{name}`', '은/는')} 숫자 하나여야 하는데 {kind} 입니다.",
        en=f"`{name}` should be a single number, it is {kind}.",
    )


def same_model_returned(name: str) -> Message:
    return Message(
        ko=f"{name}: 같은 모델(또는 같은 층)을 다시 돌려줍니다. 한 모델의 가중치를 바꾸자 "
        "다른 모델의 가중치도 바뀌었습니다. 함수 안에서 층과 모델을 새로 만드세요.",
        en=f"{name}: the same model (or the same layers) is returned again: setting one "
        "model's weights changed the other's. Build the layers and the model inside the "
        "function.",
    )


def not_a_variable(name: str, kind: str) -> Message:
    return Message(
        ko=f"{name}: tf.Variable 이어야 하는데 {kind} 입니다.",
        en=f"{name} should be a tf.Variable, it is {kind}.",
    )


def variable_rebound(name: str, kind: str) -> Message:
    """A tensor came back where a variable was asked for: ``W = W - ...`` made it one."""
    plain = not_a_variable(name, kind)
    return Message(
        ko=f"{plain.ko} `{name} = {name} - ...` 처럼 다시 대입하면 텐서가 됩니다: "
        "assign_sub 를 쓰세요.",
        en=f"{plain.en} Rebinding with `{name} = {name} - ...` makes it a tensor: use assign_sub.",
    )


def assign_not_kept(name: str) -> Message:
    return Message(
        ko=f"{name}.assign(...)으로 넣은 값이 {name}에 남지 않습니다: tf.Variable로 만드세요.",
        en=f"{name} does not keep what {name}.assign(...) gives it: make it a tf.Variable.",
    )


def float_not_int(name: str, number: str) -> Message:
    return Message(
        ko=f"{particle(f'`{name}`', '은/는')} 정수여야 하는데 실수 {number} 입니다.",
        en=f"`{name}` should be an integer, it is the float {number}.",
    )


def whole_float_not_int(name: str, number: str) -> Message:
    """The number is right but a float: what ``/`` or ``np.floor`` give."""
    plain = float_not_int(name, number)
    return Message(
        ko=f"{plain.ko} 값은 맞습니다: / 대신 // 를 쓰거나 int(...) 로 바꾸세요.",
        en=f"{plain.en} The value is right: use // instead of /, or int(...).",
    )


def not_a_pair(where: str, kind: str) -> Message:
    return Message(
        ko=f"{particle(where, '은/는')} (activation, loss) 튜플이어야 하는데 {kind} 입니다.",
        en=f"{where} should be an (activation, loss) tuple, it is {kind}.",
    )


def pair_swapped(where: str, pair: object) -> Message:
    return Message(
        ko=f"{where} = {pair!r}: 순서가 바뀌었습니다. (활성화, 손실) 순서로 쓰세요.",
        en=f"{where} = {pair!r}: the order is swapped; write (activation, loss).",
    )


def pair_unknown(where: str, pair: object) -> Message:
    return Message(
        ko=f"{where} = {pair!r}: Keras 가 아는 활성화 이름과 손실 이름이어야 합니다.",
        en=f"{where} = {pair!r}: both must be names Keras knows: an activation, then a loss.",
    )


def not_a_float(name: str, kind: str) -> Message:
    return Message(
        ko=f"{particle(f'`{name}`', '은/는')} 실수(float)여야 하는데 {kind} 입니다. "
        f"float({name}.numpy()) 처럼 숫자로 바꿔 돌려주세요.",
        en=f"`{name}` should be a float, it is {kind}. Return a number, such as "
        f"float({name}.numpy()).",
    )


# -- a model that the grader will not rebuild (grader.grading.trusted) -------------------
#
# These follow the name of the answer ("model: it should be ..."), so the English starts
# in lower case.


def model_is_none() -> Message:
    return Message(
        ko="Keras 모델이어야 하는데 None 입니다. keras.Sequential 이나 keras.Model 로 "
        "만든 모델을 return 했는지 확인하세요.",
        en="it should be a Keras model, it is None. Did you return a model made "
        "with keras.Sequential or keras.Model?",
    )


def not_a_model() -> Message:
    return Message(
        ko="Keras 모델이어야 하는데 다른 값입니다. keras.Sequential 이나 keras.Model 로 "
        "만든 모델을 return 했는지 확인하세요.",
        en="it should be a Keras model, it is something else. Did you return a model made "
        "with keras.Sequential or keras.Model?",
    )


def model_not_rebuilt(why: str) -> Message:
    return Message(
        ko=f"모델을 채점기에서 다시 만들 수 없습니다 ({why}). Keras 의 층과 "
        "keras.Sequential 또는 keras.Model 로 만든 모델을 return 하세요.",
        en=f"the model cannot be rebuilt by the grader ({why}). Return a model made of "
        "Keras layers with keras.Sequential or keras.Model.",
    )


def custom_object(what: str) -> Message:
    return Message(
        ko=f"직접 만든 클래스나 Keras 밖의 객체({what})는 채점할 수 없습니다. "
        "Keras 에 들어 있는 층(keras.layers.Dense 등)만 쓰세요.",
        en=f"a class of your own or an object from outside Keras ({what}) cannot be graded. "
        "Use Keras's own layers (keras.layers.Dense and the like).",
    )


def lambda_layer() -> Message:
    return Message(
        ko="Lambda 층은 채점할 수 없습니다: 그 안의 코드는 채점기에서 실행하지 않습니다. "
        "Keras 에 들어 있는 층(Activation, Dense 등)으로 바꾸세요.",
        en="a Lambda layer cannot be graded: the grader does not run the code inside it. "
        "Use Keras's own layers (Activation, Dense…) instead.",
    )


def foreign_function(name: str) -> Message:
    return Message(
        ko=f"Keras 에 들어 있지 않은 함수({name})는 채점할 수 없습니다. "
        'activation="relu" 처럼 Keras 의 이름을 쓰세요.',
        en=f"the function {name} is not one of Keras's own, so it cannot be graded. "
        'Use a Keras name such as activation="relu".',
    )


def model_not_built() -> Message:
    return Message(
        ko="모델이 아직 만들어지지(build) 않아 층의 가중치가 없습니다. 첫 층 앞에 "
        "keras.Input((특성 수,))을 두어 입력 모양을 정하세요.",
        en="the model is not built yet, so its layers have no weights. Put "
        "keras.Input((features,)) before the first layer to give it its input shape.",
    )


def model_not_compiled() -> Message:
    return Message(
        ko="모델이 compile 되지 않아 손실을 잴 수 없습니다: model.compile(...) 을 부르세요.",
        en="the model is not compiled, so its loss cannot be measured: call model.compile(...).",
    )


def model_too_large(what: str) -> Message:
    return Message(
        ko=f"모델이 너무 큽니다 ({what}). 문제에서 요구한 크기로 만드세요.",
        en=f"the model is too large ({what}). Build it at the size the exercise asks for.",
    )


def of_answer(name: str, said: Message) -> Message:
    """A refusal of the model, said of the answer ``name`` it came from."""
    return Message(ko=f"{name}: {said.ko}", en=f"{name}: {said.en}")
