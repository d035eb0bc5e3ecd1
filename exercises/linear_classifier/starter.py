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

W = None
b = None


def model(inputs):
    return None


def square_loss(targets, predictions):
    return None


def training_step(inputs, targets):
    return None
