# EXERCISE: conv_output_size
import math

import numpy as np


def conv_output_size(n, m, p, s):
    return math.floor((n + 2 * p - m) / s) + 1


def keras_output_size(n, m, s, padding="valid"):
    sizes = {"valid": int(np.floor((n - m) / s)) + 1, "same": int(np.ceil(n / s))}
    return sizes[padding]
