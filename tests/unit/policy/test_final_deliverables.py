"""Items 2 and 9: final deliverables need written approval, bar incidental background
elements (escalated); a prominent element's final version needs meaningful human input."""

from __future__ import annotations

import pytest

from tests.unit.policy.build import DROP, GUIDANCE, assess, background, outcome

FINAL = (
    "You said generated material will be seen or heard in a final deliverable, which needs "
    "written approval (only incidental background elements are escalated instead)."
)


@pytest.mark.parametrize(
    ("case", "changes"),
    [
        ("a music cue in the final mix", {"context.on_screen": "incidental"}),
        (
            "a sky in a final VFX shot",
            {"use_case_type": "other", "context.on_screen": "incidental"},
        ),
        ("output in the final cut, not seen", {"context.on_screen": "none"}),
    ],
)
def test_a_final_deliverable_needs_written_approval(case, changes):
    result = assess(**{"context.final_deliverable": True, **changes})
    assert result.level == "approval"
    assert result.rule_ids[0] == "final-deliverable"
    assert result.reasons[0].text == FINAL


def test_a_generated_music_cue_in_the_final_mix_exactly():
    result = assess(**{"context.final_deliverable": True, "context.on_screen": "incidental"})
    assert outcome(result) == ("approval", ["final-deliverable"], [])


def test_an_incidental_background_element_in_the_final_cut_is_escalated():
    result = background("incidental", final_deliverable=True)
    assert outcome(result) == (
        "escalate",
        ["final-background-element", "matrix-background-incidental"],
        [],
    )
    assert [note.rule for note in result.notes] == ["matrix-background-incidental"]


def test_a_story_relevant_background_element_in_the_final_cut_needs_approval():
    result = background("story_relevant", final_deliverable=True, human_input=True)
    assert outcome(result) == (
        "approval",
        ["final-deliverable", "matrix-background-story-relevant"],
        [],
    )


def test_a_prominent_element_without_human_input_is_escalated():
    result = background("story_relevant", human_input=False)
    assert outcome(result) == (
        "escalate",
        ["prominent-without-human-input", "matrix-background-story-relevant"],
        [],
    )
    assert result.reasons[0].text == (
        "You said the final version of this prominent element will not be made with "
        "meaningful human input, which the guidance expects, along with legal review."
    )


def test_human_input_left_open_counts_as_not_planned():
    result = assess(
        **{
            "context.final_deliverable": True,
            "context.on_screen": "story_relevant",
            "context.human_input": DROP,
        }
    )
    assert outcome(result) == (
        "approval",
        ["final-deliverable", "prominent-without-human-input"],
        ["context.human_input"],
    )
    assert result.reasons[1].text == GUIDANCE.rule("prominent-without-human-input").open_text


def test_human_input_is_asked_only_for_a_prominent_element():
    incidental = assess(**{"context.final_deliverable": True, "context.on_screen": "incidental"})
    assert "context.human_input" in incidental.not_applicable
