# MISTAKE: float-not-int
# EXERCISE: conv_output_size
import numpy as np


def conv_output_size(n, m, p, s):
    return np.floor((n + 2 * p - m) / s) + 1


def keras_output_size(n, m, s, padding):
    if padding == "same":
        return np.ceil(n / s)
    return np.floor((n - m) / s) + 1
