# MISTAKE: padding-one-side
# EXERCISE: conv_output_size
import math


def conv_output_size(n, m, p, s):
    return (n + p - m) // s + 1


def keras_output_size(n, m, s, padding):
    if padding == "same":
        return math.ceil(n / s)
    return (n - m) // s + 1
