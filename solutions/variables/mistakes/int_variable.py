# MISTAKE: wrong-dtype
# EXERCISE: variables
import tensorflow as tf


def make_variable():
    return tf.Variable([[1, 2], [3, 4]])


def add_one(v):
    v.assign_add(tf.ones_like(v))


def subtract(v, amount):
    v.assign_sub(tf.ones_like(v) * amount)


def set_corner(v, value):
    v[0, 0].assign(value)


def replace_all(v, values):
    v.assign(values)


tensor_assign_error = "AttributeError"
