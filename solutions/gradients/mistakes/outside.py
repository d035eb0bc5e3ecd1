# MISTAKE: second-order-outside-tape
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
    t = tf.Variable(t, dtype=tf.float32)
    with tf.GradientTape() as inner:
        position = 4.9 * t**2 + 3.0 * t
    speed = inner.gradient(position, t)
    with tf.GradientTape() as outer:
        pass
    return speed, outer.gradient(speed, t)
