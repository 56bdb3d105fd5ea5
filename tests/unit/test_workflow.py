"""The approval workflow, table-driven from its declaration in greenlight.workflow."""

from __future__ import annotations

import itertools
import re

import pytest

from greenlight import workflow
from greenlight.policy import load_guidance
from greenlight.workflow import TRANSITIONS, TransitionError

LEVELS = tuple(level.id for level in load_guidance().levels)
STATUS_IDS = workflow.status_ids()
PAIRS = list(itertools.product(STATUS_IDS, STATUS_IDS))


def test_every_status_is_declared_once_with_label_colour_and_icon():
    assert STATUS_IDS == ("draft", "submitted", "escalated", "approved", "declined", "withdrawn")
    for status in workflow.STATUSES:
        assert status.label and status.meaning and status.icon
        assert re.fullmatch(r"#[0-9a-f]{6}", status.colour)
    assert set(TRANSITIONS) == set(STATUS_IDS)
    for targets in TRANSITIONS.values():
        assert set(targets) <= set(STATUS_IDS)
    assert set(workflow.INITIAL_STATUSES) <= set(STATUS_IDS)
    assert workflow.DEFAULT_STATUS in workflow.INITIAL_STATUSES


def test_every_status_can_be_reached_from_a_new_use():
    reached = set(workflow.INITIAL_STATUSES)
    frontier = list(reached)
    while frontier:
        for target in TRANSITIONS[frontier.pop()]:
            if target not in reached:
                reached.add(target)
                frontier.append(target)
    assert reached == set(STATUS_IDS)


@pytest.mark.parametrize(("current", "target"), PAIRS)
@pytest.mark.parametrize("level", LEVELS)
def test_transition_with_an_approval_reference(current, target, level):
    allowed = target in TRANSITIONS[current]
    if allowed:
        workflow.check_transition(current, target, level=level, approval_ref="WA-1")
    else:
        with pytest.raises(TransitionError) as caught:
            workflow.check_transition(current, target, level=level, approval_ref="WA-1")
        message = str(caught.value)
        label = workflow.status(current).label
        if current == target:
            assert message == f"the use is already {label}"
        else:
            # Says what is not allowed and what is.
            assert f"a {label} use cannot become {workflow.status(target).label}" in message
            for option in TRANSITIONS[current]:
                assert workflow.status(option).label in message


@pytest.mark.parametrize(("current", "target"), PAIRS)
@pytest.mark.parametrize("level", LEVELS)
def test_transition_without_an_approval_reference(current, target, level):
    needs_ref = target == "approved" and level in workflow.APPROVAL_REF_LEVELS
    allowed = target in TRANSITIONS[current] and not needs_ref
    if allowed:
        workflow.check_transition(current, target, level=level, approval_ref="  ")
    else:
        with pytest.raises(TransitionError):
            workflow.check_transition(current, target, level=level, approval_ref="  ")
    expected = tuple(
        t
        for t in TRANSITIONS[current]
        if not (t == "approved" and level in workflow.APPROVAL_REF_LEVELS)
    )
    assert workflow.allowed_targets(current, level=level) == expected


def test_approval_without_reference_says_what_to_do():
    with pytest.raises(TransitionError) as caught:
        workflow.check_transition("escalated", "approved", level="approval")
    assert str(caught.value) == (
        "a written-approval use needs written approval from the studio: enter the "
        "studio's approval reference before marking it Approved"
    )


def test_unknown_status_and_overlong_reference_are_refused():
    with pytest.raises(TransitionError, match="unknown status 'done': use one of draft"):
        workflow.check_transition("draft", "done", level="low")
    with pytest.raises(TransitionError, match="unknown status 'done'"):
        workflow.check_state("done", "low", "")
    with pytest.raises(TransitionError, match="keep it to 500"):
        workflow.check_state("approved", "approval", "x" * 501)
    workflow.check_state("approved", "approval", "x" * 500)


@pytest.mark.parametrize(
    ("status", "old", "new", "expected"),
    [
        ("approved", 0, 2, "submitted"),
        ("approved", 1, 2, "submitted"),
        ("approved", 2, 2, None),
        ("approved", 2, 0, None),
        ("submitted", 0, 2, None),
        ("declined", 0, 2, None),
    ],
)
def test_an_approval_is_reopened_only_when_the_level_rises(status, old, new, expected):
    assert workflow.reopen_status(status, old, new) == expected
    if expected:
        assert expected in TRANSITIONS[status]
