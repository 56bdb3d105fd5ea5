"""Integers of any size in an answers document are one clear problem, never a traceback.

Python refuses to convert an integer of more than sys.get_int_max_str_digits() digits to or
from text (ValueError), which YAML's and JSON's readers and our messages all do.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from greenlight.policy import AnswersError, load_answers, load_guidance, parse_answers

ROOT = Path(__file__).resolve().parents[3]
HUGE = "9" * 5000

DOCUMENTS = [
    f"title: {HUGE}\n",
    f"title: moodboard\nscene: {HUGE}\n",
    f"title: moodboard\nuse_case_type: {HUGE}\n",
    f"title: moodboard\nprinciples:\n  outputs_original: {HUGE}\n",
    f'{{"title": {HUGE}}}',
    f'{{"title": "moodboard", "involves": {{"digital_replica": {HUGE}}}}}',
]


@pytest.mark.parametrize("text", DOCUMENTS)
def test_a_huge_integer_in_yaml_or_json_is_one_problem(text):
    with pytest.raises(AnswersError) as caught:
        load_answers(text, load_guidance())
    (problem,) = caught.value.problems
    assert "number" in problem.message and "quote it" in problem.message


@pytest.mark.parametrize(
    "document, path",
    [
        ({"title": 10**5000}, "title"),
        ({"title": "x", "use_case_type": 10**5000}, "use_case_type"),
        (
            {"title": "x", "principles": {"outputs_original": 10**5000}},
            "principles.outputs_original",
        ),
        ({"title": "x", "involves": {"digital_replica": 10**5000}}, "involves.digital_replica"),
        ({"title": "x", 10**5000: "y"}, "a number too long to read"),
    ],
)
def test_a_huge_integer_in_a_parsed_document_is_named_by_its_path(document, path):
    with pytest.raises(AnswersError) as caught:
        parse_answers(document, load_guidance())
    (problem,) = caught.value.problems
    assert problem.path == path


def test_the_cli_exits_2_with_one_line(tmp_path):
    path = tmp_path / "use.yaml"
    path.write_text(f"title: {HUGE}\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "greenlight", "assess", str(path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert "line 1: a number of more than 4300 digits" in done.stderr
