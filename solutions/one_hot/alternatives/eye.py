# EXERCISE: one_hot
import numpy as np
import tensorflow as tf

labels = np.random.default_rng(0).integers(0, 10, size=128)


def one_hot(labels, depth):
    return tf.convert_to_tensor(np.eye(depth, dtype=np.float32)[labels])


y = tf.one_hot(labels, 10)


def entropy(p):
    p = np.array(p)
    return -np.sum(p * np.log(p, where=p > 0, out=np.zeros_like(p)))


def cross_entropy(p, q):
    return float(-np.dot(p, np.log(q)))
