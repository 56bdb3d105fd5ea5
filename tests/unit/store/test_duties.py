"""Segregation of duties on the writes that could pass for a decision, enforced by the store
on SQLite and PostgreSQL: a new use that comes decided or with the studio's reference, a
dated status change, a decision by whoever submitted the use, and an approval without the
studio's reference or a note. Each refusal says what was refused and changes nothing."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from greenlight.store import NewUse, NotPermitted, UseCaseStore
from greenlight.store.tables import use_history, uses
from greenlight.workflow import TransitionError
from tests.unit.store import test_access
from tests.unit.store.test_access import (
    ADA,
    CLI,
    ENGINE,
    LEE,
    MIA,
    RITA,
    answers,
    snapshot,
    submitted,
)

studio = test_access.studio  # the fixture: productions A and B, and their cast, signed in

AT = datetime(2026, 1, 5, 9, tzinfo=UTC)
APPROVAL = {"approval_ref": "WA-1", "note": "approved as assessed"}


def rows(store: UseCaseStore) -> tuple[int, int]:
    """How many uses and history rows the log holds."""
    with store.engine.connect() as conn:
        count = [
            conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
            for table in (uses, use_history)
        ]
    return count[0], count[1]


def new(status: str = "draft", ref: str = "", steps=()) -> NewUse:
    given = answers()
    return NewUse(given, ENGINE.assess(given), status=status, approval_ref=ref, steps=steps)


FORGED = {
    "approved with its history": (
        new("approved", "FAKE", ((AT, "submitted", ""), (AT, "approved", "fine"))),
        r"as Approved|with a decision in its history \(Approved\) and with an approval reference",
    ),
    "approved, no steps": (new("approved"), "as Approved"),
    "escalated by its steps": (
        new("escalated", steps=((AT, "submitted", ""), (AT, "escalated", ""))),
        r"with a decision in its history \(Escalated\)",
    ),
    "declined, no steps": (new("declined"), "as Declined"),
    "a draft with a reference": (new("draft", "WA-9"), "with an approval reference"),
}


@pytest.mark.parametrize("forged", FORGED.values(), ids=FORGED.keys())
@pytest.mark.parametrize("who", [MIA, LEE, ADA, CLI], ids=["member", "lead", "admin", "cli"])
def test_no_one_logs_a_use_already_decided_in_studio_mode(studio, who, forged):
    """Whoever logs a use is its author, so not even a studio admin logs it decided; the
    command line takes no decision in studio mode."""
    use, words = forged
    before = rows(studio)
    with pytest.raises(NotPermitted, match=rf"may not log a use of A ({words})"):
        studio.insert_uses("A", [use], ENGINE.guidance, actor=who)
    assert rows(studio) == before


def test_a_member_logs_a_draft_or_submits_it_with_its_path(studio):
    path = new("withdrawn", steps=((AT, "submitted", ""), (AT, "withdrawn", "dropped")))
    ids = studio.insert_uses("A", [new(), new("submitted"), path], ENGINE.guidance, actor=MIA)
    assert [studio.get_use(i, viewer=MIA).status for i in ids] == [
        "draft",
        "submitted",
        "withdrawn",
    ]


def test_a_member_may_not_give_an_approval_reference_when_logging(studio):
    """Else a reviewer approving without one would inherit it (and the desk shows it)."""
    before = rows(studio)
    with pytest.raises(NotPermitted, match="Mia may not log a use of A with an approval ref"):
        studio.log_use("A", answers(), ENGINE, actor=MIA, status="submitted", approval_ref="X-1")
    assert rows(studio) == before


def test_a_local_log_keeps_decided_uses_with_their_approval(store):
    """On a local log the one person may log a use with its path to a decision (the demo's
    and scripts' way); an approval step still needs the studio's reference and a note."""
    store.create_production("A", "Alpha", actor="Sam")
    steps = ((AT, "submitted", ""), (AT, "approved", ""))
    with pytest.raises(TransitionError, match="enter a note saying what was approved"):
        store.insert_uses("A", [new("approved", "WA-1", steps)], ENGINE.guidance, actor="Sam")
    assert rows(store) == (0, 0)
    steps = ((AT, "submitted", ""), (AT, "approved", "agreed by phone"))
    (use_id,) = store.insert_uses(
        "A", [new("approved", "WA-1", steps)], ENGINE.guidance, actor="Sam"
    )
    assert [(h.field, h.new, h.note) for h in store.history(use_id)] == [
        ("created", "draft", ""),
        ("status", "submitted", ""),
        ("status", "approved", "agreed by phone"),
    ]
    logged = store.log_use("A", answers(), ENGINE, actor="Sam", approval_ref="WA-2")
    assert logged.approval_ref == "WA-2"


def test_a_person_may_not_date_a_status_change(studio):
    use = studio.log_use("A", answers(), ENGINE, actor=MIA)
    before = snapshot(studio, use.id)
    with pytest.raises(NotPermitted, match=r"Mia may not date a change \(2026-01-05 09:00\)"):
        studio.set_status(use.id, "submitted", actor=MIA, at=AT)
    assert snapshot(studio, use.id) == before


def test_on_a_local_log_only_the_local_administrator_dates_a_status_change(store):
    """A typed name's change is dated when it is made; the command line may date one."""
    store.create_production("L", "Local", actor="Sam")
    local = store.log_use("L", answers(), ENGINE, actor="Sam")
    with pytest.raises(NotPermitted, match="only the command line, as the local administrator"):
        store.set_status(local.id, "submitted", actor="Sam", at=AT)
    assert store.get_use(local.id).status == "draft"
    dated = store.set_status(local.id, "submitted", actor=CLI, at=AT)
    assert store.history(local.id)[-1].at == AT and dated.status == "submitted"


def test_whoever_submitted_a_use_may_not_decide_on_it(studio):
    """Submitting is the author's act; a reviewer's own decisions (escalating, reopening)
    never keep them from the next one."""
    studio.grant("rita@studio.test", "member", "A", actor=CLI)
    for who in (ADA, RITA):
        use = studio.log_use("A", answers(), ENGINE, actor=MIA)
        use = studio.set_status(use.id, "submitted", actor=who, expected_version=use.version)
        before = snapshot(studio, use.id)
        with pytest.raises(NotPermitted, match="created, changed or submitted this use"):
            studio.set_status(use.id, "approved", actor=who, expected_version=2, **APPROVAL)
        assert snapshot(studio, use.id) == before
    # Re-submitting after a decline makes the one who does it an author too.
    use = submitted(studio, MIA)
    use = studio.set_status(use.id, "declined", actor=RITA, expected_version=2)
    use = studio.set_status(use.id, "draft", actor=LEE, expected_version=use.version)
    use = studio.set_status(use.id, "submitted", actor=ADA, expected_version=use.version)
    with pytest.raises(NotPermitted, match="Ada created, changed or submitted"):
        studio.set_status(use.id, "escalated", actor=ADA, expected_version=use.version)
    use = studio.set_status(use.id, "escalated", actor=RITA, expected_version=use.version)
    use = studio.set_status(
        use.id, "approved", actor=RITA, expected_version=use.version, **APPROVAL
    )
    use = studio.set_status(use.id, "submitted", actor=RITA, expected_version=use.version)
    use = studio.set_status(
        use.id, "approved", actor=RITA, expected_version=use.version, **APPROVAL
    )
    assert (use.status, use.updated_by) == ("approved", "Rita")


@pytest.mark.parametrize(
    ("given", "missing"),
    [
        ({}, "enter the studio's approval reference and a note saying what was approved"),
        ({"approval_ref": "WA-1"}, "enter a note saying what was approved;"),
        ({"note": "fine", "approval_ref": "  "}, "enter the studio's approval reference;"),
    ],
    ids=["neither", "no note", "no reference"],
)
def test_every_approval_needs_the_studio_s_reference_and_a_note(studio, given, missing):
    use = submitted(studio, MIA)  # low risk: no written approval needed, still a reference
    before = snapshot(studio, use.id)
    with pytest.raises(TransitionError, match="Approval needs the studio's reference") as refused:
        studio.set_status(use.id, "approved", actor=RITA, expected_version=2, **given)
    assert missing in str(refused.value) and "nothing was saved" in str(refused.value)
    assert snapshot(studio, use.id) == before
    approved = studio.set_status(use.id, "approved", actor=RITA, expected_version=2, **APPROVAL)
    assert approved.approval_ref == "WA-1"
    assert studio.history(use.id, viewer=RITA)[-2].note == "approved as assessed"
    with pytest.raises(TransitionError, match="an Approved use keeps the studio's approval"):
        studio.set_approval_ref(use.id, " ", actor=RITA, expected_version=approved.version)
    assert studio.get_use(use.id, viewer=RITA).approval_ref == "WA-1"
