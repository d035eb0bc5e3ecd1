# MISTAKE: bias-per-input
# EXERCISE: param_counts
def dense_params(inputs, units):
    return inputs * units + inputs


def conv2d_params(kh, kw, c_in, filters):
    return kh * kw * c_in * filters + c_in


mlp_total = dense_params(784, 256) + dense_params(256, 128) + dense_params(128, 10)
