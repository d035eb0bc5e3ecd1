# MISTAKE: formula-not-tape
# EXERCISE: gradients
import tensorflow as tf


def gradient_of_square(x):
    x = tf.Variable(x, dtype=tf.float32)
    with tf.GradientTape() as tape:
        y = x**2
    return tape.gradient(y, x)


def gradient_of_cube(x):
    x = tf.constant(x, dtype=tf.float32)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = x**3
    return tape.gradient(y, x)


def motion(t):
    return 9.8 * t + 3.0, 9.8
