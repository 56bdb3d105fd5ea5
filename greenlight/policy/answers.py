"""The answers document: the contract of one assessment, parsed and validated.

The allowed keys and values come from the guidance's questions (declared once there) plus the
free-text FIELDS declared here. Nothing is guessed: an unknown key or value is an error that
names its path. Unquoted YAML ``yes``/``no`` are read as the answers yes and no.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any

from greenlight.policy.bounded import BoundedMemo
from greenlight.policy.links import LINK_NAMES, NO_LINKS, link_ids, plain_links
from greenlight.policy.model import Guidance, Question
from greenlight.policy.problems import MAX_PROBLEMS, AnswersError, Problem, path_part, show
from greenlight.policy.structure import did_you_mean

MAX_DERIVED = 65_536  # sets of answers whose derived values memo() keeps per guidance


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
_FIELD_BY_NAME = {f.name: f for f in FIELDS}


@dataclass(frozen=True)
class _Contract:
    """A guidance's answers contract as lookup tables, built once per guidance."""

    by_path: dict[tuple[str, ...], Question]
    groups: frozenset[str]
    known: frozenset[str]
    members: dict[str, dict[str, Question]]  # group -> key -> question
    top: dict[str, Question]  # top-level key -> question
    defaults: dict[str, str | bool]
    paths: tuple[tuple[str, tuple[str, ...]], ...]  # (question id, path), in guidance order
    # (question id, value, type) of every allowed answer, as stored documents hold them
    allowed: frozenset[tuple[str, str | bool, type]]
    # Values derived from a set of answers alone (see memo()), kept while the guidance lives.
    derived: BoundedMemo[tuple, Any] = field(
        default_factory=lambda: BoundedMemo(MAX_DERIVED), compare=False
    )


# Guidance sets are few: a handful of contracts, never an unbounded number.
_contracts: BoundedMemo[int, tuple[Guidance, _Contract]] = BoundedMemo(16)


def contract(guidance: Guidance) -> _Contract:
    """The lookup tables of a guidance's answers contract (cached while the guidance lives)."""
    found = _contracts.get(id(guidance))
    if found is not None and found[0] is guidance:
        return found[1]
    by_path = {q.path: q for q in guidance.questions}
    groups = frozenset(path[0] for path in by_path if len(path) == 2)
    built = _Contract(
        by_path=by_path,
        groups=groups,
        known=frozenset(FIELD_NAMES)
        | frozenset(LINK_NAMES)
        | groups
        | {p[0] for p in by_path if len(p) == 1},
        members={g: {p[1]: q for p, q in by_path.items() if p[0] == g} for g in groups},
        top={p[0]: q for p, q in by_path.items() if len(p) == 1},
        defaults={q.id: q.default for q in guidance.questions},
        paths=tuple((q.id, q.path) for q in guidance.questions),
        allowed=frozenset((q.id, v, type(v)) for q in guidance.questions for v in q.values),
    )
    _contracts.put(id(guidance), (guidance, built))
    return built


@dataclass(frozen=True)
class Answers:
    """One intended use: its free text and its answers (defaults filled in)."""

    title: str
    fields: Mapping[str, str]
    values: Mapping[str, str | bool]
    provided: frozenset[str] = field(default_factory=frozenset)
    # What the reader did that the writer should know: an old key read as its new question.
    notes: tuple[str, ...] = field(default=(), compare=False)
    # The registry ids the use names, by LINK_NAMES entry (only the lists given, never empty).
    links: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: NO_LINKS)

    def linked(self, name: str) -> tuple[str, ...]:
        """The ids the use names in the list `name` (one of LINK_NAMES); () when none."""
        return self.links.get(name, ())

    def with_links(self, **lists: Sequence[str]) -> Answers:
        """These answers naming the given lists of ids instead (an empty list drops it)."""
        links = dict(self.links)
        for name, ids in lists.items():
            if name not in LINK_NAMES:
                raise ValueError(f"{name!r} is not one of {', '.join(LINK_NAMES)}")
            if ids:
                links[name] = tuple(ids)
            else:
                links.pop(name, None)
        return replace(self, links=MappingProxyType(links))

    def to_document(self, guidance: Guidance) -> dict[str, Any]:
        """The nested answers document; only answers actually given, so gaps stay gaps."""
        part = memo(guidance, "document", self, lambda: answers_part(guidance, self.given))
        # A copy of the remembered groups: a caller may change its document.
        copied = {k: dict(v) if type(v) is dict else v for k, v in part.items()}
        copied.update((name, list(ids)) for name, ids in self.links.items())
        return self.document_with(copied)

    def document_with(self, part: Mapping[str, Any]) -> dict[str, Any]:
        """The answers document of this use's free text (title first, empty fields left out)
        and `part`, what build_document gives for its answers (a title in it is ignored).
        The groups of `part` go in as they are, not copied."""
        return document_of({"title": self.title, **self.fields}, part)

    @property
    def given(self) -> dict[str, str | bool]:
        """The answers actually given, by question id."""
        return {qid: value for qid, value in self.values.items() if qid in self.provided}


