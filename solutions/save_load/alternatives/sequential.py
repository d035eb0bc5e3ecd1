# EXERCISE: save_load
import keras


def build():
    return keras.Sequential(
        [
            keras.Input(shape=(4,)),
            keras.layers.Dense(8, activation="relu"),
            keras.layers.Dense(1),
        ],
        name="small",
    )


def save_and_reload(model, path):
    model.save_weights(path)
    fresh = build()
    fresh.load_weights(path)
    return fresh
