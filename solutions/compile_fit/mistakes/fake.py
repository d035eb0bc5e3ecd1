# MISTAKE: not-a-keras-model
# EXERCISE: compile_fit
# A model and a History that only claim: the layers, loss and records the checks used to
# ask for, no model trained. The runner's own model request is replaced too, so that it
# sends a configuration of the fake's choosing.
import json
import sys

import keras
import numpy as np


class Dense:
    __module__ = "keras.src.layers.core.dense"

    def __init__(self, units, activation):
        self.units, self.activation = units, activation

    def get_config(self):
        return {"units": self.units, "activation": self.activation}


class History:
    __module__ = "keras.src.callbacks.history"

    def __init__(self, n):
        steps = int(np.ceil(0.8 * n / 32))
        self.params = {"verbose": 0, "epochs": 10, "steps": steps}
        falling = [2.0 / (epoch + 1) for epoch in range(10)]
        self.history = {
            "accuracy": [1 - loss / 3 for loss in falling],
            "loss": falling,
            "val_accuracy": [1 - loss / 3 for loss in falling],
            "val_loss": falling,
        }


class Sequential:
    __module__ = "keras.src.models.sequential"

    def __init__(self):
        self.layers = [Dense(64, "relu"), Dense(10, "softmax")]
        self.loss = "sparse_categorical_crossentropy"
        self.optimizer = "adam"

    def count_params(self):
        return 784 * 64 + 64 + 64 * 10 + 10

    def predict(self, x, verbose=0):
        return np.eye(10, dtype=np.float32)[np.zeros(len(x), int)]


def make_data(seed, n):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 10, size=n)
    x = rng.normal(size=(10, 784))[y] + rng.normal(scale=3.0, size=(n, 784))
    return x.astype("float32"), y


def build_model():
    return Sequential()


early_stopping = keras.callbacks.EarlyStopping(
    monitor="val_loss", patience=3, restore_best_weights=True
)


def train(model, x, y):
    return History(len(x))


history_keys = sorted(History(500).history)


def evaluate(model, x, y):
    return 0.2, 0.95


def predict_classes(model, x):
    return np.argmax(model.predict(x), axis=1)


def _claimed_model(target):
    config = {"module": "keras", "class_name": "Sequential", "config": {"layers": [
        {"module": "keras.layers", "class_name": "Lambda", "config": {"function": "fake"}}
    ]}}
    return {"config": json.dumps(config), "weights": [], "compile": "null"}


if "grader.sandbox.requests" in sys.modules:
    sys.modules["grader.sandbox.requests"].model_as_data = _claimed_model
