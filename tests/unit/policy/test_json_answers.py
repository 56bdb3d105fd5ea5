"""Item 14: JSON answers with a key given twice are refused, as YAML is; a title is text."""

from __future__ import annotations

import pytest

from greenlight.policy import AnswersError, load_answers
from tests.unit.policy.build import GUIDANCE


def problems(text: str) -> list[str]:
    with pytest.raises(AnswersError) as caught:
        load_answers(text, GUIDANCE)
    return [str(p) for p in caught.value.problems]


def test_a_json_answer_given_twice_is_refused_with_its_path():
    text = '{"title": "x", "involves": {"digital_replica": true, "digital_replica": false}}'
    assert problems(text) == ["involves.digital_replica: appears twice; keep one answer"]


def test_a_top_level_json_key_given_twice_is_refused():
    assert problems('{"title": "x", "title": "y"}') == ["title: appears twice; keep one answer"]


def test_yaml_refuses_the_same():
    (line,) = problems("title: x\ninvolves:\n  digital_replica: true\n  digital_replica: false\n")
    assert "appears twice" in line


@pytest.mark.parametrize("text", ['{"title": 123}', "title: 123\n", '{"title": true}'])
def test_a_title_must_be_text(text):
    (line,) = problems(text)
    assert line.startswith("title: expected text, not ")


def test_a_scene_number_is_still_read_as_text():
    assert load_answers("title: x\nscene: 12\n", GUIDANCE).fields["scene"] == "12"
