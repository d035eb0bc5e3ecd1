# EXERCISE: tensors
import tensorflow as tf

ones = tf.fill((2, 3), 1.0)
zeros = tf.zeros_like(tf.ones((3, 4), dtype=tf.int32))
matrix = tf.constant([[1.0, 2.0], [3.0, 4.0]])


def normal(shape, mean=0.0, stddev=1.0):
    return mean + stddev * tf.random.normal(shape)
