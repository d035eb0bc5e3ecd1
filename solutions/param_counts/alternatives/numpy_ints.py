# EXERCISE: param_counts
from itertools import pairwise

import numpy as np


def dense_params(inputs, units):
    return np.int64(inputs) * units + units


def conv2d_params(kh, kw, c_in, filters):
    weights = kh * kw * c_in * filters
    biases = filters
    return weights + biases


sizes = [784, 256, 128, 10]
mlp_total = int(sum(dense_params(a, b) for a, b in pairwise(sizes)))
