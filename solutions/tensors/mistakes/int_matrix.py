# MISTAKE: wrong-dtype
# EXERCISE: tensors
import tensorflow as tf

ones = tf.ones((2, 3))
zeros = tf.zeros((3, 4), dtype=tf.int32)
matrix = tf.constant([[1, 2], [3, 4]])


def normal(shape, mean, stddev):
    return tf.random.normal(shape, mean=mean, stddev=stddev)
