# MISTAKE: fit-ignores-loss
# EXERCISE: regression_minimize
import numpy as np
import tensorflow as tf

rng = np.random.default_rng(0)
x = rng.uniform(-1, 1, size=100).astype("float32")
y = (2 * x + 1 + rng.normal(scale=0.1, size=100)).astype("float32")


def ols_loss(a, b, x, y):
    return tf.reduce_mean(tf.square(y - (a * x + b)))


def tls_loss(a, b, x, y):
    return tf.reduce_mean(tf.square(y - (a * x + b)) / (1 + tf.square(a)))


def fit(loss, x, y):
    a = tf.Variable(0.0)
    b = tf.Variable(0.0)
    optimizer = tf.compat.v1.train.GradientDescentOptimizer(0.1)
    for _ in range(300):
        optimizer.minimize(lambda: ols_loss(a, b, x, y), var_list=[a, b])
    return float(a.numpy()), float(b.numpy())
