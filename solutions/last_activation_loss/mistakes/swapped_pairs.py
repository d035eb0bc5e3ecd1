# MISTAKE: swapped-pair
# EXERCISE: last_activation_loss
choices = {
    "regression": ("mse", "linear"),
    "binary": ("binary_crossentropy", "sigmoid"),
    "multiclass": ("categorical_crossentropy", "softmax"),
    "multilabel": ("binary_crossentropy", "sigmoid"),
}
