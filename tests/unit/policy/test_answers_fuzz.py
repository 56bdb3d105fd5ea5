"""Malformed answers documents, generated: always a clear error naming the path, never a crash.

Over a thousand documents in all: random structures built around the real keys, random bytes,
YAML that tries to build Python objects or expand through aliases, and huge values.
"""

from __future__ import annotations

import json

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from greenlight.policy import load_guidance
from greenlight.policy.answers import (
    Answers,
    AnswersError,
    parse_answers,
    path_part,
)
from greenlight.policy.answers_text import MAX_DOCUMENT_BYTES, load_answers
from greenlight.policy.yaml_reader import LOADERS, LineDict, LineList, YamlError, read_yaml

G = load_guidance()
GROUPS = sorted({q.path[0] for q in G.questions if len(q.path) == 2})
KEYS = [q.path[-1] for q in G.questions] + GROUPS + ["title", "description", "scene", "x", "", "é"]
VALUES = sorted({str(v) for q in G.questions for v in q.values})

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True),
    st.sampled_from(VALUES),
    st.text(max_size=30),
)
trees = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.one_of(st.sampled_from(KEYS), st.text(max_size=8)), inner, max_size=5),
    ),
    max_leaves=25,
)
documents = st.dictionaries(st.sampled_from(KEYS), trees, max_size=8)


def check_outcome(outcome) -> None:
    """An Answers, or an AnswersError whose every problem is one readable line."""
    if isinstance(outcome, Answers):
        return
    assert isinstance(outcome, AnswersError)
    assert outcome.problems
    for problem in outcome.problems:
        text = str(problem)
        assert text and "\n" not in text and len(text) < 2000
        assert "Traceback" not in text
        if problem.path:
            assert text.startswith(problem.path + ": ")


def attempt(source):
    try:
        outcome = (
            load_answers(source, G) if isinstance(source, str | bytes) else parse_answers(source, G)
        )
    except AnswersError as exc:
        outcome = exc
    return outcome


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents)
def test_random_structures_parse_or_name_the_path(document):
    outcome = attempt(document)
    check_outcome(outcome)
    if isinstance(outcome, AnswersError):
        named = {path_part(key) for key in document} | {"title", ""}
        for problem in outcome.problems:
            assert any(
                problem.path == part or problem.path.startswith(part + ".") for part in named
            )


@settings(max_examples=200, deadline=None)
@given(documents)
def test_the_same_documents_as_yaml_and_json_text(document):
    for text in (yaml.safe_dump(document, allow_unicode=True), json.dumps(document, default=str)):
        check_outcome(attempt(text))


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400))
def test_random_bytes(data):
    check_outcome(attempt(data))


@settings(max_examples=100, deadline=None)
@given(trees.filter(lambda value: not isinstance(value, dict)))
def test_non_mapping_roots(value):
    try:
        parse_answers(value, G)
    except AnswersError as exc:
        outcome = exc
    assert isinstance(outcome, AnswersError)
    assert [str(p) for p in outcome.problems][0].startswith("the document must be a mapping")


HOSTILE_YAML = {
    "python object": "title: !!python/object/apply:os.system ['echo pwned']\n",
    "python name": "title: !!python/name:os.system\n",
    "custom tag": "title: !secret x\n",
    "binary": "title: !!binary aGVsbG8=\n",
    "set": "title: !!set {a, b}\n",
    "merge bomb": "a: &a {x: 1}\n" + "".join(f"k{i}: {{<<: *a}}\n" for i in range(40)),
    "billion laughs": "a: &a ['lol','lol','lol','lol','lol','lol','lol','lol','lol']\n"
    + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{','.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(9)
    ),
    "deep nesting": "title: " + "[" * 5000 + "]" * 5000 + "\n",
    "deep mapping": "title: x\n" + "".join("  " * i + f"k{i}:\n" for i in range(200)),
    "huge": "title: " + "x" * (MAX_DOCUMENT_BYTES + 1) + "\n",
    "many keys": "".join(f"k{i}: {i}\n" for i in range(20_000)),
    "NUL in title": 'title: "a\\0b"\n',
    "tabs": "title:\tx\n\tprinciples: 1\n",
    "two documents": "title: a\n---\ntitle: b\n",
}


@pytest.mark.timeout(60)  # a hang (an alias or nesting limit gone) fails here, not the whole run
def test_hostile_yaml_is_refused_clearly():
    for name, text in HOSTILE_YAML.items():
        outcome = attempt(text)
        assert isinstance(outcome, AnswersError), name
        check_outcome(outcome)


def test_unknown_keys_and_values_are_never_guessed():
    outcome = attempt({"title": "t", "principles": {"outputs_original": "Yes"}})
    assert isinstance(outcome, AnswersError)
    assert str(outcome.problems[0]).startswith("principles.outputs_original: 'Yes' is not one of")


def _read_with(loader_class, text: str) -> tuple:
    """What read_yaml gives with one of the loaders: the data with every line it recorded, or
    the error's message and line."""
    try:
        data = read_yaml(text, loader_class=loader_class)
    except YamlError as exc:
        return ("error", exc.message, exc.line)
    return ("data", _with_lines(data))


@pytest.mark.timeout(60)
def test_an_alias_bomb_is_refused_by_its_expanded_size_whatever_the_alias_limit():
    # 9 levels of 9 aliases: 81 aliases, under the guidance reader's limit, would build 9**9
    # values; and an alias inside the collection it names would never end.
    bomb = HOSTILE_YAML["billion laughs"]
    for loader_class in LOADERS:
        with pytest.raises(YamlError, match="once its aliases are expanded"):
            read_yaml(bomb, max_aliases=100, loader_class=loader_class)
        with pytest.raises(YamlError, match="refers to the collection it is in"):
            read_yaml("a: &a [1, *a]\n", loader_class=loader_class)


def _with_lines(value):
    if isinstance(value, LineDict):
        return {k: (value.line_of(k), _with_lines(v)) for k, v in value.items()}, value.line
    if isinstance(value, LineList):
        return [(value.line_of(i), _with_lines(v)) for i, v in enumerate(value)], value.line
    return value


needs_libyaml = pytest.mark.skipif(len(LOADERS) < 2, reason="PyYAML was built without libyaml")


@needs_libyaml
@settings(max_examples=200, deadline=None)
@given(documents, st.sampled_from(["block", "flow"]))
def test_libyaml_and_pure_python_loaders_read_the_same_data_and_lines(document, style):
    text = yaml.safe_dump(document, allow_unicode=True, default_flow_style=style == "flow")
    fast, pure = LOADERS
    assert _read_with(fast, text) == _read_with(pure, text)


@needs_libyaml
@pytest.mark.timeout(60)
def test_libyaml_and_pure_python_loaders_refuse_the_same_hostile_yaml():
    fast, pure = LOADERS
    for name, text in HOSTILE_YAML.items():
        a, b = _read_with(fast, text), _read_with(pure, text)
        # Refused by both (each parser words a syntax error its own way), or read the same
        # and refused later, by the answers contract.
        assert a[0] == b[0], name
        if a[0] == "data":
            assert a == b, name
