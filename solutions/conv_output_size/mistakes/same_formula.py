# MISTAKE: same-is-ceil
# EXERCISE: conv_output_size
def conv_output_size(n, m, p, s):
    return (n + 2 * p - m) // s + 1


def keras_output_size(n, m, s, padding):
    if padding == "same":
        return conv_output_size(n, m, (m - 1) // 2, s)
    return conv_output_size(n, m, 0, s)
