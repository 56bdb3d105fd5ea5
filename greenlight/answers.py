"""The answers document: the contract of one assessment, parsed and validated.

The allowed keys and values come from the guidance's questions (declared once there) plus the
free-text FIELDS declared here. Nothing is guessed: an unknown key or value is an error that
names its path. Unquoted YAML ``yes``/``no`` are read as the answers yes and no.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from greenlight.guidance import Guidance, Question
from greenlight.guidance_schema import did_you_mean
from greenlight.yamlio import YamlError, read_yaml

MAX_DOCUMENT_BYTES = 256 * 1024
MAX_PROBLEMS = 50  # enough to fix a file; a hostile one does not flood the screen
MAX_ALIASES = 16  # an answers document needs none; a few are harmless


@dataclass(frozen=True)
class Field:
    """A free-text field recorded with a use; it never changes the level."""

    name: str
    label: str
    max_length: int
    required: bool = False
    multiline: bool = False


FIELDS: tuple[Field, ...] = (
    Field("title", "Title", 200, required=True),
    Field("description", "Description", 5000, multiline=True),
    Field("department", "Department", 100),
    Field("tool", "Tool", 200),
    Field("vendor", "Vendor", 200),
    Field("requested_by", "Requested by", 200),
    Field("scene", "Scene or episode", 200),
)
FIELD_NAMES = tuple(f.name for f in FIELDS)


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


@dataclass(frozen=True)
class Answers:
    """One intended use: its free text and its answers (defaults filled in)."""

    title: str
    fields: Mapping[str, str]
    values: Mapping[str, str | bool]
    provided: frozenset[str] = field(default_factory=frozenset)

    def to_document(self, guidance: Guidance) -> dict[str, Any]:
        """The nested answers document; only answers actually given, so gaps stay gaps."""
        given = {qid: value for qid, value in self.values.items() if qid in self.provided}
        return build_document(guidance, {"title": self.title, **self.fields}, given)


def build_document(
    guidance: Guidance, fields: Mapping[str, str], answers: Mapping[str, str | bool]
) -> dict[str, Any]:
    """An answers document from free-text fields and answers keyed by question id."""
    doc: dict[str, Any] = {"title": fields.get("title", "")}
    doc.update({name: fields[name] for name in FIELD_NAMES[1:] if fields.get(name)})
    for q in guidance.questions:
        if q.id not in answers:
            continue
        target = doc
        for part in q.path[:-1]:
            target = target.setdefault(part, {})
        target[q.path[-1]] = answers[q.id]
    return doc


def _answer(q: Question, raw: Any, path: str, problems: list[Problem]) -> str | bool | None:
    if q.kind == "boolean":
        if isinstance(raw, bool):
            return raw
        if raw in ("yes", "no"):  # YAML 1.1 booleans, kept as words by our reader
            return raw == "yes"
        problems.append(Problem(path, f"expected true or false, not {_show(raw)}"))
        return None
    if isinstance(raw, bool) and "yes" in q.values and "no" in q.values:
        return "yes" if raw else "no"  # another YAML reader turned yes/no into booleans
    if isinstance(raw, str) and raw in q.values:
        return raw
    choices = ", ".join(map(str, q.values))
    hint = did_you_mean(raw, q.values) if isinstance(raw, str) else ""
    problems.append(Problem(path, f"{_show(raw)} is not one of {choices}{hint}"))
    return None


_PLAIN_KEY = re.compile(r"[A-Za-z0-9_-]{1,60}")


def path_part(key: Any) -> str:
    """A key as it appears in an error path: plain words as they are, anything else quoted."""
    if isinstance(key, str) and _PLAIN_KEY.fullmatch(key):
        return key
    text = repr(key)
    return text if len(text) <= 40 else text[:37] + "..."


def _show(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "...'"


def _text(name: str, raw: Any, spec: Field, problems: list[Problem]) -> str:
    if raw is None:
        raw = ""
    elif isinstance(raw, int) and not isinstance(raw, bool):
        raw = str(raw)  # an unquoted scene number such as 12
    if not isinstance(raw, str):
        problems.append(Problem(name, f"expected text, not {_show(raw)}"))
        return ""
    if "\x00" in raw:
        problems.append(Problem(name, "contains a NUL character; remove it"))
    if len(raw) > spec.max_length:
        problems.append(Problem(name, f"is {len(raw)} characters; the limit is {spec.max_length}"))
    if spec.required and not raw.strip():
        problems.append(Problem(name, "is required; give the use a short title"))
    return raw


def parse_answers(document: Any, guidance: Guidance) -> Answers:
    """Validate an answers mapping against the guidance; raise AnswersError naming every path."""
    if not isinstance(document, Mapping):
        raise AnswersError(
            [Problem("", f"the document must be a mapping of keys, not {_show(document)}")]
        )
    problems: list[Problem] = []
    by_path: dict[tuple[str, ...], Question] = {q.path: q for q in guidance.questions}
    groups = {path[0] for path in by_path if len(path) == 2}
    known = set(FIELD_NAMES) | groups | {path[0] for path in by_path if len(path) == 1}
    fields = {spec.name: "" for spec in FIELDS}
    values: dict[str, str | bool] = {q.id: q.default for q in guidance.questions}
    provided: set[str] = set()

    def take(q: Question, raw: Any) -> None:
        if raw is None:
            return  # an explicit empty answer counts as missing
        value = _answer(q, raw, q.id, problems)
        if value is not None:
            values[q.id] = value
            provided.add(q.id)

    for key, raw in document.items():
        if not isinstance(key, str) or key not in known:
            problems.append(
                Problem(
                    path_part(key),
                    f"unknown key{did_you_mean(key, known)}; allowed: {', '.join(sorted(known))}",
                )
            )
        elif key in fields:
            fields[key] = _text(key, raw, next(f for f in FIELDS if f.name == key), problems)
        elif key in groups:
            if raw is None:
                continue
            if not isinstance(raw, Mapping):
                problems.append(Problem(key, f"expected a mapping of answers, not {_show(raw)}"))
                continue
            members = {path[1] for path in by_path if len(path) == 2 and path[0] == key}
            for sub, answer in raw.items():
                q = by_path.get((key, sub)) if isinstance(sub, str) else None
                if q is None:
                    problems.append(
                        Problem(
                            f"{key}.{path_part(sub)}",
                            f"unknown question{did_you_mean(sub, members)}; allowed: {', '.join(sorted(members))}",
                        )
                    )
                    continue
                take(q, answer)
        else:
            take(by_path[(key,)], raw)
    if "title" not in document:
        problems.append(Problem("title", "is required; give the use a short title"))
    if problems:
        if len(problems) > MAX_PROBLEMS:
            more = len(problems) - MAX_PROBLEMS
            problems = [*problems[:MAX_PROBLEMS], Problem("", f"... and {more} more problems")]
        raise AnswersError(problems)
    return Answers(
        title=fields.pop("title"),
        fields=MappingProxyType(fields),
        values=MappingProxyType(values),
        provided=frozenset(provided),
    )


def load_answers(source: str | bytes, guidance: Guidance) -> Answers:
    """Parse an answers document given as YAML or JSON text (or its UTF-8 bytes)."""
    if len(source) > MAX_DOCUMENT_BYTES:
        raise AnswersError(
            [
                Problem(
                    "",
                    f"the document is over {MAX_DOCUMENT_BYTES // 1024} KiB; answers fit in far less",
                )
            ]
        )
    if isinstance(source, bytes):
        try:
            source = source.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise AnswersError(
                [
                    Problem(
                        "",
                        f"not UTF-8 text (bad byte at position {exc.start}); save the file as UTF-8",
                    )
                ]
            ) from None
    text = source
    if text.lstrip().startswith(("{", "[")):
        try:
            document = json.loads(text)
        except json.JSONDecodeError as exc:
            raise AnswersError(
                [Problem("", f"line {exc.lineno}: not valid JSON: {exc.msg}")]
            ) from None
        except RecursionError:
            raise AnswersError([Problem("", "the JSON is nested too deeply")]) from None
    else:
        try:
            document = read_yaml(text, max_aliases=MAX_ALIASES)
        except YamlError as exc:
            where = f"line {exc.line}: " if exc.line else ""
            raise AnswersError([Problem("", f"{where}{exc.message}")]) from None
    return parse_answers(document, guidance)


def dump_answers(answers: Answers, guidance: Guidance) -> str:
    """The answers as a YAML document that load_answers reads back to the same answers."""
    import yaml

    return yaml.safe_dump(answers.to_document(guidance), sort_keys=False, allow_unicode=True)
