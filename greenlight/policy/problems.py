"""What is wrong with an answers document: each problem at its path, and how a value is
shown in one (short, quoted, never the whole of a hostile value)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

MAX_PROBLEMS = 50  # enough to fix a file; a hostile one does not flood the screen


@dataclass(frozen=True)
class Problem:
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class AnswersError(ValueError):
    """An answers document that is not valid; `problems` names every bad path."""

    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(map(str, problems)))
        self.problems = problems


_PLAIN_KEY = re.compile(r"[A-Za-z0-9_-]{1,60}")


def path_part(key: Any) -> str:
    """A key as it appears in an error path: plain words as they are, anything else quoted."""
    if isinstance(key, str) and _PLAIN_KEY.fullmatch(key):
        return key
    text = _repr(key)
    return text if len(text) <= 40 else text[:37] + "..."


def _repr(value: Any) -> str:
    try:
        return repr(value)
    except ValueError:  # an integer past Python's limit on digits converted to text
        return "a number too long to read"


def show(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing"
    text = _repr(value)
    return text if len(text) <= 60 else text[:57] + "...'"
