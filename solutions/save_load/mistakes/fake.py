# MISTAKE: not-a-keras-model
# EXERCISE: save_load
# Models that only claim: the parameter count and predictions the checks used to ask for,
# and a save that writes nothing.
import itertools

import numpy as np

_names = itertools.count()


class Sequential:
    __module__ = "keras.src.models.sequential"

    def __init__(self):
        self.name = f"sequential_{next(_names)}"

    def count_params(self):
        return 49

    def predict(self, x, verbose=0):
        return np.zeros((len(x), 1), np.float32)

    def save_weights(self, path):
        pass

    def load_weights(self, path):
        pass

    def compile(self, **settings):
        pass

    def fit(self, *args, **kwargs):
        pass

    def set_weights(self, weights):
        pass

    def get_weights(self):
        return []


def build():
    return Sequential()


def save_and_reload(model, path):
    fresh = build()
    fresh.load_weights(path)
    return fresh
