"""The review desk's query on SQLite and PostgreSQL: what awaits a decision, oldest first,
scoped to the productions a reviewer decides for (all of them for a studio admin), and since
when each use has waited."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from greenlight.store import DESK_PAGE, NotPermitted, StoreError, UseCaseStore
from tests.unit.store import test_access
from tests.unit.store.test_access import ADA, BEA, CLI, ENGINE, MIA, RITA, ROB, answers

NOW = datetime(2026, 12, 1, 12, tzinfo=UTC)
FAR = NOW + timedelta(days=3650)
studio = test_access.studio  # the fixture: productions A and B and their people


def log_at(store: UseCaseStore, by, code: str, title: str, day: int, status="submitted"):
    """A use logged by `by` in `code` at `status`, `day` days after NOW."""
    at = NOW + timedelta(days=day)
    return store.log_use(code, answers(title), ENGINE, actor=by, status=status, at=at)


def titles(desk) -> list[str]:
    return [item.title for item in desk.items]


def test_oldest_first_scoped_to_the_reviewers_productions(studio):
    log_at(studio, MIA, "A", "a-new", 5)
    log_at(studio, MIA, "A", "a-old", 1)
    log_at(studio, BEA, "B", "b-mid", 3)
    log_at(studio, MIA, "A", "a-draft", 0, status="draft")
    archived = log_at(studio, MIA, "A", "a-archived", 0)
    studio.archive_use(archived.id, actor=MIA)

    rita = studio.review_desk(RITA, overdue_before=FAR)
    rob = studio.review_desk(ROB, overdue_before=FAR)
    ada = studio.review_desk(ADA, overdue_before=FAR)

    assert titles(rita) == ["a-old", "a-new"] and rita.total == 2
    assert rita.productions == ("A",)
    assert titles(rob) == ["b-mid"] and rob.total == 1
    assert titles(ada) == ["a-old", "b-mid", "a-new"] and ada.total == 3
    assert ada.productions is None
    first = rita.items[0]
    assert (first.production_code, first.production_name, first.status) == (
        "A",
        "Alpha",
        "submitted",
    )
    assert first.awaiting_since == NOW + timedelta(days=1)
    assert first.reason_rules == tuple(r.rule for r in studio.get_use(first.id, viewer=ADA).reasons)


@pytest.mark.parametrize("who", [MIA, BEA], ids=["member A", "member B"])
def test_a_member_has_no_desk(studio, who):
    log_at(studio, MIA, "A", "waiting", 1)
    with pytest.raises(NotPermitted, match="no review desk"):
        studio.review_desk(who, overdue_before=FAR)


def test_escalating_keeps_the_time_waited_and_a_decision_ends_it(studio):
    use = log_at(studio, MIA, "A", "waiting", -10)
    assert use.awaiting_since == NOW - timedelta(days=10)
    escalated = studio.set_status(use.id, "escalated", actor=RITA, expected_version=use.version)
    assert escalated.awaiting_since == use.awaiting_since
    assert [i.status for i in studio.review_desk(RITA, overdue_before=FAR).items] == ["escalated"]

    approved = studio.set_status(
        use.id,
        "approved",
        actor=RITA,
        approval_ref="WA-1",
        expected_version=escalated.version,
        note="approved as assessed",
    )

    assert approved.awaiting_since is None
    assert studio.review_desk(RITA, overdue_before=FAR).total == 0
    # Reopened by a change of its content: it waits again, from the change.
    reopened = studio.update_use(
        use.id, answers("waiting", "changed"), ENGINE, actor=MIA, expected_version=approved.version
    )
    started = datetime.now(UTC) - timedelta(minutes=1)
    assert reopened.status == "submitted" and reopened.awaiting_since > started
    assert titles(studio.review_desk(RITA, overdue_before=FAR)) == ["waiting"]


def test_a_withdrawn_use_leaves_the_desk(studio):
    use = log_at(studio, MIA, "A", "gone", 1)
    withdrawn = studio.set_status(use.id, "withdrawn", actor=MIA, expected_version=use.version)
    assert withdrawn.awaiting_since is None
    assert studio.review_desk(RITA, overdue_before=FAR).total == 0


def test_overdue_counts_those_waiting_since_before_the_cutoff(studio):
    for day in (1, 2, 3, 4):
        log_at(studio, MIA, "A", f"day {day}", day)
    desk = studio.review_desk(RITA, overdue_before=NOW + timedelta(days=2, hours=12))
    assert (desk.total, desk.overdue) == (4, 2)


def test_the_first_screen_is_a_page_and_the_total_counts_all(studio):
    for day in range(DESK_PAGE + 3):
        log_at(studio, MIA, "A", f"use {day:03d}", day)
    desk = studio.review_desk(RITA, overdue_before=NOW)
    assert len(desk.items) == DESK_PAGE and desk.total == DESK_PAGE + 3
    assert titles(desk) == [f"use {day:03d}" for day in range(DESK_PAGE)]
    assert len(studio.review_desk(RITA, limit=2, overdue_before=NOW).items) == 2
    with pytest.raises(StoreError, match="1 to"):
        studio.review_desk(RITA, limit=0, overdue_before=NOW)


def test_a_use_the_reviewer_wrote_is_marked_theirs(studio):
    studio.grant("mia@studio.test", "reviewer", "A", actor=CLI)
    log_at(studio, MIA, "A", "mine", 1)
    mine = studio.review_desk(MIA, overdue_before=FAR)
    assert [(i.title, i.yours) for i in mine.items] == [("mine", True)]
    assert [(i.title, i.yours) for i in studio.review_desk(RITA, overdue_before=FAR).items] == [
        ("mine", False)
    ]


def test_a_local_log_shows_every_production(store):
    store.create_production("A", "Alpha", actor="Sam")
    store.create_production("B", "Beta", actor="Sam")
    log_at(store, "Sam", "B", "b", 2)
    log_at(store, "Sam", "A", "a", 1)
    desk = store.review_desk("Sam", overdue_before=FAR)
    assert titles(desk) == ["a", "b"] and desk.productions is None
    assert not any(item.yours for item in desk.items)
