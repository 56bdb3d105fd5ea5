"""stored_answers, the fast path for documents the log holds, agrees with parse_answers on
every document: the same Answers for a valid one, the same problems for any other."""

from __future__ import annotations

import random

import pytest

from greenlight.policy import load_guidance
from greenlight.policy.answers import (
    FIELD_NAMES,
    AnswersError,
    parse_answers,
    stored_answers,
    with_text,
)

GUIDANCE = load_guidance()


def _document(rng: random.Random) -> dict:
    doc: dict = {"title": rng.choice(["A use", " ", "", "x\x00y", 12, None])}
    if rng.random() < 0.1:
        del doc["title"]
    for name in ("department", "tool", "scene"):
        if rng.random() < 0.5:
            doc[name] = rng.choice(["VFX", "", 7, None, "a" * 300, "nul\x00"])
    for q in GUIDANCE.questions:
        if rng.random() < 0.4:
            continue
        value = rng.choice(
            [*q.values, *q.values, *q.values, None, "maybe", True, False, "yes", "no", 1, [1]]
        )
        if len(q.path) == 1:
            doc[q.path[0]] = value
        else:
            doc.setdefault(q.path[0], {})[q.path[1]] = value
    if rng.random() < 0.05:
        doc["unknown"] = 1
    if rng.random() < 0.05:
        doc["principles"] = rng.choice([None, "yes", []])
    return doc


def _outcome(parse, doc):
    try:
        return parse(doc, GUIDANCE)
    except AnswersError as exc:
        return [str(p) for p in exc.problems]


@pytest.mark.parametrize("seed", range(20))
def test_stored_answers_agrees_with_parse_answers(seed):
    rng = random.Random(seed)
    for _ in range(200):
        doc = _document(rng)
        assert _outcome(stored_answers, doc) == _outcome(parse_answers, doc), doc


def test_a_valid_document_takes_the_fast_path_to_the_same_answers():
    doc = {
        "title": "Moodboards",
        "department": "Art",
        "use_case_type": "ideation",
        "principles": {"outputs_original": "yes", "temporary_only": "unsure"},
        "involves": {"digital_replica": True},
    }
    fast, full = stored_answers(doc, GUIDANCE), parse_answers(doc, GUIDANCE)
    assert fast == full
    assert fast.to_document(GUIDANCE) == doc


def test_assess_document_equals_assess_of_the_parsed_answers():
    from greenlight.policy.answers import AnswersError
    from greenlight.policy.engine import Engine

    engine = Engine(GUIDANCE)
    rng = random.Random(7)
    for _ in range(500):
        doc = _document(rng)
        # The free text is not read: only the answers decide, and only they are checked.
        answers_only = {k: v for k, v in doc.items() if k not in FIELD_NAMES}
        try:
            expected = engine.assess(parse_answers({**answers_only, "title": "-"}, GUIDANCE))
        except AnswersError as exc:
            with pytest.raises(AnswersError) as raised:
                engine.assess_document({**doc, "title": "-"})
            assert raised.value.problems == exc.problems
            continue
        for _ in range(2):  # computed, then from the memo
            answers, assessment = engine.assess_document(doc)
            assert assessment == expected
            assert answers.values == parse_answers({**answers_only, "title": "-"}, GUIDANCE).values


@pytest.mark.parametrize("seed", range(5))
def test_with_text_gives_what_stored_answers_gives_for_the_whole_document(seed):
    """The CSV import reads each distinct set of answers once and puts each row's free text
    on them (with_text): the same Answers as reading the row whole, or None where the whole
    row must be read for its problems."""
    rng = random.Random(seed)
    base = stored_answers({"title": "-", "use_case_type": "ideation"}, GUIDANCE)
    for _ in range(300):
        text = {
            name: rng.choice(["", " ", "VFX", "a" * 300, "a" * 5001, "nul\x00", 7])
            for name in rng.sample(FIELD_NAMES, rng.randint(0, len(FIELD_NAMES)))
        }
        found = with_text(base, text)
        document = {**text, "use_case_type": "ideation"}
        whole = _outcome(stored_answers, document)
        if found is None:
            # A problem to report, or a value for parse_answers to convert (a number).
            has_number = any(type(value) is not str for value in text.values())
            assert isinstance(whole, list) or has_number, text
        else:
            assert found == whole, text
            assert found.values is base.values
