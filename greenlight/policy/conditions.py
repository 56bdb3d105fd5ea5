"""Conditions as data: a closed set of operators over the answers, never expressions.

A condition is a leaf ``{question, op, value}`` or ``{all: [...]}``, ``{any: [...]}``,
``{not: ...}``. Guidance loading turns YAML into these frozen trees; the engine compiles each
tree once into a plain Python function over an answers mapping.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

Value = str | bool

# The closed set of operators: name -> whether its value is a list of answers.
OPERATORS: dict[str, bool] = {
    "eq": False,
    "ne": False,
    "in": True,
    "not_in": True,
    "at_least": False,
    "at_most": False,
}
ORDERED_ONLY = frozenset({"at_least", "at_most"})


@dataclass(frozen=True)
class Leaf:
    question: str
    op: str
    value: Value | tuple[Value, ...]


@dataclass(frozen=True)
class AllOf:
    items: tuple[Condition, ...]


@dataclass(frozen=True)
class AnyOf:
    items: tuple[Condition, ...]


@dataclass(frozen=True)
class Not:
    item: Condition


Condition = Leaf | AllOf | AnyOf | Not

Predicate = Callable[[Mapping[str, Any]], bool]


def leaves(condition: Condition, negated: bool = False):
    """Yield (leaf, negated) for every leaf, negated when under an odd number of `not`."""
    if isinstance(condition, Leaf):
        yield condition, negated
    elif isinstance(condition, AllOf | AnyOf):
        for item in condition.items:
            yield from leaves(item, negated)
    else:
        yield from leaves(condition.item, not negated)


def leaf_test(leaf: Leaf, rank_of: Callable[[Any], int]) -> Callable[[Any], bool]:
    """A one-argument test of an answer against the leaf."""
    value = leaf.value
    if leaf.op in ("in", "not_in"):
        value = frozenset(value)
        return (lambda a: a in value) if leaf.op == "in" else (lambda a: a not in value)
    if leaf.op == "eq":
        return lambda a: a == value
    if leaf.op == "ne":
        return lambda a: a != value
    threshold = rank_of(value)
    compare = operator.ge if leaf.op == "at_least" else operator.le
    return lambda a: compare(rank_of(a), threshold)


def compile_condition(condition: Condition, rank_of: Callable[[str, Any], int]) -> Predicate:
    """Turn a condition tree into a function of the answers mapping (question id -> value)."""
    if isinstance(condition, Leaf):
        question = condition.question
        test = leaf_test(condition, lambda v: rank_of(question, v))
        return lambda answers: test(answers[question])
    if isinstance(condition, Not):
        inner = compile_condition(condition.item, rank_of)
        return lambda answers: not inner(answers)
    parts = tuple(compile_condition(item, rank_of) for item in condition.items)
    if isinstance(condition, AllOf):
        return lambda answers: all(part(answers) for part in parts)
    return lambda answers: any(part(answers) for part in parts)


def questions_of(condition: Condition) -> set[str]:
    """Every question id a condition reads."""
    return {leaf.question for leaf, _ in leaves(condition)}
