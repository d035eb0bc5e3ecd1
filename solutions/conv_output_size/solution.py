# EXERCISE: conv_output_size
def conv_output_size(n, m, p, s):
    return (n + 2 * p - m) // s + 1
