# EXERCISE: param_counts
def dense_params(inputs, units):
    return (inputs + 1) * units


def conv2d_params(kh, kw, c_in, filters):
    return (kh * kw * c_in + 1) * filters


mlp_total = 0
previous = 784
for width in (256, 128, 10):
    mlp_total += dense_params(inputs=previous, units=width)
    previous = width
