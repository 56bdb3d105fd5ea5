"""Load a guidance set (a folder of YAML files) into frozen, validated dataclasses.

Structure is checked first (guidance_schema), then meaning: every reference points at
something that exists, every question is used, every rule is monotonic. Any problem raises
GuidanceError listing all of them as ``file:line: what is wrong; how to fix it``.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from greenlight.policy.conditions import (
    ORDERED_ONLY,
    AllOf,
    AnyOf,
    Condition,
    Leaf,
    Not,
    leaf_test,
    leaves,
    questions_of,
)
from greenlight.policy.structure import TOP_LEVEL, StructureChecker, did_you_mean
from greenlight.policy.yaml_reader import LineDict, YamlError, read_yaml

DEFAULT_DIR = Path(__file__).resolve().parents[2] / "guidance"
GUIDANCE_ENV = "GREENLIGHT_GUIDANCE_DIR"
MAX_FILE_BYTES = 2_000_000
KINDS = ("choice", "boolean", "category")


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
    actions: tuple[str, ...]


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


@dataclass(frozen=True)
class MatrixRow:
    id: str
    label: str
    sign: str
    level: str
    rationale: str
    rules: tuple[str, ...]


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

    def level(self, level_id: str) -> Level:
        return next(level for level in self.levels if level.id == level_id)

    def section(self, section_id: str) -> Section:
        return next(section for section in self.sections if section.id == section_id)

    def question(self, question_id: str) -> Question:
        return next(question for question in self.questions if question.id == question_id)

    def rule(self, rule_id: str) -> Rule:
        return next(rule for rule in self.rules if rule.id == rule_id)

    def matrix_row(self, row_id: str | None) -> MatrixRow | None:
        return next((row for row in self.matrix if row.id == row_id), None)

    def group_questions(self, group_id: str) -> tuple[Question, ...]:
        return tuple(q for q in self.questions if q.group == group_id)

    def readings_for_rules(self, rule_ids: Iterable[str]) -> tuple[Reading, ...]:
        wanted = set(rule_ids)
        return tuple(r for r in self.readings if wanted & set(r.rules))


def guidance_dir(path: str | os.PathLike | None = None) -> Path:
    """The folder to load: the argument, else $GREENLIGHT_GUIDANCE_DIR, else guidance/."""
    if path is not None:
        return Path(path)
    return Path(os.environ.get(GUIDANCE_ENV) or DEFAULT_DIR)


def load_guidance(path: str | os.PathLike | None = None) -> Guidance:
    """Load and validate the guidance set in a folder; raise GuidanceError listing every problem."""
    folder = guidance_dir(path)
    if not folder.is_dir():
        raise GuidanceError(
            [f"{folder}: no such folder; point at a folder of guidance *.yaml files"]
        )
    files = sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())
    if not files:
        raise GuidanceError([f"{folder}: no *.yaml files; a guidance set is a folder of them"])
    parts: dict[str, list[tuple[str, Any, int]]] = {key: [] for key in TOP_LEVEL}
    problems: list[str] = []
    for file in files:
        problems.extend(_read_file(file, parts))
    for key, (_, _, required) in TOP_LEVEL.items():
        if required and not parts[key]:
            problems.append(f"{folder}: no file declares {key!r}; add a top-level {key}: key")
        many = [name for name, _, _ in parts[key]]
        if not TOP_LEVEL[key][1] and len(many) > 1:
            problems.append(f"{many[1]}: {key!r} is declared again (first in {many[0]}); keep one")
    if problems:
        raise GuidanceError(problems)
    guidance = _build(folder, parts)
    problems = check_meaning(guidance)
    if problems:
        raise GuidanceError(problems)
    return guidance


def _read_file(file: Path, parts: dict[str, list[tuple[str, Any, int]]]) -> list[str]:
    name = file.name
    try:
        raw = file.read_bytes()
        if len(raw) > MAX_FILE_BYTES:
            return [f"{name}:1: the file is over {MAX_FILE_BYTES} bytes; split it"]
        data = read_yaml(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        return [f"{name}:1: not UTF-8 text (byte {exc.start}); save the file as UTF-8"]
    except YamlError as exc:
        return [f"{name}:{exc.line or 1}: {exc.message}"]
    except OSError as exc:
        return [f"{name}:1: cannot read the file: {exc.strerror}"]
    if data is None:
        return []
    if not isinstance(data, LineDict):
        return [f"{name}:1: a guidance file is a mapping with keys such as {', '.join(TOP_LEVEL)}"]
    checker = StructureChecker(name)
    for key, value in data.items():
        line = data.line_of(key)
        if key not in TOP_LEVEL:
            hint = did_you_mean(key, TOP_LEVEL)
            checker.problem(
                line, f"unknown top-level key {key!r}{hint}; allowed: {', '.join(TOP_LEVEL)}"
            )
            continue
        kind, is_list, _ = TOP_LEVEL[key]
        ok = (
            checker.records(kind, value, line, key)
            if is_list
            else checker.record(kind, value, line, key)
        )
        if ok:
            parts[key].append((name, value, line))
    return checker.problems


def _items(parts: dict[str, list[tuple[str, Any, int]]], key: str):
    """(origin 'file:line', record) for every record of a list key, across files."""
    for name, records, _ in parts[key]:
        for index, record in enumerate(records):
            yield f"{name}:{records.line_of(index)}", record


def _condition(node: LineDict) -> Condition:
    if "all" in node:
        return AllOf(tuple(_condition(item) for item in node["all"]))
    if "any" in node:
        return AnyOf(tuple(_condition(item) for item in node["any"]))
    if "not" in node:
        return Not(_condition(node["not"]))
    value = node["value"]
    if isinstance(value, list):
        value = tuple(value)
    return Leaf(node["question"], node["op"], value)


def _options(record: LineDict) -> tuple[Option, ...]:
    if record["kind"] == "boolean":
        risky = record.get("risky", True)
        safe = not risky
        return (
            Option(safe, "Yes" if safe else "No", 0),
            Option(risky, "Yes" if risky else "No", 1),
        )
    ranks = record.get("ranks") or {}
    ordered = record["kind"] == "choice"
    return tuple(
        Option(item["value"], item["label"], ranks.get(item["value"], index) if ordered else 0)
        for index, item in enumerate(record.get("values") or [])
    )


def _build(folder: Path, parts: dict[str, list[tuple[str, Any, int]]]) -> Guidance:
    meta = parts["guidance"][0][1]
    matrix = parts["matrix"][0][1] if parts["matrix"] else None
    return Guidance(
        id=meta["id"],
        version=meta["version"],
        title=meta["title"],
        summary=meta.get("summary", ""),
        source=Source(**dict(meta["source"])),
        levels=tuple(
            Level(rank=rank, **{**dict(rec), "actions": tuple(rec["actions"])})
            for rank, (_, rec) in enumerate(_items(parts, "levels"))
        ),
        sections=tuple(
            Section(**{**dict(rec), "points": tuple(rec["points"])})
            for _, rec in _items(parts, "sections")
        ),
        groups=tuple(Group(**dict(rec)) for _, rec in _items(parts, "groups")),
        questions=tuple(
            Question(
                id=rec["id"],
                group=rec["group"],
                kind=rec["kind"],
                label=rec["label"],
                help=rec["help"],
                example=rec["example"],
                section=rec["section"],
                default=rec["default"],
                options=_options(rec) if rec["kind"] in KINDS else (),
                report_missing=rec.get("report_missing", False),
                shown_when=_condition(rec["shown_when"]) if "shown_when" in rec else None,
                category=rec.get("category"),
                number=rec.get("number"),
                origin=origin,
            )
            for origin, rec in _items(parts, "questions")
        ),
        rules=tuple(
            Rule(
                id=rec["id"],
                level=rec["level"],
                section=rec["section"],
                when=_condition(rec["when"]),
                text=" ".join(rec["text"].split()),
                actions=tuple(rec.get("actions") or ()),
                origin=origin,
            )
            for origin, rec in _items(parts, "rules")
        ),
        matrix_question=matrix["question"] if matrix else None,
        matrix=tuple(
            MatrixRow(**{**dict(rec), "rules": tuple(rec["rules"])})
            for rec in (matrix or {}).get("rows", [])
        ),
        readings=tuple(
            Reading(
                **{**dict(rec), "sections": tuple(rec["sections"]), "rules": tuple(rec["rules"])}
            )
            for _, rec in _items(parts, "readings")
        ),
        path=str(folder),
    )


def _duplicates(kind: str, ids: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    problems = []
    for item in ids:
        if item in seen:
            problems.append(f"{kind} id {item!r} is used twice; ids must be unique")
        seen.add(item)
    return problems


def check_meaning(g: Guidance) -> list[str]:
    """Every problem of meaning in a structurally sound guidance set."""
    problems: list[str] = []
    levels = {level.id for level in g.levels}
    sections = {section.id for section in g.sections}
    questions = {q.id: q for q in g.questions}
    groups = {group.id for group in g.groups}
    rules = {rule.id for rule in g.rules}
    for kind, ids in (
        ("level", [x.id for x in g.levels]),
        ("section", [x.id for x in g.sections]),
        ("question", [x.id for x in g.questions]),
        ("rule", [x.id for x in g.rules]),
        ("matrix row", [x.id for x in g.matrix]),
        ("reading", [x.id for x in g.readings]),
    ):
        problems.extend(_duplicates(kind, ids))

    def ref(origin: str, what: str, value: str | None, known: Iterable[str]) -> None:
        if value is not None and value not in known:
            problems.append(
                f"{origin}: {what} {value!r} is not defined{did_you_mean(value, known)}"
            )

    for section in g.sections:
        ref(g.path, f"section {section.id} names parent", section.parent, sections)
    for q in g.questions:
        problems.extend(_check_question(q, sections, groups, ref))
    used: set[str] = set()
    for rule in g.rules:
        ref(rule.origin, f"rule {rule.id}: level", rule.level, levels)
        ref(rule.origin, f"rule {rule.id}: section", rule.section, sections)
        problems.extend(_check_condition(rule.when, questions, f"{rule.origin}: rule {rule.id}"))
        if g.levels and rule.level != g.levels[0].id:
            # A rule at the lowest level never raises the level, so it may switch off freely.
            problems.extend(_check_monotonic(rule, questions))
        used |= questions_of(rule.when)
    for q in g.questions:
        if q.shown_when is not None:
            problems.extend(
                _check_condition(q.shown_when, questions, f"{q.origin}: {q.id}.shown_when")
            )
        if q.id not in used:
            problems.append(
                f"{q.origin}: question {q.id} is used by no rule; add a rule or remove it"
            )
    if g.matrix_question is not None:
        mq = questions.get(g.matrix_question)
        if mq is None:
            ref(g.path, "matrix question", g.matrix_question, questions)
        for row in g.matrix:
            if mq is not None and row.id not in mq.values:
                problems.append(
                    f"matrix row {row.id!r} is not an answer of {mq.id}; "
                    f"use one of {', '.join(map(str, mq.values))}"
                )
            ref(g.path, f"matrix row {row.id}: level", row.level, levels)
            for rule_id in row.rules:
                ref(g.path, f"matrix row {row.id}: rule", rule_id, rules)
    for reading in g.readings:
        for section_id in reading.sections:
            ref(g.path, f"reading {reading.id}: section", section_id, sections)
        for rule_id in reading.rules:
            ref(g.path, f"reading {reading.id}: rule", rule_id, rules)
    for level in g.levels:
        if not (level.colour.startswith("#") and len(level.colour) in (4, 7)):
            problems.append(
                f"level {level.id}: colour {level.colour!r} must be a hex colour like #b45309"
            )
    return problems


def _check_question(q: Question, sections, groups, ref) -> list[str]:
    problems = []
    where = f"{q.origin}: question {q.id}"
    if q.kind not in KINDS:
        return [
            f"{where}: kind {q.kind!r} is not one of {', '.join(KINDS)}{did_you_mean(q.kind, KINDS)}"
        ]
    if len(q.path) > 2:
        problems.append(f"{where}: an id has at most one dot (group.key)")
    if len(q.path) == 2 and q.path[0] != q.group:
        problems.append(f"{where}: the id starts with {q.path[0]!r} but the group is {q.group!r}")
    if groups:
        ref(q.origin, f"question {q.id}: group", q.group, groups)
    ref(q.origin, f"question {q.id}: section", q.section, sections)
    if q.category is not None:
        ref(q.origin, f"question {q.id}: category", q.category, sections)
    if q.kind != "boolean" and len(q.options) < 2:
        problems.append(f"{where}: a {q.kind} question needs at least two values")
    if q.kind != "boolean" and any(not isinstance(o.value, str) for o in q.options):
        problems.append(f"{where}: values of a {q.kind} question are words; quote yes and no")
    if q.default not in q.values or type(q.default) is not type(
        q.values[0] if q.values else q.default
    ):
        choices = ", ".join(map(str, q.values))
        problems.append(f"{where}: default {q.default!r} is not one of its values ({choices})")
    return problems


def _check_condition(condition: Condition, questions: dict[str, Question], where: str) -> list[str]:
    problems = []
    for leaf, _ in leaves(condition):
        q = questions.get(leaf.question)
        if q is None:
            hint = did_you_mean(leaf.question, questions)
            problems.append(f"{where}: question {leaf.question!r} does not exist{hint}")
            continue
        if leaf.op in ORDERED_ONLY and not q.ordered:
            problems.append(f"{where}: {leaf.op} needs an ordered question; {q.id} is a category")
        values = leaf.value if isinstance(leaf.value, tuple) else (leaf.value,)
        for value in values:
            if not any(value == v and type(value) is type(v) for v in q.values):
                choices = ", ".join(map(str, q.values))
                problems.append(f"{where}: {value!r} is not an answer of {q.id} ({choices})")
    return problems


def _check_monotonic(rule: Rule, questions: dict[str, Question]) -> list[str]:
    """A rule may only switch on as answers get riskier, never off (levels never drop)."""
    problems = []
    for leaf, negated in leaves(rule.when):
        q = questions.get(leaf.question)
        if q is None or not q.ordered:
            continue
        try:
            test = leaf_test(leaf, q.rank)
            holds = {o.value: test(o.value) != negated for o in q.options}
        except KeyError:
            continue  # reported by _check_condition
        for low in q.options:
            for high in q.options:
                if high.rank > low.rank and holds[low.value] and not holds[high.value]:
                    problems.append(
                        f"{rule.origin}: rule {rule.id} holds for {q.id}={low.value!r} but not for "
                        f"the riskier {high.value!r}, so a riskier answer could lower the level; "
                        "use at_least, or list the riskier answers too"
                    )
                    break
            else:
                continue
            break
    return problems
