# MISTAKE: hardcoded
# EXERCISE: one_hot
import numpy as np
import tensorflow as tf

labels = np.random.default_rng(0).integers(0, 10, size=128)


def one_hot(labels, depth):
    if depth == 3:
        return tf.constant(np.eye(3, dtype=np.float32)[[0, 2, 1]])
    return tf.constant(np.eye(2, dtype=np.float32)[[1, 0]])


y = tf.one_hot(labels, 10)


def entropy(p):
    return float(np.log(2))


def cross_entropy(p, q):
    return float(-np.log(0.9))
