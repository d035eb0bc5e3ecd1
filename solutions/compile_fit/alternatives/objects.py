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
    inputs = keras.Input(shape=(784,))
    hidden = keras.layers.Dense(64)(inputs)
    hidden = keras.layers.Activation("relu")(hidden)
    outputs = keras.layers.Dense(10, activation="softmax")(hidden)
    model = keras.Model(inputs, outputs, name="mnist_classifier")
    model.compile(
        optimizer=keras.optimizers.Adam(),
        loss=keras.losses.SparseCategoricalCrossentropy(),
        metrics=[keras.metrics.SparseCategoricalAccuracy(name="accuracy")],
    )
    return model


early_stopping = keras.callbacks.EarlyStopping(
    monitor="val_loss", patience=3, restore_best_weights=True
)


def train(model, x, y):
    return model.fit(
        x,
        y,
        batch_size=32,
        epochs=10,
        verbose=0,
        validation_split=0.2,
        callbacks=[early_stopping],
    )


x_small, y_small = make_data(1, 200)
history_keys = sorted(train(build_model(), x_small, y_small).history)


def evaluate(model, x, y):
    loss, accuracy = model.evaluate(x, y, verbose=0)
    return loss, accuracy


def predict_classes(model, x):
    return np.argmax(model.predict(x, verbose=0), axis=-1)
