# EXERCISE: last_activation_loss
choices = {
    "regression": (None, "MeanSquaredError"),
    "binary": ("sigmoid", "BinaryCrossentropy"),
    "multiclass": ("softmax", "CategoricalCrossentropy"),
    "multilabel": ("sigmoid", "BinaryCrossentropy"),
}
