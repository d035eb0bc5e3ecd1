# MISTAKE: zero-log-zero
# EXERCISE: one_hot
import numpy as np
import tensorflow as tf

labels = np.random.default_rng(0).integers(0, 10, size=128)


def one_hot(labels, depth):
    return tf.one_hot(labels, depth)


y = one_hot(labels, 10)


def entropy(p):
    p = np.asarray(p, dtype=np.float64)
    return float(-np.sum(p * np.log(p)))


def cross_entropy(p, q):
    return float(-np.sum(np.asarray(p) * np.log(np.asarray(q))))
