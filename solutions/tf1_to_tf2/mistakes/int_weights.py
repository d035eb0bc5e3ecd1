# MISTAKE: int-float-mixed
# EXERCISE: tf1_to_tf2
import tensorflow as tf

W = tf.Variable([[1], [2], [3]])
b = tf.Variable(0.5)


def forward(x):
    return tf.nn.relu(tf.matmul(x, W) + b)


forward_graph = tf.function(forward)
