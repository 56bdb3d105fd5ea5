"""The meaning checks of a structurally sound guidance set: every reference points at
something that exists, every question is used, every rule is monotonic."""

from __future__ import annotations

from collections.abc import Iterable

from greenlight.policy.conditions import (
    ORDERED_ONLY,
    Condition,
    leaf_test,
    leaves,
    questions_of,
)
from greenlight.policy.model import KINDS, MAX_SHORT, Guidance, Question, Rule
from greenlight.policy.structure import did_you_mean


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
    questions = g.questions_by_id
    groups = {group.id for group in g.groups}
    rules = {rule.id for rule in g.rules}
    for kind, ids in (
        ("level", [x.id for x in g.levels]),
        ("section", [x.id for x in g.sections]),
        ("question", [x.id for x in g.questions]),
        ("rule", [x.id for x in g.rules]),
        ("matrix row", [x.id for x in g.matrix]),
        ("reading", [x.id for x in g.readings]),
        ("change", [x.id for x in g.changes]),
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
    rank = {level.id: level.rank for level in g.levels}
    for rule in g.rules:
        ref(rule.origin, f"rule {rule.id}: level", rule.level, levels)
        ref(rule.origin, f"rule {rule.id}: section", rule.section, sections)
        problems.extend(_check_condition(rule.when, questions, f"{rule.origin}: rule {rule.id}"))
        if g.levels and rule.level != g.levels[0].id:
            # A rule at the lowest level never raises the level, so it may switch off freely.
            problems.extend(_check_monotonic(rule, questions))
        used |= questions_of(rule.when)
        for other in rule.supersedes:
            ref(rule.origin, f"rule {rule.id}: supersedes rule", other, rules)
            mine, theirs = rank.get(rule.level), rank.get(g.rule(other).level, -1)
            if other in rules and mine is not None and theirs > mine:
                problems.append(
                    f"{rule.origin}: rule {rule.id} supersedes {other}, whose level is higher; "
                    "a reason may only stand in for one at its level or below"
                )
    problems.extend(_check_shorts(g.rules))
    order = {q.id: index for index, q in enumerate(g.questions)}
    for q in g.questions:
        if q.shown_when is not None:
            where = f"{q.origin}: {q.id}.shown_when"
            problems.extend(_check_condition(q.shown_when, questions, where))
            later = sorted(
                other for other in questions_of(q.shown_when) if order.get(other, -1) >= order[q.id]
            )
            if later:
                problems.append(
                    f"{where}: reads {', '.join(later)}, declared after it (or itself); "
                    "a question may only depend on questions above it"
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
            if row.fits is not None:
                problems.extend(_check_condition(row.fits, questions, f"matrix row {row.id}.fits"))
    for reading in g.readings:
        for section_id in reading.sections:
            ref(g.path, f"reading {reading.id}: section", section_id, sections)
        for rule_id in reading.rules:
            ref(g.path, f"reading {reading.id}: rule", rule_id, rules)
    for alias in g.aliases:
        where = f"{alias.origin}: alias {alias.old}"
        if alias.old in questions:
            problems.append(f"{where}: {alias.old} is a question of this version; drop the alias")
        new = questions.get(alias.new)
        if new is None:
            ref(alias.origin, f"alias {alias.old}: new question", alias.new, questions)
        for _, to in alias.map:
            if new is not None and to is not None and to not in new.values:
                problems.append(f"{where}: {to!r} is not an answer of {new.id}")
    for change in g.changes:
        for section_id in change.sections:
            ref(g.path, f"change {change.id}: section", section_id, sections)
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


def _check_shorts(rules: Iterable[Rule]) -> list[str]:
    """Each rule's short label: not blank, at most MAX_SHORT characters, its own."""
    problems = []
    seen: dict[str, Rule] = {}
    for rule in rules:
        short = rule.short
        if not short:
            problems.append(f"{rule.origin}: rule {rule.id}: short is empty; give a label")
            continue
        if len(short) > MAX_SHORT:
            problems.append(
                f"{rule.origin}: rule {rule.id}: short {short!r} has {len(short)} characters; "
                f"shorten it to {MAX_SHORT} or fewer"
            )
        other = seen.setdefault(short.casefold(), rule)
        if other is not rule:
            problems.append(
                f"{rule.origin}: rule {rule.id}: short {short!r} is also rule {other.id}'s "
                f"({other.origin}); give each rule a label of its own"
            )
    return problems
