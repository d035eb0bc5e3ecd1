# EXERCISE: model_building
import keras
from keras import layers


def build_sequential_add():
    model = keras.Sequential()
    model.add(keras.Input(shape=(784,)))
    model.add(layers.Dense(256))
    model.add(layers.ReLU())
    model.add(layers.Dense(128, activation=keras.activations.relu))
    model.add(layers.Dense(10))
    model.add(layers.Softmax())
    return model


def build_sequential_list():
    return keras.Sequential(
        [
            keras.Input((784,)),
            layers.Dense(256, activation="relu"),
            layers.Dense(128, activation="relu"),
            layers.Dense(10, activation="softmax"),
        ]
    )


def build_functional():
    inputs = keras.Input((784,))
    hidden = layers.Dense(256, activation="relu")(inputs)
    hidden = layers.Dense(128, activation="relu")(hidden)
    return keras.Model(inputs, layers.Dense(10, activation="softmax")(hidden))


def build_two_input():
    a = keras.Input((32,))
    b = keras.Input((16,))
    branch_a = layers.Dense(8, activation="relu")(a)
    branch_b = layers.Dense(8, activation="relu")(b)
    merged = layers.Concatenate()([branch_a, branch_b])
    return keras.Model([a, b], layers.Dense(1, activation="linear")(merged))
