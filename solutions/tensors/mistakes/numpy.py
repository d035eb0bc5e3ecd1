# MISTAKE: numpy-not-tensor
# EXERCISE: tensors
import numpy as np
import tensorflow as tf

ones = np.ones((2, 3), dtype=np.float32)
zeros = tf.zeros((3, 4), dtype=tf.int32)
matrix = tf.constant([[1.0, 2.0], [3.0, 4.0]])


def normal(shape, mean, stddev):
    return tf.random.normal(shape, mean=mean, stddev=stddev)
