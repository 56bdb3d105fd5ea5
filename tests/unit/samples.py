"""Answers the unit tests build their cases from, declared once."""

# Every one of the five guiding principles answered with a clear yes.
CLEAR = {
    "outputs_original": "yes",
    "no_training_on_inputs": "yes",
    "enterprise_environment": "yes",
    "temporary_only": "yes",
    "no_performance_replacement": "yes",
}
