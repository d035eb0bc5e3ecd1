# EXERCISE: one_hot
import keras
import numpy as np

labels = np.random.default_rng(0).integers(0, 10, size=128)


def one_hot(labels, depth):
    return keras.utils.to_categorical(labels, num_classes=depth).astype("float32")


y = one_hot(labels, 10)


def entropy(p):
    total = 0.0
    for value in p:
        if value > 0:
            total -= value * np.log(value)
    return total


def cross_entropy(p, q):
    return -sum(pi * np.log(qi) for pi, qi in zip(p, q, strict=True) if pi > 0)
