# MISTAKE: output-layer-forgotten
# EXERCISE: model_building
import keras


def build_sequential_add():
    model = keras.Sequential()
    model.add(keras.Input((784,)))
    model.add(keras.layers.Dense(256, activation="relu"))
    model.add(keras.layers.Dense(128, activation="relu"))
    return model


def build_sequential_list():
    return keras.Sequential(
        [
            keras.Input((784,)),
            keras.layers.Dense(256, activation="relu"),
            keras.layers.Dense(128, activation="relu"),
            keras.layers.Dense(10, activation="softmax"),
        ]
    )


def build_functional():
    inputs = keras.Input((784,))
    hidden = keras.layers.Dense(256, activation="relu")(inputs)
    hidden = keras.layers.Dense(128, activation="relu")(hidden)
    outputs = keras.layers.Dense(10, activation="softmax")(hidden)
    return keras.Model(inputs, outputs)


def build_two_input():
    a = keras.Input((32,))
    b = keras.Input((16,))
    joined = keras.layers.concatenate(
        [keras.layers.Dense(8, activation="relu")(a), keras.layers.Dense(8, activation="relu")(b)]
    )
    return keras.Model([a, b], keras.layers.Dense(1)(joined))