def memo(guidance: Guidance, kind: str, answers: Answers, compute):
    """compute() for a set of answers (free text aside), remembered per guidance: the log
    holds many uses with the same answers, and what follows from them alone is the same."""
    cache = contract(guidance).derived
    key = (kind, answers.provided, tuple(answers.values.items()))
    found = cache.get(key)
    if found is None:
        found = cache.put(key, compute())
    return found


def answers_part(guidance: Guidance, answers: Mapping[str, str | bool]) -> dict[str, Any]:
    """The answers of a document (no free text), nested by group, from answers by question id."""
    part: dict[str, Any] = {}
    for qid, path in contract(guidance).paths:
        if qid not in answers:
            continue
        if len(path) == 1:
            part[path[0]] = answers[qid]
        else:
            part.setdefault(path[0], {})[path[1]] = answers[qid]
    return part


def build_document(
    guidance: Guidance, fields: Mapping[str, str], answers: Mapping[str, str | bool]
) -> dict[str, Any]:
    """An answers document from free-text fields and answers keyed by question id."""
    return document_of(fields, answers_part(guidance, answers))


def _answer(q: Question, raw: Any, path: str, problems: list[Problem]) -> str | bool | None:
    if q.kind == "boolean":
        if isinstance(raw, bool):
            return raw
        if raw in ("yes", "no"):  # YAML 1.1 booleans, kept as words by our reader
            return raw == "yes"
        problems.append(Problem(path, f"expected true or false, not {show(raw)}"))
        return None
    if isinstance(raw, bool) and "yes" in q.values and "no" in q.values:
        return "yes" if raw else "no"  # another YAML reader turned yes/no into booleans
    if isinstance(raw, str) and raw in q.values:
        return raw
    choices = ", ".join(map(str, q.values))
    hint = did_you_mean(raw, q.values) if isinstance(raw, str) else ""
    problems.append(Problem(path, f"{show(raw)} is not one of {choices}{hint}"))
    return None


def _text(name: str, raw: Any, spec: Field, problems: list[Problem]) -> str:
    if raw is None:
        raw = ""
    elif isinstance(raw, int) and not isinstance(raw, bool) and not spec.required:
        try:
            raw = str(raw)  # an unquoted scene number such as 12 (a title is always text)
        except ValueError:  # past Python's limit on digits converted to text
            problems.append(Problem(name, "is a number too long to read; quote it as text"))
            return ""
    if not isinstance(raw, str):
        problems.append(Problem(name, f"expected text, not {show(raw)}"))
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
            [Problem("", f"the document must be a mapping of keys, not {show(document)}")]
        )
    problems: list[Problem] = []
    c = contract(guidance)
    groups, known = c.groups, c.known
    fields = dict.fromkeys(FIELD_NAMES, "")
    values: dict[str, str | bool] = dict(c.defaults)
    provided: set[str] = set()
    links: dict[str, tuple[str, ...]] = {}

    notes: list[str] = []
    aliases = {alias.old: alias for alias in guidance.aliases}

    def take(q: Question, raw: Any) -> None:
        if raw is None:
            return  # an explicit empty answer counts as missing
        value = _answer(q, raw, q.id, problems)
        if value is not None:
            values[q.id] = value
            provided.add(q.id)

    def take_alias(old: str, raw: Any) -> None:
        """An answer under a key an older version used, read as its new question."""
        alias = aliases[old]
        if raw is None:
            return
        if raw in ("yes", "no"):
            raw = raw == "yes"
        for before, after in alias.map:
            if raw == before and type(raw) is type(before):
                notes.append(f"{old}: {alias.note}")
                if after is not None and alias.new not in provided:
                    take(guidance.question(alias.new), after)
                return
        choices = ", ".join(str(before).lower() for before, _ in alias.map)
        problems.append(Problem(old, f"{show(raw)} is not one of {choices}"))

    for key, raw in document.items():
        if isinstance(key, str) and key in aliases:
            take_alias(key, raw)
        elif not isinstance(key, str) or key not in known:
            problems.append(
                Problem(
                    path_part(key),
                    f"unknown key{did_you_mean(key, known)}; allowed: {', '.join(sorted(known))}",
                )
            )
        elif key in fields:
            fields[key] = _text(key, raw, _FIELD_BY_NAME[key], problems)
        elif key in LINK_NAMES:
            ids = link_ids(key, raw, problems)
            if ids:
                links[key] = ids
        elif key in groups:
            if raw is None:
                continue
            if not isinstance(raw, Mapping):
                problems.append(Problem(key, f"expected a mapping of answers, not {show(raw)}"))
                continue
            members = c.members[key]
            for sub, answer in raw.items():
                q = members.get(sub) if isinstance(sub, str) else None
                if q is None and isinstance(sub, str) and f"{key}.{sub}" in aliases:
                    take_alias(f"{key}.{sub}", answer)
                    continue
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
            take(c.top[key], raw)
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
        notes=tuple(notes),
        links=MappingProxyType(links) if links else NO_LINKS,
    )


