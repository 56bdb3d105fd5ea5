"""The registry's rules: tiers, the weakest step, and the facts a use's tools give."""

from __future__ import annotations

from datetime import date

import pytest

from greenlight.ledger import (
    OTHER,
    Tool,
    ToolError,
    Workflow,
    add_months,
    check_steps,
    check_tool,
    tool_facts,
    workflow_tier,
)
from greenlight.policy import Fact

DAY = date(2026, 12, 5)
FIREFLY = Tool(
    "T-000001", "Studio Firefly", "enterprise", vendor="Adobe", reviewed_by="Ada Admin",
    reviewed_on=date(2026, 11, 2), review_due=date(2027, 11, 2), trains_on_inputs="no",
)  # fmt: skip
CHAT = Tool(
    "T-000002", "Chat Pro", "no_training_terms", reviewed_by="Ada Admin",
    reviewed_on=date(2026, 10, 1), review_due=date(2027, 10, 1),
)  # fmt: skip
FREE = Tool("T-000003", "Free upscaler", "unknown", stores_inputs="yes", trains_on_inputs="yes")
TOOLS = {t.id: t for t in (FIREFLY, CHAT, FREE)}
PIPE = Workflow("W-000001", "Crowd pipeline", "Pixel Co", (FIREFLY.id, CHAT.id))


def by_question(facts) -> dict[str, list]:
    found: dict[str, list] = {}
    for fact in facts:
        found.setdefault(fact.question, []).append(fact.value)
    return found


def test_an_enterprise_tool_answers_principles_2_and_3_with_its_review_as_the_source():
    facts = tool_facts([FIREFLY.id], DAY, TOOLS, {})
    source = "Studio Firefly: enterprise agreement, reviewed 2026-11-02 by Ada Admin"
    assert facts == (
        Fact("context.tool_tier", "enterprise", source, "tool:T-000001"),
        Fact("principles.no_training_on_inputs", "yes", source, "tool:T-000001"),
        Fact("principles.enterprise_environment", "yes", source, "tool:T-000001"),
    )


def test_terms_that_store_or_train_answer_no_and_say_why():
    facts = tool_facts([FREE.id], DAY, TOOLS, {})
    training = [f for f in facts if f.question == "principles.no_training_on_inputs"]
    assert [(f.value, f.source) for f in training] == [
        ("no", "Free upscaler: unknown terms; its terms say it stores inputs and trains on inputs")
    ]
    assert by_question(facts)["context.tool_tier"] == ["unknown"]


def test_no_training_terms_leave_the_environment_unsure_unless_it_is_recorded_secured():
    assert by_question(tool_facts([CHAT.id], DAY, TOOLS, {}))[
        "principles.enterprise_environment"
    ] == ["unsure"]
    secured = {CHAT.id: Tool(**{**CHAT.__dict__, "enterprise_secured": "yes"})}
    assert by_question(tool_facts([CHAT.id], DAY, secured, {}))[
        "principles.enterprise_environment"
    ] == ["yes"]


def test_a_review_past_due_counts_as_unknown_terms_and_says_when_it_was_due():
    late = date(2027, 11, 3)
    facts = tool_facts([FIREFLY.id], late, TOOLS, {})
    assert by_question(facts) == {
        "context.tool_tier": ["unknown"],
        "principles.no_training_on_inputs": ["unsure"],
        "principles.enterprise_environment": ["unsure"],
    }
    assert facts[0].source == (
        "Studio Firefly: review was due on 2027-11-02, so its terms count as unknown"
    )
    assert by_question(tool_facts([FIREFLY.id], date(2027, 11, 2), TOOLS, {}))[
        "context.tool_tier"
    ] == ["enterprise"]  # due that day: not yet past due


def test_a_tool_not_allowed_raises_the_question_with_its_name_and_reason():
    banned = Tool(**{**FIREFLY.__dict__, "state": "not_allowed", "state_note": "terms changed"})
    facts = tool_facts([banned.id], DAY, {banned.id: banned}, {})
    assert Fact(
        "context.tool_not_allowed", True, "Studio Firefly is not allowed (terms changed)",
        "tool:T-000001",
    ) in facts  # fmt: skip


def test_under_review_counts_as_unknown():
    pending = Tool(**{**CHAT.__dict__, "state": "under_review"})
    facts = tool_facts([pending.id], DAY, {pending.id: pending}, {})
    assert by_question(facts)["context.tool_tier"] == ["unknown"]
    assert facts[0].source == "Chat Pro: under review, so its terms count as unknown"


def test_a_workflow_takes_its_weakest_step_and_every_step_shows():
    assert workflow_tier(PIPE, TOOLS, DAY) == "no_training_terms"
    weak = Workflow("W-000002", "Upscale", "Pixel Co", (FIREFLY.id, FREE.id))
    assert workflow_tier(weak, TOOLS, DAY) == "unknown"
    facts = tool_facts([PIPE.id], DAY, TOOLS, {PIPE.id: PIPE})
    assert by_question(facts)["context.tool_tier"] == ["enterprise", "no_training_terms"]
    assert facts[0] == Fact(
        "context.vendor_pipeline", True, "Crowd pipeline (Pixel Co) is a vendor workflow",
        "workflow:W-000001",
    )  # fmt: skip
    assert {f.source.split(":")[0] for f in facts[1:]} == {
        "Crowd pipeline, step 1",
        "Crowd pipeline, step 2",
    }


def test_other_and_ids_not_in_the_registry_count_as_unknown_terms():
    facts = tool_facts([OTHER, "T-000099"], DAY, TOOLS, {})
    assert by_question(facts) == {
        "context.tool_tier": ["unknown", "unknown"],
        "principles.no_training_on_inputs": ["unsure", "unsure"],
        "principles.enterprise_environment": ["unsure", "unsure"],
    }
    assert facts[-1].source == "T-000099 is not in this production's tool registry"


def test_the_same_fact_twice_is_given_once():
    assert len(tool_facts([FIREFLY.id, FIREFLY.id], DAY, TOOLS, {})) == 3


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"tier": "gold"}, "tier 'gold' is not one of enterprise, no_training_terms, unknown"),
        ({"state": "ok"}, "state 'ok' is not one of approved, under_review, not_allowed"),
        ({"stores_inputs": "maybe"}, "stores_inputs 'maybe' is not one of yes, no, unknown"),
        ({"name": " "}, "a tool needs a name"),
        ({"name": "x" * 201}, "the tool's name is longer than 200 characters"),
        ({"review_due": date(2026, 1, 1)}, "the review due date is before the review"),
    ],
)
def test_check_tool_names_what_is_wrong(change, message):
    with pytest.raises(ToolError) as caught:
        check_tool(Tool(**{**FIREFLY.__dict__, **change}))
    assert str(caught.value) == message


def test_steps_are_tools_one_to_twenty():
    assert check_steps([" T-1 ", "T-2"]) == ("T-1", "T-2")
    for steps, message in (
        ([], "a workflow needs at least one step (a registered tool id)"),
        (["T-1"] * 21, "a workflow has at most 20 steps"),
        (["T-1", "W-000001"], "a step is a tool, not a workflow: W-000001"),
    ):
        with pytest.raises(ToolError, match=message.replace("(", r"\(").replace(")", r"\)")):
            check_steps(steps)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 11, 2), 12, date(2027, 11, 2)),
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2027, 12, 15), 3, date(2028, 3, 15)),
        (date(2028, 2, 29), 12, date(2029, 2, 28)),
    ],
)
def test_add_months(day, months, expected):
    assert add_months(day, months) == expected
