"""The lists of registry ids an answers document may hold (`performers:`, `tools:`), and
how each is read and checked."""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from greenlight.policy.problems import Problem, show

# Lists of registry ids a use names: the performers it involves (the talent consent ledger)
# and the tools or workflows it uses (the tool registry). They shape no answer by themselves:
# the store reads the registries for them and folds what they say in (policy.registry).
LINK_NAMES = ("performers", "tools")
MAX_LINKS = 50  # per list: a use names a cast and a pipeline, never a whole registry
MAX_LINK_LENGTH = 64
OTHER_TOOL = "other"  # in `tools:`, a tool outside the registry: its terms count as unknown
_LINK_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
NO_LINKS: Mapping[str, tuple[str, ...]] = MappingProxyType({})


def link_ids(name: str, raw: Any, problems: list[Problem]) -> tuple[str, ...]:
    """The ids of a `performers:` or `tools:` list, each checked; () for an empty one."""
    if raw is None:
        return ()
    if not isinstance(raw, list | tuple):
        problems.append(Problem(name, f"expected a list of ids, not {show(raw)}"))
        return ()
    if len(raw) > MAX_LINKS:
        problems.append(Problem(name, f"names {len(raw)} ids; the limit is {MAX_LINKS}"))
        return ()
    ids: list[str] = []
    for position, item in enumerate(raw, 1):
        if not isinstance(item, str) or not _LINK_ID.fullmatch(item):
            problems.append(
                Problem(
                    f"{name}[{position}]",
                    f"{show(item)} is not an id (letters, digits, '.', '_' or '-', "
                    f"at most {MAX_LINK_LENGTH} characters)",
                )
            )
        elif item in ids:
            problems.append(Problem(f"{name}[{position}]", f"{item!r} is named twice"))
        else:
            ids.append(item)
    return tuple(ids)


def plain_links(ids: list) -> bool:
    """Whether a stored list of ids is taken as it is (parse_answers would find nothing wrong)."""
    return (
        0 < len(ids) <= MAX_LINKS
        and len(set(ids)) == len(ids)
        and all(type(i) is str and _LINK_ID.fullmatch(i) for i in ids)
    )
