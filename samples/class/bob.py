# EXERCISE: tensors
import numpy as np
import tensorflow as tf

ones = np.ones((2, 3))
zeros = tf.zeros((3, 4), dtype=tf.int32)
matrix = tf.constant([[1.0, 2.0], [3.0, 4.0]])


def normal(shape, mean, stddev):
    return tf.random.normal(shape, mean=stddev, stddev=mean)


# EXERCISE: one_hot
from keras.utils import to_categorical

labels = np.random.default_rng(0).integers(0, 10, size=128)


def one_hot(labels, depth):
    return tf.constant(to_categorical(labels, depth), dtype=tf.float32)


y = one_hot(labels, 10)
y = tf.one_hot(tf.argmax(y, axis=1), 10)
y = tf.one_hot(tf.cast(y, tf.int32), 10)


# EXERCISE: conv_output_size
def conv_output_size(n, m, p, s):
    return (n - m) // s + 1
