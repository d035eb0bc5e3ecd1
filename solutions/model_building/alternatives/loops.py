# EXERCISE: model_building
import keras

SIZES = [(256, "relu"), (128, "relu"), (10, "softmax")]


def build_sequential_add():
    model = keras.Sequential(name="added")
    model.add(keras.Input((784,)))
    for units, activation in SIZES:
        model.add(keras.layers.Dense(units, activation=activation))
    return model


def build_sequential_list():
    layers = [keras.layers.InputLayer(shape=(784,))]
    layers += [keras.layers.Dense(units, activation) for units, activation in SIZES]
    return keras.Sequential(layers, name="listed")


def build_functional():
    inputs = keras.Input(shape=(784,), name="pixels")
    x = inputs
    for units, activation in SIZES:
        x = keras.layers.Dense(units)(x)
        x = keras.layers.Activation(activation)(x)
    return keras.Model(inputs=inputs, outputs=x, name="functional")


def build_two_input():
    a = keras.Input(shape=(32,), name="a")
    b = keras.Input(shape=(16,), name="b")
    joined = keras.layers.concatenate(
        [keras.layers.Dense(8, activation="relu")(a), keras.layers.Dense(8, activation="relu")(b)]
    )
    output = keras.layers.Dense(1)(joined)
    return keras.Model(inputs=[a, b], outputs=output, name="two_inputs")
