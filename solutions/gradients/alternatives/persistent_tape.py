# EXERCISE: gradients
import tensorflow as tf


def gradient_of_square(x):
    variable = tf.Variable(float(x))
    with tf.GradientTape() as tape:
        y = variable * variable
    return tape.gradient(y, variable)


def gradient_of_cube(x):
    x = tf.constant(x, dtype=tf.float32)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.pow(x, 3)
    return tape.gradient(y, x)


def motion(t):
    t = tf.Variable(t, dtype=tf.float32)
    with tf.GradientTape() as outer:
        with tf.GradientTape() as inner:
            s = 4.9 * tf.square(t) + 3.0 * t
        speed = inner.gradient(s, t)
    acceleration = outer.gradient(speed, t)
    return speed, acceleration
