# EXERCISE: gradients
import tensorflow as tf


def gradient_of_square(x):
    return None


def gradient_of_cube(x):
    return None


def motion(t):
    return None, None
