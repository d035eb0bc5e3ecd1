# EXERCISE: tf1_to_tf2
import tensorflow as tf

W = tf.Variable(tf.constant([[1.0], [2.0], [3.0]]))
b = tf.Variable(0.5, dtype=tf.float32)


def forward(x):
    x = tf.convert_to_tensor(x, dtype=tf.float32)
    return tf.maximum(tf.matmul(x, W) + b, 0.0)


@tf.function
def forward_graph(x):
    return tf.nn.relu(tf.matmul(tf.cast(x, tf.float32), W) + b)
