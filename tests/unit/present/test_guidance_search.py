"""Guidance search: which sections match, where in their text, and how many matches."""

from __future__ import annotations

import pytest

from greenlight.policy import load_guidance
from greenlight.present import (
    count_matches,
    marked_spans,
    matching_sections,
    query_words,
    section_shown,
)

G = load_guidance()


def test_query_words_are_lower_case_each_once_longest_first():
    assert query_words("  Consent con CONSENT  ") == ("consent", "con")
    assert query_words("") == query_words(None) == ()


@pytest.mark.parametrize(
    ("text", "words", "spans"),
    [
        ("No consent, no Consent.", ("consent",), [
            ("No ", False), ("consent", True), (", no ", False), ("Consent", True), (".", False),
        ]),
        # The longer word is marked whole where the shorter is part of it.
        ("consented", ("consent", "con"), [("consent", True), ("ed", False)]),
        ("[a](b) **c**", ("](", "**"), [
            ("[a", False), ("](", True), ("b) ", False), ("**", True), ("c", False), ("**", True),
        ]),
        ("nothing here", ("zz",), [("nothing here", False)]),
        ("text", (), [("text", False)]),
        ("", ("a",), []),
    ],
)  # fmt: skip
def test_marked_spans_cut_the_text_at_every_match_and_give_it_back(text, words, spans):
    assert marked_spans(text, words) == spans
    assert "".join(piece for piece, _ in spans) == text


def test_the_count_is_every_occurrence_in_what_the_page_shows():
    words = query_words("consent")
    sections = matching_sections(G, "consent")
    assert sections and len(sections) < len(G.sections)
    passages = [text for s in sections for text in section_shown(G, s).passages()]
    expected = sum(text.lower().count("consent") for text in passages)
    assert count_matches(passages, words) == expected > len(sections)
    # A section is found only by words it shows.
    for section in G.sections:
        shown = " ".join(section_shown(G, section).passages()).lower()
        assert (section in sections) == ("consent" in shown)


def test_every_word_must_be_in_a_section_found():
    both = matching_sections(G, "consent digital")
    assert set(both) == set(matching_sections(G, "consent")) & set(matching_sections(G, "digital"))
    assert matching_sections(G, "") == G.sections
    assert matching_sections(G, "zzzz-nowhere") == ()


def test_a_section_shows_its_questions_and_flat_text():
    principles = section_shown(G, G.section("guiding-principles"))
    assert principles.points[0][0] == "1" and principles.points[0][1].startswith("Outputs")
    assert principles.points[-1][0] is None
    assert all("\n" not in text and "  " not in text for text in principles.passages())
    asked = [q for q in G.questions if q.section == "guiding-principles"]
    assert [label for label, _ in principles.questions] == [
        " ".join(q.label.split()) for q in asked
    ]
