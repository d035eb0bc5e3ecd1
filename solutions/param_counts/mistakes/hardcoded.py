# MISTAKE: hardcoded
# EXERCISE: param_counts
def dense_params(inputs, units):
    return 200960


def conv2d_params(kh, kw, c_in, filters):
    return 896


mlp_total = 235146
