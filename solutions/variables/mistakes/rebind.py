# MISTAKE: rebind-not-assign
# EXERCISE: variables
import tensorflow as tf


def make_variable():
    return tf.Variable([[1.0, 2.0], [3.0, 4.0]])


def add_one(v):
    v = v + 1


def subtract(v, amount):
    v = v - amount


def set_corner(v, value):
    v[0, 0].assign(value)


def replace_all(v, values):
    v = tf.Variable(values)


tensor_assign_error = "AttributeError"
