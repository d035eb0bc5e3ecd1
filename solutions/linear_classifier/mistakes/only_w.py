# MISTAKE: variables-not-updated
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

W = tf.Variable(tf.random.uniform((2, 1)))
b = tf.Variable(tf.zeros((1,)))


def model(inputs):
    return tf.matmul(inputs, W) + b


def square_loss(targets, predictions):
    return tf.reduce_mean(tf.square(targets - predictions))


def training_step(inputs, targets):
    with tf.GradientTape() as tape:
        loss = square_loss(targets, model(inputs))
    grad_W, grad_b = tape.gradient(loss, [W, b])
    W.assign_sub(learning_rate * grad_W)
    return loss


for _ in range(40):
    training_step(inputs, targets)
