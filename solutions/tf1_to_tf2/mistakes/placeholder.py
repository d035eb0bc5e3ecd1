# MISTAKE: tf1-in-eager
# EXERCISE: tf1_to_tf2
import tensorflow as tf

x = tf.placeholder(tf.float32, shape=(None, 3))
W = tf.Variable([[1.0], [2.0], [3.0]])
b = tf.Variable(0.5)


def forward(data):
    y = tf.nn.relu(tf.matmul(x, W) + b)
    with tf.Session() as session:
        session.run(tf.global_variables_initializer())
        return session.run(y, feed_dict={x: data})


forward_graph = tf.function(forward)
