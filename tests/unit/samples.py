"""Answers the unit tests build their cases from, declared once."""

# Every one of the five guiding principles answered with a clear yes.
CLEAR = {
    "outputs_original": "yes",
    "no_training_on_inputs": "yes",
    "enterprise_environment": "yes",
    "temporary_only": "yes",
    "no_performance_replacement": "yes",
}


def principles_yaml(**changes: str) -> str:
    """The principles block of an answers document as a user writes it: yes and no unquoted."""
    answers = {**CLEAR, **changes}
    return "principles:\n" + "".join(f"  {key}: {value}\n" for key, value in answers.items())


# A plain use as a user types it for the command line: clear on every principle.
MOODBOARD = f"""\
title: Season 2 look moodboard
use_case_type: ideation
{principles_yaml()}context:
  final_deliverable: false
  tool_tier: enterprise
  vendor_pipeline: false
"""
