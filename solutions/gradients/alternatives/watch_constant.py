# EXERCISE: gradients
import tensorflow as tf


def gradient_of_square(x):
    x = tf.Variable(x, dtype=tf.float32)
    with tf.GradientTape() as tape:
        y = x**2
    (grad,) = tape.gradient(y, [x])
    return grad


def gradient_of_cube(x):
    x = tf.constant(x, tf.float32)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = x * x * x
    return tape.gradient(y, x)


def position(t):
    return 4.9 * t**2 + 3 * t


def motion(t):
    t = tf.constant(t, dtype=tf.float32)
    with tf.GradientTape() as second:
        second.watch(t)
        with tf.GradientTape() as first:
            first.watch(t)
            s = position(t)
        v = first.gradient(s, t)
    a = second.gradient(v, t)
    return v, a
