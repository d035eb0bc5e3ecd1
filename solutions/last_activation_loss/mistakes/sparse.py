# MISTAKE: sparse-with-one-hot
# EXERCISE: last_activation_loss
choices = {
    "regression": ("linear", "mse"),
    "binary": ("sigmoid", "binary_crossentropy"),
    "multiclass": ("softmax", "sparse_categorical_crossentropy"),
    "multilabel": ("sigmoid", "binary_crossentropy"),
}
