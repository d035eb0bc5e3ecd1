# MISTAKE: hardcoded
# EXERCISE: variables
import tensorflow as tf


def make_variable():
    return tf.Variable([[1.0, 2.0], [3.0, 4.0]])


def add_one(v):
    v.assign([[2.0, 3.0], [4.0, 5.0]])


def subtract(v, amount):
    pass


def set_corner(v, value):
    v.assign([[9.0, 2.0], [3.0, 4.0]])


def replace_all(v, values):
    pass


tensor_assign_error = "AttributeError"
