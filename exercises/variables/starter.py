# EXERCISE: variables
import tensorflow as tf


def make_variable():
    return None


def add_one(v):
    pass


def subtract(v, amount):
    pass


def set_corner(v, value):
    pass


def replace_all(v, values):
    pass


tensor_assign_error = None
