"""Item 10: the wording of questions and reasons says what the source says."""

from __future__ import annotations

from tests.unit.policy.build import GUIDANCE, assess


def test_personal_data_is_about_anyone():
    q = GUIDANCE.question("involves.personal_data_input")
    assert q.label == "Personal data about anyone goes into a tool"
    for who in ("cast", "crew", "extras", "interviewees", "members of the public"):
        assert who in q.help
    result = assess(**{"involves.personal_data_input": True})
    assert (result.level, result.rule_ids) == ("approval", ("personal-data-input",))
    assert "extras, interviewees or members of the public" in result.reasons[0].text


def test_principle_3_says_what_to_answer_without_an_enterprise_tool():
    help_text = GUIDANCE.question("principles.enterprise_environment").help
    assert "where possible" in help_text
    assert "if no such tool can do the job, answer no" in help_text


def test_the_material_question_names_what_the_confidentiality_section_names():
    help_text = GUIDANCE.question("involves.proprietary_material_input").help
    for item in ("talent likeness", "unreleased assets or footage", "contracts", "Scripts"):
        assert item in help_text


def test_principle_2_reasons_say_what_was_answered_without_a_double_negative():
    unsure = assess(**{"principles.no_training_on_inputs": "unsure"})
    assert unsure.reasons[0].text == (
        "You are not sure whether a tool in the workflow keeps, reuses or trains on the "
        "production's inputs or outputs (principle 2)."
    )
    no = assess(**{"principles.no_training_on_inputs": "no"})
    assert (no.level, no.rule_ids) == ("escalate", ("principle-2-no",))
    assert no.reasons[0].text == (
        "You said a tool in the workflow keeps, reuses or trains on the production's inputs or "
        "outputs (principle 2)."
    )


def test_no_reason_says_could_not_confirm():
    for rule in GUIDANCE.rules:
        assert "could not confirm" not in rule.text + rule.open_text, rule.id


def test_a_no_on_the_final_cut_question_says_what_was_said():
    result = assess(**{"context.final_deliverable": True, "context.on_screen": "incidental"})
    assert result.reasons[0].text.startswith("You said generated material will be seen or heard")
