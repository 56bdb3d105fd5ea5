"""The answers contract: valid documents, unquoted yes/no, and every kind of invalid one."""

from __future__ import annotations

import json

import pytest
import yaml

from greenlight.policy import AnswersError, dump_answers, load_answers, load_guidance, parse_answers
from tests.unit.samples import principles_yaml

G = load_guidance()

FULL = f"""\
title: Season 2 look moodboard
department: Art
tool: ImageTool Enterprise
use_case_type: ideation
{principles_yaml(no_performance_replacement="no")}involves:
  proprietary_material_input: false
  digital_replica: no
context:
  final_deliverable: false
  on_screen: none
  tool_tier: enterprise
"""


def test_unquoted_yes_and_no_are_the_answers_yes_and_no():
    answers = load_answers(FULL, G)
    assert answers.values["principles.outputs_original"] == "yes"
    assert answers.values["principles.no_performance_replacement"] == "no"
    assert answers.values["involves.digital_replica"] is False
    assert answers.fields["department"] == "Art" and answers.fields["vendor"] == ""


def test_booleans_from_another_yaml_reader_are_accepted_as_yes_and_no():
    document = yaml.safe_load(FULL)  # YAML 1.1: yes -> True
    assert document["principles"]["outputs_original"] is True
    answers = parse_answers(document, G)
    assert answers.values["principles.outputs_original"] == "yes"
    assert answers.values["principles.no_performance_replacement"] == "no"


def test_json_documents_are_read_too():
    answers = load_answers(json.dumps(yaml.safe_load(FULL)), G)
    assert answers.values["use_case_type"] == "ideation"


def test_missing_answers_take_defaults_and_are_not_provided():
    answers = parse_answers({"title": "x"}, G)
    assert answers.values["principles.outputs_original"] == "unsure"
    assert answers.values["context.tool_tier"] == "unknown"
    assert answers.values["involves.digital_replica"] is False
    assert answers.provided == frozenset()


def test_round_trip_through_yaml_keeps_answers_and_gaps():
    answers = load_answers(FULL, G)
    again = load_answers(dump_answers(answers, G), G)
    assert again == answers


def test_scene_numbers_may_be_unquoted():
    assert parse_answers({"title": "x", "scene": 12}, G).fields["scene"] == "12"


INVALID = {
    "not a mapping": ("- a\n- b\n", ["the document must be a mapping of keys, not a list"]),
    "a bare word": ("hello\n", ["the document must be a mapping of keys, not 'hello'"]),
    "empty": ("", ["the document must be a mapping of keys, not nothing"]),
    "unknown top key": (
        "title: x\nprinciple: {}\n",
        [
            "principle: unknown key (did you mean 'principles'?); allowed: context, department, description, "
            "involves, performers, principles, requested_by, scene, title, tool, tools, use_case_type, "
            "vendor"
        ],
    ),
    "unknown question": (
        "title: x\ninvolves: {digital_replicas: true}\n",
        [
            "involves.digital_replicas: unknown question (did you mean 'digital_replica'?); allowed: "
            "copyrighted_reference, digital_replica, key_creative_element, misleading_content, "
            "performance_alteration, personal_data_input, proprietary_material_input, "
            "public_figure_likeness, talent_model_reuse, union_work_impact, unowned_training_data"
        ],
    ),
    "unknown value": (
        "title: x\nprinciples: {outputs_original: maybe}\n",
        ["principles.outputs_original: 'maybe' is not one of yes, unsure, no"],
    ),
    "unknown category": (
        "title: x\nuse_case_type: ideas\n",
        [
            "use_case_type: 'ideas' is not one of ideation, background_element, key_visual, talent_replication, "
            "unowned_training_data, proprietary_material, other (did you mean 'ideation'?)"
        ],
    ),
    "wrong type for a boolean": (
        "title: x\ninvolves: {digital_replica: 3}\n",
        ["involves.digital_replica: expected true or false, not 3"],
    ),
    "a group that is not a mapping": (
        "title: x\nprinciples: [yes]\n",
        ["principles: expected a mapping of answers, not a list"],
    ),
    "missing title": ("use_case_type: other\n", ["title: is required; give the use a short title"]),
    "blank title": ("title: '  '\n", ["title: is required; give the use a short title"]),
    "title not text": ("title: {a: 1}\n", ["title: expected text, not a mapping"]),
    "over-long title": (
        "title: " + "x" * 201 + "\n",
        ["title: is 201 characters; the limit is 200"],
    ),
    "several problems": (
        "title: x\nfoo: 1\ncontext: {on_screen: big}\n",
        [
            "foo: unknown key; allowed: context, department, description, involves, performers, "
            "principles, requested_by, scene, title, tool, tools, use_case_type, vendor",
            "context.on_screen: 'big' is not one of none, incidental, story_relevant",
        ],
    ),
    "bad YAML": ("title: x\n  principles: : :\n", None),
    "bad JSON": ('{"title": }', None),
    "python object tag": ("title: !!python/object/apply:os.system ['echo hi']\n", None),
    "duplicate key": (
        "title: a\ntitle: b\n",
        ["line 2: key 'title' appears twice in the same mapping"],
    ),
}


@pytest.mark.parametrize(("text", "expected"), INVALID.values(), ids=INVALID.keys())
def test_invalid_documents_name_every_path(text, expected):
    with pytest.raises(AnswersError) as caught:
        load_answers(text, G)
    lines = [str(p) for p in caught.value.problems]
    if expected is None:
        assert len(lines) == 1 and lines[0].startswith("line ")
    else:
        assert lines == expected


def test_non_utf8_bytes_are_refused():
    with pytest.raises(AnswersError, match="not UTF-8 text"):
        load_answers(b"title: caf\xe9\n", G)


def test_alias_bombs_are_refused_quickly():
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8)
    )
    with pytest.raises(AnswersError, match="aliases"):
        load_answers(bomb, G)


def test_oversized_documents_are_refused():
    with pytest.raises(AnswersError, match="KiB"):
        load_answers("title: " + "x" * 300_000, G)


def test_deep_nesting_is_refused():
    with pytest.raises(AnswersError, match="nested deeper"):
        load_answers("title: x\ndescription: " + "[" * 100 + "]" * 100 + "\n", G)
