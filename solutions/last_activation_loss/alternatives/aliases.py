# EXERCISE: last_activation_loss
choices = {}
choices["regression"] = ("linear", "mse")
choices["binary"] = ("sigmoid", "binary_crossentropy")
choices["multiclass"] = ("softmax", "categorical_crossentropy")
choices["multilabel"] = ("sigmoid", "binary_crossentropy")
