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
    model = keras.Sequential()
    model.add(keras.layers.InputLayer(shape=(784,)))
    model.add(keras.layers.Dense(units=64, activation="relu"))
    model.add(keras.layers.Dense(units=10, activation="softmax"))
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


early_stopping = keras.callbacks.EarlyStopping(
    patience=3, monitor="val_loss", restore_best_weights=True
)


def train(model, x, y):
    history = model.fit(
        x=x,
        y=y,
        epochs=10,
        batch_size=32,
        validation_split=0.2,
        callbacks=[early_stopping],
        verbose=0,
    )
    return history


model = build_model()
x_train, y_train = make_data(0, 300)
history = train(model, x_train, y_train)
history_keys = sorted(history.history.keys())


def evaluate(model, x, y):
    results = model.evaluate(x, y, verbose=0, return_dict=True)
    return (results["loss"], results["accuracy"])


def predict_classes(model, x):
    probabilities = model.predict(x, verbose=0)
    return probabilities.argmax(axis=1).astype("int64")
