# MISTAKE: variable-not-tensor
# EXERCISE: tensors
import tensorflow as tf

ones = tf.ones((2, 3))
zeros = tf.zeros((3, 4), dtype=tf.int32)
matrix = tf.Variable([[1.0, 2.0], [3.0, 4.0]])


def normal(shape, mean, stddev):
    return tf.random.normal(shape, mean=mean, stddev=stddev)
