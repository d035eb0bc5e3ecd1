# MISTAKE: argmax-wrong-axis
# EXERCISE: compile_fit
import keras
import numpy as np

PROTOTYPES = np.random.default_rng(42).normal(size=(10, 784)).astype("float32")


def make_data(seed, n):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 10, size=n)
    x = PROTOTYPES[y] + rng.normal(scale=3.0, size=(n, 784))
    return x.astype("float32"), y


def build_model():
    model = keras.Sequential(
        [
            keras.Input((784,)),
            keras.layers.Dense(64, activation="relu"),
            keras.layers.Dense(10, activation="softmax"),
        ]
    )
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


early_stopping = keras.callbacks.EarlyStopping(
    monitor="val_loss", patience=3, restore_best_weights=True
)


def train(model, x, y):
    return model.fit(
        x,
        y,
        epochs=10,
        batch_size=32,
        validation_split=0.2,
        callbacks=[early_stopping],
        verbose=0,
    )


x_train, y_train = make_data(0, 600)
history_keys = sorted(train(build_model(), x_train, y_train).history)


def evaluate(model, x, y):
    loss, accuracy = model.evaluate(x, y, verbose=0)
    return loss, accuracy


def predict_classes(model, x):
    return np.argmax(model.predict(x, verbose=0), axis=0)
