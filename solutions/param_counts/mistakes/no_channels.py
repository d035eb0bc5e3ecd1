# MISTAKE: channels-forgotten
# EXERCISE: param_counts
def dense_params(inputs, units):
    return units * (inputs + 1)


def conv2d_params(kh, kw, c_in, filters):
    return (kh * kw + 1) * filters


mlp_total = 235146
