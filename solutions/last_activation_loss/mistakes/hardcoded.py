# MISTAKE: hardcoded
# EXERCISE: last_activation_loss
choices = {
    "regression": ("linear", "mse"),
    "binary": ("sigmoid", "binary_crossentropy"),
    "multiclass": ("softmax", "categorical_crossentropy"),
    "multilabel": ("softmax", "binary_crossentropy"),
}
