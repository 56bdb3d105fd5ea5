"""A restricted YAML reader: plain data only, line numbers kept, size and alias limits.

Used for guidance files and answers documents. It differs from ``yaml.safe_load`` in three
ways that matter here:

* only ``true``/``false`` are booleans, so the answers ``yes`` and ``no`` stay strings
  (YAML 1.1 would turn them into booleans);
* every mapping remembers the line of each key, so errors can say ``file:line``;
* aliases, nesting depth and total size are capped, so a small hostile document cannot
  expand into a huge one, and duplicate keys are errors instead of silently overwritten.
"""

from __future__ import annotations

import re
import sys
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

MAX_ALIASES = 100
MAX_DEPTH = 40
MAX_NODES = 100_000

_BOOL = "tag:yaml.org,2002:bool"


class YamlError(ValueError):
    """A document that is not plain, well-formed YAML within our limits."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.line = line


class LineDict(dict):
    """A mapping that remembers the line of each key (1-based) and its own start line."""

    line: int = 0
    key_lines: dict

    def line_of(self, key: Any) -> int:
        return self.key_lines.get(key, self.line)


class LineList(list):
    """A sequence that remembers the line of each item (1-based)."""

    line: int = 0
    item_lines: list

    def line_of(self, index: int) -> int:
        return self.item_lines[index] if index < len(self.item_lines) else self.line


class _Limits:
    """YAML 1.2-style booleans and resource limits, over a SafeLoader's parts."""

    def _start(self, max_aliases: int) -> None:
        self._max_aliases = max_aliases
        self._aliases = 0
        self._depth = 0
        self._nodes = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node:
        if self.check_event(yaml.AliasEvent):
            self._aliases += 1
            if self._aliases > self._max_aliases:
                mark = self.peek_event().start_mark
                raise YamlError(f"more than {self._max_aliases} aliases (*name)", mark.line + 1)
        self._nodes += 1
        if self._nodes > MAX_NODES:
            raise YamlError(f"more than {MAX_NODES} values", self.peek_event().start_mark.line + 1)
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                mark = self.peek_event().start_mark
                raise YamlError(f"nested deeper than {MAX_DEPTH} levels", mark.line + 1)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


class _PyLoader(_Limits, yaml.SafeLoader):
    """PyYAML's pure-Python scanner and parser."""

    def __init__(self, stream: str, max_aliases: int):
        yaml.SafeLoader.__init__(self, stream)
        self._start(max_aliases)


try:
    from yaml._yaml import CParser
except ImportError:  # PyYAML built without libyaml
    CParser = None


if CParser is not None:

    class _CLoader(
        _Limits,
        yaml.composer.Composer,
        CParser,
        yaml.constructor.SafeConstructor,
        yaml.resolver.Resolver,
    ):
        """libyaml's scanner and parser (the pure-Python ones took most of loading the
        guidance at start-up) under PyYAML's own composer, which keeps every node's line and
        lets _Limits count and cap what it builds: the same documents, and the same YAML
        refused (libyaml words its syntax errors its own way)."""

        def __init__(self, stream: str, max_aliases: int):
            CParser.__init__(self, stream)
            yaml.composer.Composer.__init__(self)
            yaml.constructor.SafeConstructor.__init__(self)
            yaml.resolver.Resolver.__init__(self)
            self._start(max_aliases)

    LOADERS: tuple[type, ...] = (_CLoader, _PyLoader)
else:
    LOADERS = (_PyLoader,)


def _construct_mapping(loader: _Limits, node: MappingNode):
    data = LineDict()
    data.line = node.start_mark.line + 1
    data.key_lines = {}
    yield data
    loader.flatten_mapping(node)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1
        if not isinstance(key, str | int | bool) or key is None:
            raise YamlError("a key must be a plain word or number", line)
        if key in data:
            raise YamlError(f"key {key!r} appears twice in the same mapping", line)
        data[key] = loader.construct_object(value_node, deep=False)
        data.key_lines[key] = line


def _construct_sequence(loader: _Limits, node: SequenceNode):
    data = LineList()
    data.line = node.start_mark.line + 1
    data.item_lines = [child.start_mark.line + 1 for child in node.value]
    yield data
    data.extend(loader.construct_object(child, deep=False) for child in node.value)


