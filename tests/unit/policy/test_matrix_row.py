"""Item 13: the matrix row is the chosen kind of use, checked against the other answers."""

from __future__ import annotations

from greenlight.cli.assess import format_assessment
from greenlight.present import row_contradiction
from tests.unit.policy.build import DROP, GUIDANCE, assess, outcome


def test_ideation_in_the_final_cut_is_contradicted_and_the_fitting_row_named():
    result = assess(
        **{
            "use_case_type": "ideation",
            "context.final_deliverable": True,
            "context.on_screen": "incidental",
        }
    )
    assert outcome(result) == ("approval", ["final-deliverable"], [])
    assert (result.matrix_row, result.row_contradicted, result.fitting_rows) == (
        "ideation",
        True,
        ("background_element",),
    )
    sentence = (
        'the answers do not fit the kind of use chosen, "Ideation only (moodboards, reference '
        'images)"; they fit "Background elements on camera (signage, posters)".'
    )
    assert row_contradiction(GUIDANCE, result) == sentence
    assert f"Kind of use: {sentence}" in format_assessment("t", result, GUIDANCE)
    assert result.to_dict()["matrix_row_contradicted"] is True
    assert result.to_dict()["rows_the_answers_fit"] == ["background_element"]


def test_a_row_no_answer_fits_says_so():
    result = assess(
        **{
            "use_case_type": "ideation",
            "principles.temporary_only": "no",
            "context.on_screen": "none",
        }
    )
    assert (result.row_contradicted, result.fitting_rows) == (True, ())
    assert row_contradiction(GUIDANCE, result).endswith("they fit no row of the matrix.")


def test_answers_that_agree_with_the_row_raise_nothing():
    assert not assess(use_case_type="ideation").row_contradicted
    assert not assess(
        **{"use_case_type": "key_visual", "involves.key_creative_element": True}
    ).row_contradicted


def test_a_gap_does_not_contradict_the_row():
    result = assess(**{"use_case_type": "ideation", "context.final_deliverable": DROP})
    assert result.level == "approval"
    assert not result.row_contradicted


def test_a_key_visual_without_the_situation_ticked_is_named():
    result = assess(use_case_type="key_visual")
    assert (result.level, result.row_contradicted, result.fitting_rows) == (
        "approval",
        True,
        ("ideation",),
    )
