# MISTAKE: same-model-returned
# EXERCISE: save_load
import keras


def build():
    return keras.Sequential(
        [keras.Input((4,)), keras.layers.Dense(8, activation="relu"), keras.layers.Dense(1)]
    )


def save_and_reload(model, path):
    model.save_weights(path)
    model.load_weights(path)
    return model
