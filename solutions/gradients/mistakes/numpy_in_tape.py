# MISTAKE: numpy-in-tape
# EXERCISE: gradients
import numpy as np
import tensorflow as tf


def gradient_of_square(x):
    x = tf.Variable(x, dtype=tf.float32)
    with tf.GradientTape() as tape:
        y = np.square(x)
    return tape.gradient(y, x)


def gradient_of_cube(x):
    x = tf.constant(x, dtype=tf.float32)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = np.power(x, 3)
    return tape.gradient(y, x)


def motion(t):
    t = tf.Variable(t, dtype=tf.float32)
    with tf.GradientTape() as outer:
        with tf.GradientTape() as inner:
            s = 4.9 * np.square(t) + 3 * t
        speed = inner.gradient(s, t)
    return speed, outer.gradient(speed, t)
