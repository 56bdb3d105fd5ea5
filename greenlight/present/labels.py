"""Labels the overview's charts read from the guidance: of categories, questions, answers."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence

import pandas as pd

from greenlight.policy import Guidance, Question

# Non-clear principle answers, light to dark as they get more serious. Not level colours:
# an answer is not a level, and the two must not be confused on the page.
ANSWER_COLOURS: Mapping[str, str] = {"unsure": "#c4b5fd", "no": "#6d28d9"}


def lookup_expr(labels: Mapping[str, str]) -> str:
    """A Vega expression mapping a legend or axis value to its label (itself if unknown)."""
    # json.dumps quotes and escapes every key and label, so any declared text is safe here.
    return f"({json.dumps(dict(labels))})[datum.value] || datum.label"


def labelled(values: pd.Series, labels: Mapping[str, str]) -> list[str]:
    """Each value's declared label, or the value itself when it is not declared."""
    return [labels.get(v, str(v)) for v in values]


def ordered_labels(data: pd.DataFrame, column: str, declared: Sequence[str]) -> list[str]:
    """The declared labels in order, then any undeclared ones present, alphabetically."""
    present = set(data[column])
    extra = sorted(present.difference(declared))
    return [label for label in declared if label in present] + extra


def by_total(data: pd.DataFrame, column: str) -> list[str]:
    """The column's values, most uses first (ties alphabetically)."""
    totals = data.groupby(column, sort=False)["uses"].sum()
    return sorted(totals.index, key=lambda value: (-int(totals[value]), str(value)))


def type_labels(guidance: Guidance) -> dict[str, str]:
    """Each use-case type's label: its matrix row's, else its answer option's."""
    rows = {row.id: row.label for row in guidance.matrix}
    question = guidance.matrix_kind
    options = question.options if question is not None else ()
    labels = {str(o.value): rows.get(str(o.value), o.label) for o in options}
    return {**labels, **{k: v for k, v in rows.items() if k not in labels}}


def question_label(question: Question | None, question_id: str) -> str:
    """'1. Will the output …' for a numbered principle; the id if it is no longer declared."""
    if question is None:
        return question_id
    return f"{question.number}. {question.label}" if question.number else question.label


def answer_labels(questions: Iterable[Question | None]) -> dict[str, str]:
    """The labels of the non-clear answers, in ANSWER_COLOURS order, read from the questions."""
    labels = {answer: answer.capitalize() for answer in ANSWER_COLOURS}  # if none declares it
    for question in questions:
        for option in question.options if question is not None else ():
            if str(option.value) in labels:
                labels[str(option.value)] = option.label
    return labels
