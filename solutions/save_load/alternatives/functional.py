# EXERCISE: save_load
import keras


def build():
    inputs = keras.Input((4,))
    hidden = keras.layers.Dense(units=8)(inputs)
    hidden = keras.layers.Activation("relu")(hidden)
    outputs = keras.layers.Dense(units=1)(hidden)
    return keras.Model(inputs=inputs, outputs=outputs, name="reloadable")


def save_and_reload(model, path):
    model.save_weights(filepath=path, overwrite=True)
    new_model = build()
    new_model.load_weights(filepath=path)
    return new_model