def _refuse_tag(loader: _Limits, suffix: str, node: Node):
    raise YamlError(f"the tag !{suffix} is not allowed: use plain values", node.start_mark.line + 1)


def _refuse(suffix: str):
    return lambda loader, node: _refuse_tag(loader, suffix, node)


def _construct_int(loader: _Limits, node: ScalarNode) -> int:
    # Python refuses to read an integer of more digits than sys.get_int_max_str_digits()
    # (a guard against slow conversions): a ValueError that would escape as a traceback.
    try:
        return yaml.SafeLoader.construct_yaml_int(loader, node)
    except ValueError:
        raise YamlError(
            f"a number of more than {sys.get_int_max_str_digits()} digits: quote it to keep "
            "it as text",
            node.start_mark.line + 1,
        ) from None


for _loader in LOADERS:
    # Only true/false are booleans: drop YAML 1.1's yes/no/on/off from the implicit resolvers.
    _loader.yaml_implicit_resolvers = {
        first: [(tag, rx) for tag, rx in resolvers if tag != _BOOL]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    _loader.add_implicit_resolver(
        _BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
    )
    _loader.yaml_constructors = dict(yaml.SafeLoader.yaml_constructors)
    _loader.yaml_multi_constructors = dict(yaml.SafeLoader.yaml_multi_constructors)
    _loader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)
    _loader.add_constructor("tag:yaml.org,2002:seq", _construct_sequence)
    _loader.add_constructor("tag:yaml.org,2002:int", _construct_int)
    for _name in ("set", "omap", "pairs", "binary"):
        _loader.add_constructor(f"tag:yaml.org,2002:{_name}", _refuse(_name))
    _loader.add_constructor(
        "tag:yaml.org,2002:timestamp", lambda loader, node: loader.construct_scalar(node)
    )
    _loader.add_multi_constructor("", _refuse_tag)
    _loader.add_multi_constructor("!", _refuse_tag)


def _check_expanded(root: Node) -> None:
    """YamlError if the document would hold more than MAX_NODES values once its aliases are
    expanded (a few aliases of aliases can stand for billions), or if an alias refers to the
    collection that holds it. Counts each distinct node once, so it takes linear time."""
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()
    stack: list[tuple[Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        if children_done:
            open_nodes.discard(id(node))
            total = 1 + sum(sizes[id(child)] for child in _children(node))
            if total > MAX_NODES:
                raise YamlError(
                    f"more than {MAX_NODES} values once its aliases are expanded",
                    node.start_mark.line + 1,
                )
            sizes[id(node)] = total
            continue
        if id(node) in sizes:
            continue
        open_nodes.add(id(node))
        stack.append((node, True))
        for child in _children(node):
            if id(child) in open_nodes:
                raise YamlError(
                    "an alias refers to the collection it is in", child.start_mark.line + 1
                )
            if id(child) not in sizes:
                stack.append((child, False))


def _children(node: Node) -> list[Node]:
    if isinstance(node, SequenceNode):
        return node.value
    if isinstance(node, MappingNode):
        return [part for pair in node.value for part in pair]
    return []


def read_yaml(
    text: str, max_aliases: int = MAX_ALIASES, *, loader_class: type | None = None
) -> Any:
    """Parse one YAML document of plain data; raise YamlError with the line on any problem.

    `loader_class` is one of LOADERS (the fastest is used by default; tests compare them).
    """
    try:
        loader = (loader_class or LOADERS[0])(text, max_aliases)
        try:
            node = loader.get_single_node()
            if node is None or (isinstance(node, ScalarNode) and node.tag.endswith(":null")):
                return None
            _check_expanded(node)
            return loader.construct_document(node)
        finally:
            loader.dispose()
    except YamlError:
        raise
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = " ".join((exc.problem or exc.context or "invalid YAML").split())
        raise YamlError(f"not valid YAML: {problem}", line) from None
    except yaml.reader.ReaderError as exc:
        raise YamlError(
            f"not valid YAML: character {exc.character!r} at position {exc.position} is not allowed"
        ) from None
    except yaml.YAMLError as exc:
        raise YamlError("not valid YAML: " + " ".join(str(exc).split())[:200]) from None
    except RecursionError:
        raise YamlError(f"nested deeper than {MAX_DEPTH} levels") from None
