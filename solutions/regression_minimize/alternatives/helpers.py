# EXERCISE: regression_minimize
import numpy as np
import tensorflow as tf

rng = np.random.default_rng(0)
x = rng.uniform(-1, 1, size=100).astype("float32")
y = (2 * x + 1 + rng.normal(scale=0.1, size=100)).astype("float32")


def residuals(a, b, x, y):
    return y - (a * x + b)


def ols_loss(a, b, x, y):
    return tf.reduce_mean(tf.square(residuals(a, b, x, y)))


def tls_loss(a, b, x, y):
    return tf.reduce_mean(tf.square(residuals(a, b, x, y)) / (1.0 + tf.square(a)))


def fit(loss, x, y):
    a = tf.Variable(0.0)
    b = tf.Variable(0.0)
    optimizer = tf.compat.v1.train.GradientDescentOptimizer(learning_rate=0.1)
    for _ in range(300):
        optimizer.minimize(lambda: loss(a, b, x, y), var_list=[a, b])
    return float(a.numpy()), float(b.numpy())
