# MISTAKE: one-hot-twice
# EXERCISE: one_hot
import numpy as np
import tensorflow as tf

labels = np.random.default_rng(0).integers(0, 10, size=128)


def one_hot(labels, depth):
    return tf.one_hot(labels, depth, dtype=tf.float32)


y = one_hot(labels, 10)
y = one_hot(tf.argmax(y, axis=1), 10)
y = tf.one_hot(tf.cast(y, tf.int32), 10)


def entropy(p):
    p = np.asarray(p, dtype=np.float64)
    nonzero = p[p > 0]
    return float(-np.sum(nonzero * np.log(nonzero)))


def cross_entropy(p, q):
    p = np.asarray(p, dtype=np.float64)
    q = np.asarray(q, dtype=np.float64)
    mask = p > 0
    return float(-np.sum(p[mask] * np.log(q[mask])))
