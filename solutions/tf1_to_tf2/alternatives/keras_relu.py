# EXERCISE: tf1_to_tf2
import numpy as np
import tensorflow as tf

W = tf.Variable(np.array([[1], [2], [3]], dtype=np.float32))
b = tf.Variable([0.5])


def forward(x):
    return tf.nn.relu(x @ W + b)


forward_graph = tf.function(forward)
