# EXERCISE: linear_classifier
import numpy as np
import tensorflow as tf


def make_points(seed):
    rng = np.random.default_rng(seed)
    cov = [[1, 0.5], [0.5, 1]]
    negative = rng.multivariate_normal(mean=[0, 3], cov=cov, size=500)
    positive = rng.multivariate_normal(mean=[3, 0], cov=cov, size=500)
    inputs = np.vstack((negative, positive)).astype("float32")
    targets = np.vstack((np.zeros((500, 1)), np.ones((500, 1)))).astype("float32")
    return inputs, targets


inputs, targets = make_points(0)
learning_rate = 0.1

W = tf.Variable(initial_value=tf.random.uniform((2, 1)))
b = tf.Variable(initial_value=np.zeros(1, dtype=np.float32))


def model(inputs):
    return inputs @ W + b


def square_loss(targets, predictions):
    errors = predictions - targets
    return tf.reduce_mean(errors * errors)


def training_step(inputs, targets):
    with tf.GradientTape() as tape:
        predictions = model(inputs)
        loss = square_loss(targets, predictions)
    grads = tape.gradient(loss, {"W": W, "b": b})
    W.assign_sub(grads["W"] * learning_rate)
    b.assign_sub(grads["b"] * learning_rate)
    return loss


losses = [training_step(inputs, targets) for _ in range(40)]
