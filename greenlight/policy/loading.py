"""Load a guidance set (a folder of YAML files) into frozen, validated dataclasses.

Structure is checked first (guidance_schema), then meaning: every reference points at
something that exists, every question is used, every rule is monotonic. Any problem raises
GuidanceError listing all of them as ``file:line: what is wrong; how to fix it``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from greenlight.policy.conditions import (
    AllOf,
    AnyOf,
    Condition,
    Leaf,
    Not,
)
from greenlight.policy.meaning import check_meaning
from greenlight.policy.model import (
    KINDS,
    Alias,
    Change,
    Group,
    Guidance,
    GuidanceError,
    Level,
    MatrixRow,
    Option,
    Question,
    Reading,
    Rule,
    Section,
    Source,
)
from greenlight.policy.structure import TOP_LEVEL, StructureChecker, did_you_mean
from greenlight.policy.yaml_reader import LineDict, YamlError, read_yaml

DEFAULT_DIR = Path(__file__).resolve().parents[2] / "guidance"
GUIDANCE_ENV = "GREENLIGHT_GUIDANCE_DIR"
MAX_FILE_BYTES = 2_000_000


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
                supersedes=tuple(rec.get("supersedes") or ()),
                open_text=" ".join(rec.get("open_text", "").split()),
                short=" ".join(rec["short"].split()),
            )
            for origin, rec in _items(parts, "rules")
        ),
        matrix_question=matrix["question"] if matrix else None,
        matrix=tuple(
            MatrixRow(
                **{
                    **dict(rec),
                    "rules": tuple(rec["rules"]),
                    "fits": _condition(rec["fits"]) if "fits" in rec else None,
                }
            )
            for rec in (matrix or {}).get("rows", [])
        ),
        readings=tuple(
            Reading(
                **{**dict(rec), "sections": tuple(rec["sections"]), "rules": tuple(rec["rules"])}
            )
            for _, rec in _items(parts, "readings")
        ),
        path=str(folder),
        aliases=tuple(
            Alias(
                old=rec["old"],
                new=rec["new"],
                map=tuple((item["from"], item.get("to")) for item in rec["map"]),
                note=" ".join(rec["note"].split()),
                origin=origin,
            )
            for origin, rec in _items(parts, "aliases")
        ),
        changes=tuple(
            Change(
                id=rec["id"],
                version=rec["version"],
                change=" ".join(rec["change"].split()),
                follows=" ".join(rec["follows"].split()),
                sections=tuple(rec["sections"]),
            )
            for _, rec in _items(parts, "changes")
        ),
    )
