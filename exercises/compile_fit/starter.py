# EXERCISE: compile_fit
import keras
import numpy as np

PROTOTYPES = np.random.default_rng(42).normal(size=(10, 784)).astype("float32")


def make_data(seed, n):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 10, size=n)
    x = PROTOTYPES[y] + rng.normal(scale=3.0, size=(n, 784))
    return x.astype("float32"), y


def build_model():
    return None


early_stopping = None


def train(model, x, y):
    return None


history_keys = None


def evaluate(model, x, y):
    return None


def predict_classes(model, x):
    return None
