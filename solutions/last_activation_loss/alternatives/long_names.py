# EXERCISE: last_activation_loss
choices = dict(
    regression=("linear", "mean_squared_error"),
    binary=("sigmoid", "binary_crossentropy"),
    multiclass=("softmax", "categorical_crossentropy"),
    multilabel=("sigmoid", "binary_crossentropy"),
)
