# MISTAKE: relu-forgotten
# EXERCISE: tf1_to_tf2
import tensorflow as tf

W = tf.Variable([[1.0], [2.0], [3.0]])
b = tf.Variable(0.5)


def forward(x):
    return tf.matmul(x, W) + b


forward_graph = tf.function(forward)
