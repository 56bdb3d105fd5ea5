"""The structure of guidance files, declared once and checked before anything is built.

Each record type lists its fields with a kind and whether it is required. The checker walks
the parsed YAML, collects every problem as ``file:line: what is wrong; how to fix it``, and
never stops at the first one, so one run of ``check-guidance`` shows the whole list.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any

from greenlight.policy.conditions import OPERATORS
from greenlight.policy.model import MAX_SHORT
from greenlight.policy.yaml_reader import LineDict, LineList


@dataclass(frozen=True)
class Field:
    name: str
    kind: (
        str  # str | int | bool | strs | scalar | scalars | condition | record:X | records:X | ranks
    )
    required: bool = True
    help: str = ""


def _fields(*fields: Field) -> dict[str, Field]:
    return {f.name: f for f in fields}


RECORDS: dict[str, dict[str, Field]] = {
    "guidance": _fields(
        Field("id", "str", help="a stable id for this guidance set, e.g. acme-genai"),
        Field("version", "str", help='the version of this encoding, quoted, e.g. "2026.11"'),
        Field("title", "str"),
        Field("summary", "str", required=False),
        Field("source", "record:source"),
    ),
    "source": _fields(
        Field("publisher", "str"),
        Field("title", "str"),
        Field("retrieved", "str", help='the date the source was read, quoted: "2026-11-26"'),
        Field("guidance_version", "str"),
        Field("note", "str", required=False),
    ),
    "level": _fields(
        Field("id", "str"),
        Field("label", "str"),
        Field("colour", "str", help='a hex colour such as "#b45309"'),
        Field("icon", "str", help="a Material Symbols name such as warning"),
        Field("emoji", "str"),
        Field("meaning", "str"),
        Field("actions", "strs"),
        Field(
            "asks",
            "str",
            required=False,
            help="what a request at this level asks the studio to decide, to the studio contact",
        ),
    ),
    "section": _fields(
        Field("id", "str"),
        Field("title", "str"),
        Field("cites", "str", help="the heading of the source this section comes from"),
        Field("summary", "str"),
        Field("points", "strs"),
        Field("parent", "str", required=False),
    ),
    "group": _fields(Field("id", "str"), Field("title", "str"), Field("help", "str")),
    "option": _fields(Field("value", "scalar"), Field("label", "str")),
    "question": _fields(
        Field("id", "str", help="group.key, or key for a top-level answer"),
        Field("group", "str"),
        Field("kind", "str", help="choice, boolean or category"),
        Field("label", "str"),
        Field("help", "str"),
        Field("example", "str"),
        Field("section", "str"),
        Field("default", "scalar"),
        Field("report_missing", "bool", required=False),
        Field("shown_when", "condition", required=False),
        Field("values", "records:option", required=False),
        Field("ranks", "ranks", required=False),
        Field("risky", "bool", required=False),
        Field("category", "str", required=False),
        Field("number", "int", required=False),
    ),
    "rule": _fields(
        Field("id", "str"),
        Field("level", "str"),
        Field("section", "str"),
        Field("when", "condition"),
        Field("short", "str", help=f"a label for charts, at most {MAX_SHORT} characters"),
        Field("text", "str"),
        Field("actions", "strs", required=False),
        Field(
            "supersedes", "strs", required=False, help="ids of rules this reason makes redundant"
        ),
        Field("open_text", "str", required=False, help="the reason when a gap made it fire"),
    ),
    "matrix": _fields(
        Field("question", "str", help="the question whose answer picks the row"),
        Field("rows", "records:matrix_row"),
    ),
    "matrix_row": _fields(
        Field("id", "str"),
        Field("label", "str"),
        Field("sign", "str", help="none, warning or stop, as marked in the source"),
        Field("level", "str"),
        Field("rationale", "str"),
        Field("rules", "strs"),
        Field("fits", "condition", required=False, help="when the answers fit this row"),
    ),
    "alias": _fields(
        Field("old", "str", help="the answer key of an older version, e.g. context.x"),
        Field("new", "str", help="the question that replaces it"),
        Field("map", "records:alias_value"),
        Field("note", "str"),
    ),
    "alias_value": _fields(
        Field("from", "scalar"), Field("to", "scalar", required=False, help="omit: left open")
    ),
    "change": _fields(
        Field("id", "str"),
        Field("version", "str"),
        Field("change", "str"),
        Field("follows", "str", help="the source sentence it follows, briefly quoted"),
        Field("sections", "strs"),
    ),
    "reading": _fields(
        Field("id", "str"),
        Field("sections", "strs"),
        Field("rules", "strs"),
        Field("question", "str"),
        Field("reading", "str"),
        Field("why", "str"),
    ),
}

# Top-level keys of a guidance file: key -> (record type, is a list, required in the set).
TOP_LEVEL: dict[str, tuple[str, bool, bool]] = {
    "guidance": ("guidance", False, True),
    "levels": ("level", True, True),
    "sections": ("section", True, True),
    "groups": ("group", True, False),
    "questions": ("question", True, True),
    "rules": ("rule", True, True),
    "matrix": ("matrix", False, False),
    "readings": ("reading", True, False),
    "aliases": ("alias", True, False),
    "changes": ("change", True, False),
}

_TYPE_NAMES = {
    dict: "a mapping",
    list: "a list",
    str: "text",
    bool: "true or false",
    int: "a number",
}


def _describe(value: Any) -> str:
    if value is None:
        return "nothing"
    for kind, name in _TYPE_NAMES.items():
        if isinstance(value, kind):
            return name
    return type(value).__name__


def did_you_mean(word: str, choices: Any) -> str:
    """A ' (did you mean X?)' hint when a close match exists, else ''."""
    try:
        text = str(word)
    except ValueError:  # an integer past Python's limit on digits converted to text
        return ""
    match = difflib.get_close_matches(text, [str(c) for c in choices], n=1)
    return f" (did you mean {match[0]!r}?)" if match else ""


class StructureChecker:
    """Collects structural problems in one file as 'file:line: message'."""

    def __init__(self, filename: str):
        self.filename = filename
        self.problems: list[str] = []

    def problem(self, line: int, message: str) -> None:
        self.problems.append(f"{self.filename}:{line}: {message}")

    def record(self, kind: str, node: Any, line: int, where: str) -> bool:
        """Check one record; True when it is structurally sound."""
        spec = RECORDS[kind]
        if not isinstance(node, LineDict):
            self.problem(line, f"{where} must be a mapping of keys, not {_describe(node)}")
            return False
        ok = True
        for key in node:
            if key not in spec:
                hint = did_you_mean(key, spec)
                allowed = ", ".join(spec)
                self.problem(
                    node.line_of(key),
                    f"{where}: unknown key {key!r}{hint}; allowed keys are {allowed}",
                )
                ok = False
        for field in spec.values():
            if field.name not in node:
                if field.required:
                    extra = f" ({field.help})" if field.help else ""
                    self.problem(node.line, f"{where}: missing key {field.name!r}{extra}")
                    ok = False
                continue
            ok &= self.value(field, node[field.name], node.line_of(field.name), where)
        return ok

    def value(self, field: Field, value: Any, line: int, where: str) -> bool:
        label = f"{where}.{field.name}"
        kind = field.kind
        if kind == "str":
            if not isinstance(value, str) or not value.strip():
                return self._wrong(line, label, "non-empty text", value, field)
        elif kind == "int":
            if not isinstance(value, int) or isinstance(value, bool):
                return self._wrong(line, label, "a whole number", value, field)
        elif kind == "bool":
            if not isinstance(value, bool):
                return self._wrong(line, label, "true or false", value, field)
        elif kind == "scalar":
            if not isinstance(value, str | bool):
                return self._wrong(line, label, "a word, or true/false", value, field)
        elif kind == "strs":
            if not isinstance(value, LineList) or not all(isinstance(v, str) for v in value):
                return self._wrong(line, label, "a list of texts", value, field)
        elif kind == "ranks":
            if not isinstance(value, LineDict) or not all(
                isinstance(v, int) and not isinstance(v, bool) for v in value.values()
            ):
                return self._wrong(line, label, "a mapping of value: whole number", value, field)
        elif kind == "condition":
            return self.condition(value, line, label)
        elif kind.startswith("record:"):
            return self.record(kind.split(":", 1)[1], value, line, label)
        elif kind.startswith("records:"):
            return self.records(kind.split(":", 1)[1], value, line, label)
        return True

    def records(self, kind: str, value: Any, line: int, where: str) -> bool:
        if not isinstance(value, LineList):
            self.problem(line, f"{where} must be a list, not {_describe(value)}")
            return False
        ok = True
        for index, item in enumerate(value):
            ok &= self.record(kind, item, value.line_of(index), f"{where}[{index}]")
        return ok

    def condition(self, node: Any, line: int, where: str) -> bool:
        if not isinstance(node, LineDict) or len(node) == 0:
            self.problem(line, f"{where} must be a condition mapping, not {_describe(node)}")
            return False
        line = node.line
        combinators = {"all", "any", "not"} & set(node)
        if combinators:
            if len(node) != 1:
                self.problem(
                    line, f"{where}: {sorted(combinators)[0]} must stand alone in its mapping"
                )
                return False
            (key,) = combinators
            inner = node[key]
            if key == "not":
                return self.condition(inner, node.line_of(key), f"{where}.not")
            if not isinstance(inner, LineList) or not inner:
                self.problem(line, f"{where}.{key} must be a non-empty list of conditions")
                return False
            ok = True
            for index, item in enumerate(inner):
                ok &= self.condition(item, inner.line_of(index), f"{where}.{key}[{index}]")
            return ok
        expected = {"question", "op", "value"}
        if set(node) != expected:
            unknown = sorted(set(map(str, node)) - expected)
            missing = sorted(expected - set(node))
            detail = "; ".join(
                part
                for part in (
                    f"unknown {', '.join(unknown)}" if unknown else "",
                    f"missing {', '.join(missing)}" if missing else "",
                )
                if part
            )
            self.problem(
                line,
                f"{where}: a condition is {{question, op, value}} or all/any/not ({detail})",
            )
            return False
        op = node["op"]
        if op not in OPERATORS:
            self.problem(
                node.line_of("op"),
                f"{where}: unknown operator {op!r}{did_you_mean(op, OPERATORS)}; "
                f"use one of {', '.join(OPERATORS)}",
            )
            return False
        value = node["value"]
        if OPERATORS[op]:
            if not isinstance(value, LineList) or not all(isinstance(v, str | bool) for v in value):
                self.problem(node.line_of("value"), f"{where}: {op} takes a list of answers")
                return False
        elif not isinstance(value, str | bool):
            self.problem(node.line_of("value"), f"{where}: {op} takes one answer, not a list")
            return False
        if not isinstance(node["question"], str):
            self.problem(node.line_of("question"), f"{where}.question must be a question id")
            return False
        return True

    def _wrong(self, line: int, label: str, expected: str, value: Any, field: Field) -> bool:
        extra = f" ({field.help})" if field.help else ""
        self.problem(line, f"{label} must be {expected}, not {_describe(value)}{extra}")
        return False
