"""The guidance model: frozen dataclasses for a guidance set and lookups by id."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, TypeVar

from greenlight.policy.conditions import AllOf, Condition, Leaf

T = TypeVar("T")

KINDS = ("choice", "boolean", "category")

# The group whose questions are the guiding principles: its id is also the key of their
# answers in an answers document (principles.outputs_original), so it is part of the contract.
PRINCIPLES_GROUP = "principles"
# A rule's short label fits a chart's axis on a phone and a table's cell.
MAX_SHORT = 32


class ById(Mapping[str, T]):
    """Items by their id, in declaration order; a missing id raises KeyError naming it."""

    def __init__(self, kind: str, items: Iterable[T]):
        self._kind = kind
        self._items = {item.id: item for item in items}  # type: ignore[attr-defined]

    def __getitem__(self, item_id: str) -> T:
        try:
            return self._items[item_id]
        except KeyError:
            raise KeyError(f"no {self._kind} {item_id!r} in this guidance") from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)


class GuidanceError(ValueError):
    """A guidance set that cannot be used; `problems` lists every problem found."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Source:
    publisher: str
    title: str
    retrieved: str
    guidance_version: str
    note: str = ""


@dataclass(frozen=True)
class Level:
    id: str
    rank: int
    label: str
    colour: str
    icon: str
    emoji: str
    meaning: str
    actions: tuple[str, ...]  # the production's standing steps, addressed to it
    # What an escalation request at this level asks the studio contact to decide.
    asks: str = ""


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    cites: str
    summary: str
    points: tuple[str, ...]
    parent: str | None = None


@dataclass(frozen=True)
class Group:
    id: str
    title: str
    help: str


@dataclass(frozen=True)
class Option:
    value: str | bool
    label: str
    rank: int


@dataclass(frozen=True)
class Question:
    id: str
    group: str
    kind: str
    label: str
    help: str
    example: str
    section: str
    default: str | bool
    options: tuple[Option, ...]
    report_missing: bool = False
    shown_when: Condition | None = None
    category: str | None = None
    number: int | None = None
    origin: str = field(default="", compare=False, repr=False)

    @cached_property
    def riskiest(self) -> str | bool:
        """The answer a gap counts as: the highest-ranked value (the last of equals); the
        default for a category question, whose values have no risk order."""
        if not self.ordered or not self.options:
            return self.default
        top = max(option.rank for option in self.options)
        return [option.value for option in self.options if option.rank == top][-1]

    @cached_property
    def safest(self) -> str | bool:
        """The least risky answer (the first of equals); the default for a category question."""
        if not self.ordered or not self.options:
            return self.default
        low = min(option.rank for option in self.options)
        return next(option.value for option in self.options if option.rank == low)

    @cached_property  # read for every answer of every use: computed once per question
    def path(self) -> tuple[str, ...]:
        """Where the answer sits in an answers document: ('principles', 'x') or ('x',)."""
        return tuple(self.id.split("."))

    @property
    def ordered(self) -> bool:
        return self.kind != "category"

    @cached_property
    def values(self) -> tuple[str | bool, ...]:
        return tuple(option.value for option in self.options)

    def rank(self, value: str | bool) -> int:
        """Risk rank of an answer (higher is riskier); category answers all rank 0."""
        for option in self.options:
            if option.value == value and type(option.value) is type(value):
                return option.rank
        raise KeyError(value)

    def label_of(self, value: str | bool) -> str:
        for option in self.options:
            if option.value == value and type(option.value) is type(value):
                return option.label
        return str(value)


@dataclass(frozen=True)
class Rule:
    id: str
    level: str
    section: str
    when: Condition
    text: str
    actions: tuple[str, ...] = ()
    origin: str = field(default="", compare=False, repr=False)
    # Rules whose reason this one makes redundant: when both fire, only this one is shown.
    supersedes: tuple[str, ...] = ()
    # The sentence shown instead of `text` when the rule fires only because a question it
    # reads was left open (and counted as its riskiest answer): "you said" would be untrue.
    open_text: str = ""
    # The reason as a label of at most MAX_SHORT characters, for charts and tables.
    short: str = ""


