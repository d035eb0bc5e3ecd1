# MISTAKE: item-assignment
# EXERCISE: variables
import tensorflow as tf


def make_variable():
    return tf.Variable([[1.0, 2.0], [3.0, 4.0]])


def add_one(v):
    v.assign_add(tf.ones_like(v))


def subtract(v, amount):
    v.assign_sub(tf.ones_like(v) * amount)


def set_corner(v, value):
    v[0, 0] = value


def replace_all(v, values):
    v.assign(values)


tensor_assign_error = "AttributeError"
