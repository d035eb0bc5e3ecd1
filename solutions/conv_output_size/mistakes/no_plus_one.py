# MISTAKE: plus-one-forgotten
# EXERCISE: conv_output_size
import math


def conv_output_size(n, m, p, s):
    return (n + 2 * p - m) // s


def keras_output_size(n, m, s, padding):
    if padding == "same":
        return math.ceil(n / s)
    return (n - m) // s + 1
