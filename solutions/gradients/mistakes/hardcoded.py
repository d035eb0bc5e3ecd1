# MISTAKE: hardcoded
# EXERCISE: gradients
import tensorflow as tf


def gradient_of_square(x):
    return tf.constant(6.0)


def gradient_of_cube(x):
    return tf.constant(12.0)


def motion(t):
    return tf.constant(12.8), tf.constant(9.8)