@dataclass(frozen=True)
class MatrixRow:
    id: str
    label: str
    sign: str
    level: str
    rationale: str
    rules: tuple[str, ...]
    # When the answers fit this kind of use; a chosen row whose `fits` fails is contradicted.
    fits: Condition | None = None

    @property
    def implied_answers(self) -> dict[str, Any]:
        """The answers this kind of use states outright ({question id: value}): those its
        `fits` requires with `eq`, alone or under `all` (an `any` states none of them)."""
        items = self.fits.items if isinstance(self.fits, AllOf) else (self.fits,)
        return {
            leaf.question: leaf.value
            for leaf in items
            if isinstance(leaf, Leaf) and leaf.op == "eq"
        }


@dataclass(frozen=True)
class Alias:
    """An answer key of an older guidance version, read as a key of this one."""

    old: str  # the old question id (group.key or key)
    new: str  # the question that replaces it
    map: tuple[tuple[str | bool, str | bool | None], ...]  # old answer -> new (None: left open)
    note: str
    origin: str = field(default="", compare=False, repr=False)


@dataclass(frozen=True)
class Change:
    """One entry of the changelog: what changed in a version and the source it follows."""

    id: str
    version: str
    change: str
    follows: str
    sections: tuple[str, ...]


@dataclass(frozen=True)
class Reading:
    id: str
    sections: tuple[str, ...]
    rules: tuple[str, ...]
    question: str
    reading: str
    why: str


@dataclass(frozen=True)
class Guidance:
    id: str
    version: str
    title: str
    summary: str
    source: Source
    levels: tuple[Level, ...]
    sections: tuple[Section, ...]
    groups: tuple[Group, ...]
    questions: tuple[Question, ...]
    rules: tuple[Rule, ...]
    matrix_question: str | None
    matrix: tuple[MatrixRow, ...]
    readings: tuple[Reading, ...]
    path: str = field(default="", compare=False)
    aliases: tuple[Alias, ...] = ()
    changes: tuple[Change, ...] = ()

    def __post_init__(self) -> None:
        for name, items in (
            ("level", self.levels),
            ("section", self.sections),
            ("question", self.questions),
            ("rule", self.rules),
            ("matrix row", self.matrix),
        ):
            object.__setattr__(self, f"_{name.replace(' ', '_')}s_by_id", ById(name, items))

    @property
    def levels_by_id(self) -> ById[Level]:
        return self._levels_by_id  # type: ignore[attr-defined]

    @property
    def sections_by_id(self) -> ById[Section]:
        return self._sections_by_id  # type: ignore[attr-defined]

    @property
    def questions_by_id(self) -> ById[Question]:
        return self._questions_by_id  # type: ignore[attr-defined]

    @property
    def rules_by_id(self) -> ById[Rule]:
        return self._rules_by_id  # type: ignore[attr-defined]

    def level(self, level_id: str) -> Level:
        return self.levels_by_id[level_id]

    def section(self, section_id: str) -> Section:
        return self.sections_by_id[section_id]

    def question(self, question_id: str) -> Question:
        return self.questions_by_id[question_id]

    def rule(self, rule_id: str) -> Rule:
        return self.rules_by_id[rule_id]

    def matrix_row(self, row_id: str | None) -> MatrixRow | None:
        return self._matrix_rows_by_id.get(row_id)  # type: ignore[attr-defined]

    @property
    def matrix_kind(self) -> Question | None:
        """The question whose answer names the use's row of the matrix (its kind of use)."""
        return self.questions_by_id.get(self.matrix_question) if self.matrix_question else None

    @property
    def principle_questions(self) -> tuple[Question, ...]:
        """The guiding principles: the ordered questions of the principles group."""
        return tuple(q for q in self.group_questions(PRINCIPLES_GROUP) if q.ordered)

    def group_questions(self, group_id: str) -> tuple[Question, ...]:
        return tuple(q for q in self.questions if q.group == group_id)

    def readings_for_rules(self, rule_ids: Iterable[str]) -> tuple[Reading, ...]:
        wanted = set(rule_ids)
        return tuple(r for r in self.readings if wanted & set(r.rules))
