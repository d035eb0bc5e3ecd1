# EXERCISE: one_hot
import numpy as np
import tensorflow as tf

labels = np.random.default_rng(0).integers(0, 10, size=128)


def one_hot(labels, depth):
    return None


y = None  # labels, one-hot encoded: shape (128, 10)


def entropy(p):
    return None


def cross_entropy(p, q):
    return None
