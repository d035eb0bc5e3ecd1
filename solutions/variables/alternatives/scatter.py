# EXERCISE: variables
import tensorflow as tf


def make_variable():
    return tf.Variable([[1.0, 2.0], [3.0, 4.0]], dtype="float32")


def add_one(v):
    v.assign_add(tf.ones_like(v))
    return v


def subtract(v, amount):
    v.assign_sub(tf.ones_like(v) * amount)
    return v


def set_corner(v, value):
    v.scatter_nd_update([[0, 0]], [value])
    return v


def replace_all(v, values):
    v.assign(values)
    return v


tensor_assign_error = "AttributeError"
