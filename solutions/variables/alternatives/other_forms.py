# EXERCISE: variables
import tensorflow as tf


def make_variable():
    return tf.Variable(tf.constant([[1, 2], [3, 4]], dtype=tf.float32))


def add_one(v):
    v.assign(v + 1)


def subtract(v, amount):
    v.assign_sub(tf.fill(v.shape, float(amount)))


def set_corner(v, value):
    v[0, 0].assign(value)


def replace_all(v, values):
    v.assign(tf.reshape(tf.constant(values, dtype=v.dtype), v.shape))


try:
    tf.constant([1.0]).assign([2.0])
except Exception as error:
    tensor_assign_error = type(error).__name__
