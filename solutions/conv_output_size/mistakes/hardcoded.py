# MISTAKE: hardcoded
# EXERCISE: conv_output_size
def conv_output_size(n, m, p, s):
    return {(28, 3, 0, 1): 26, (28, 5, 2, 1): 28, (7, 3, 0, 2): 3}.get((n, m, p, s), n)


def keras_output_size(n, m, s, padding):
    return 26 if padding == "valid" else 28
