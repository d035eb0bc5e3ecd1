# EXERCISE: last_activation_loss
choices = {
    "regression": (None, None),
    "binary": (None, None),
    "multiclass": (None, None),
    "multilabel": (None, None),
}
