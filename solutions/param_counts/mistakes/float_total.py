# MISTAKE: float-not-int
# EXERCISE: param_counts
def dense_params(inputs, units):
    return inputs * units + units


def conv2d_params(kh, kw, c_in, filters):
    return (kh * kw * c_in + 1) * filters


mlp_total = 784 * 256 + 256 + 256 * 128 + 128 + 128 * 10 + 10 * 1.0
