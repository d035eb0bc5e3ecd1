# EXERCISE: tensors
import numpy as np
import tensorflow as tf

ones = tf.ones(shape=[2, 3], dtype="float32")
zeros = tf.zeros((3, 4), tf.int32)
matrix = tf.convert_to_tensor(np.array([[1, 2], [3, 4]]), dtype=tf.float32)


def normal(shape, mean, stddev):
    return tf.random.normal(shape=shape, mean=mean, stddev=stddev)
