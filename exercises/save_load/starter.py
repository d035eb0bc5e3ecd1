# EXERCISE: save_load
import keras


def build():
    return None


def save_and_reload(model, path):
    return None
