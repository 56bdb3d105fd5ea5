"""An answers document read from text (YAML or JSON) and written back as YAML.

Both readers are held to the same rules: a key given twice is an error naming its path, and
the size of a document is bounded before it is parsed.
"""

from __future__ import annotations

import json
from typing import Any

from greenlight.policy.answers import Answers, parse_answers
from greenlight.policy.model import Guidance
from greenlight.policy.problems import MAX_PROBLEMS, AnswersError, Problem, path_part
from greenlight.policy.yaml_reader import YamlError, read_yaml

MAX_DOCUMENT_BYTES = 256 * 1024
MAX_ALIASES = 16  # an answers document needs none; a few are harmless


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
            document = json.loads(text, object_pairs_hook=_Pairs.of)
        except json.JSONDecodeError as exc:
            raise AnswersError(
                [Problem("", f"line {exc.lineno}: not valid JSON: {exc.msg}")]
            ) from None
        except RecursionError:
            raise AnswersError([Problem("", "the JSON is nested too deeply")]) from None
        except ValueError:  # an integer past Python's limit on digits converted from text
            raise AnswersError(
                [Problem("", "the JSON holds a number too long to read; quote it as text")]
            ) from None
        try:
            twice = list(_Pairs.duplicates(document, ""))
        except RecursionError:
            raise AnswersError([Problem("", "the JSON is nested too deeply")]) from None
        if twice:
            raise AnswersError(
                [Problem(path, "appears twice; keep one answer") for path in twice[:MAX_PROBLEMS]]
            )
    else:
        try:
            document = read_yaml(text, max_aliases=MAX_ALIASES)
        except YamlError as exc:
            where = f"line {exc.line}: " if exc.line else ""
            raise AnswersError([Problem("", f"{where}{exc.message}")]) from None
    return parse_answers(document, guidance)


class _Pairs(dict):
    """A JSON object that remembers the keys it was given more than once (json.loads keeps
    the last silently, which could lower a level; YAML refuses them, and so does this)."""

    twice: tuple[str, ...] = ()

    @classmethod
    def of(cls, pairs: list[tuple[str, Any]]) -> _Pairs:
        made = cls(pairs)
        if len(made) != len(pairs):
            seen: set[str] = set()
            made.twice = tuple(k for k, _ in pairs if k in seen or seen.add(k))
        return made

    @staticmethod
    def duplicates(node: Any, path: str):
        """The path of every key given twice, anywhere in a parsed JSON document."""
        items = (
            node.items()
            if isinstance(node, dict)
            else enumerate(node)
            if isinstance(node, list)
            else ()
        )
        for key in getattr(node, "twice", ()):
            yield f"{path}.{path_part(key)}" if path else path_part(key)
        for key, value in items:
            if isinstance(value, dict | list):
                yield from _Pairs.duplicates(
                    value, f"{path}.{path_part(key)}" if path else path_part(key)
                )


def dump_answers(answers: Answers, guidance: Guidance) -> str:
    """The answers as a YAML document that load_answers reads back to the same answers."""
    import yaml

    return yaml.safe_dump(answers.to_document(guidance), sort_keys=False, allow_unicode=True)