def stored_answers(document: Any, guidance: Guidance) -> Answers:
    """parse_answers, fast for a document expected to be valid (one the log stored, or one
    the CSV import built from its cells).

    Checks each answer's question and value and each text field's type and length in one
    pass, and hands any document that fails a check to parse_answers, which reports every
    problem: the same result as parse_answers for any document.
    """
    c = contract(guidance)
    values = dict(c.defaults)
    provided = []
    fields = dict.fromkeys(FIELD_NAMES, "")
    links: dict[str, tuple[str, ...]] = {}
    try:
        for key, raw in document.items():
            if key in fields:
                if not _plain_text(key, raw):
                    raise LookupError(key)
                fields[key] = raw
            elif type(raw) is list:
                if key not in LINK_NAMES or not plain_links(raw):
                    raise LookupError(key)
                links[key] = tuple(raw)
            elif type(raw) is dict:
                members = c.members[key]
                for sub, answer in raw.items():
                    qid = members[sub].id
                    if answer is None or (qid, answer, type(answer)) not in c.allowed:
                        raise LookupError(qid)
                    values[qid] = answer
                    provided.append(qid)
            else:
                qid = c.top[key].id
                if raw is None or (qid, raw, type(raw)) not in c.allowed:
                    raise LookupError(qid)
                values[qid] = raw
                provided.append(qid)
    except (LookupError, AttributeError, TypeError):
        return parse_answers(document, guidance)
    title = fields.pop("title")
    if not title.strip() or "title" not in document:
        return parse_answers(document, guidance)
    return Answers(
        title=title,
        fields=MappingProxyType(fields),
        values=MappingProxyType(values),
        provided=frozenset(provided),
        links=MappingProxyType(links) if links else NO_LINKS,
    )


_MAX_LENGTH = {f.name: f.max_length for f in FIELDS}


def _plain_text(name: str, raw: Any) -> bool:
    """Whether a free-text value is taken as it is (parse_answers would find nothing wrong)."""
    return type(raw) is str and len(raw) <= _MAX_LENGTH[name] and "\x00" not in raw


def plain_text_column(name: str, values: Sequence[str]) -> bool:
    """Whether every value (a str) of one free-text field is taken as it is: _plain_text of
    each, tested for the column at once."""
    return not values or (
        max(map(len, values)) <= _MAX_LENGTH[name] and "\x00" not in "".join(values)
    )


def with_text(answers: Answers, text: Mapping[str, Any]) -> Answers | None:
    """`answers` with all of its free text replaced by `text` (by field name; a field left
    out is empty): what stored_answers gives for a document of `text` and the same answers.

    None when a value of `text` is not one stored_answers takes as it is, or the title is
    empty: parse the whole document then, for its problems. Saves re-reading the answers of
    many uses that share them (a CSV import).
    """
    fields = dict.fromkeys(FIELD_NAMES, "")
    for name, raw in text.items():
        if name not in fields or not _plain_text(name, raw):
            return None
        fields[name] = raw
    title = fields.pop("title")
    if not title.strip():
        return None
    return Answers(
        title, MappingProxyType(fields), answers.values, answers.provided, links=answers.links
    )


def document_of(text: Mapping[str, Any], part: Mapping[str, Any]) -> dict[str, Any]:
    """The answers document of a use's free text (by field name: title first, empty fields
    left out) and `part`, its answers without free text (a title in it is ignored). The
    groups of `part` go in as they are, not copied."""
    doc: dict[str, Any] = {"title": text.get("title", "")}
    doc.update({name: text[name] for name in FIELD_NAMES[1:] if text.get(name)})
    doc.update((k, v) for k, v in part.items() if k != "title")
    return doc


def without_text(document: Mapping[str, Any]) -> dict[str, Any]:
    """A document's answers: the document less its free text (the inverse of document_of)."""
    return {key: value for key, value in document.items() if key not in _FIELD_BY_NAME}


def answers_key(document: Mapping[str, Any]) -> tuple:
    """The answers of a document as a hashable key, free text left out (TypeError if a value
    cannot be hashed). Equal keys mean equal answers; the converse needs the same key order,
    which every document the log writes has."""
    return tuple(
        [
            (
                key,
                tuple(raw.items())
                if type(raw) is dict
                else tuple(raw)
                if type(raw) is list
                else raw,
            )
            for key, raw in document.items()
            if key not in _FIELD_BY_NAME
        ]
    )
