"""Uses that name performers, on SQLite and PostgreSQL: the consent question is answered
from the ledger on every write (log, update, import, guidance re-assessment) with the exact
reason for each validity rule; a revocation, suspension or expiry re-assesses exactly the
uses naming the performer and reopens the approved ones it makes riskier, with history
naming the consent; the CSV export carries performer ids, no personal data."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from greenlight.csvio import iter_csv
from greenlight.ledger import CONSENT_QUESTION, MODEL_REUSE_QUESTION
from greenlight.policy import Fact, parse_answers
from greenlight.store import (
    FileImport,
    NewUse,
    NotPermitted,
    StoreError,
    UseCaseStore,
    UseFilter,
)
from tests.unit.samples import CLEAR
from tests.unit.store import test_access
from tests.unit.store.talent_fixtures import RIDER
from tests.unit.store.test_access import ADA, CLI, ENGINE, GUIDANCE, LEE, MIA, RITA

studio = test_access.studio  # the fixture: productions A and B and their people
TODAY = date.today()
CONTEXT = {"tool_tier": "enterprise", "final_deliverable": True, "vendor_pipeline": False}


def replica(title: str = "Re-aged flashback", performers=("P-1",), **context):
    document = {
        "title": title, "use_case_type": "talent_replication", "principles": CLEAR,
        "involves": {"digital_replica": True},
        "context": {**CONTEXT, "replica_exception": "as_scripted", **context},
    }  # fmt: skip
    if performers:
        document["performers"] = list(performers)
    return parse_answers(document, GUIDANCE)


@pytest.fixture
def ledger(studio: UseCaseStore) -> UseCaseStore:
    """Jane Roe (P-1) in A with consent C-1 (replica, A, final, until 2027-03-31 at the
    latest), Al Bee (P-2) in A with none."""
    studio.add_performer("A", "Jane Roe", actor=LEE)
    studio.add_performer("A", "Al Bee", actor=LEE)
    studio.add_consent("P-1", actor=LEE, **{**RIDER, "expires_on": TODAY + timedelta(100)})
    return studio


def consent_facts(use) -> list[tuple[bool, str]]:
    return [(f.value, f.source) for f in use.facts if f.question == CONSENT_QUESTION]


def test_a_use_naming_a_performer_is_answered_from_the_ledger(ledger):
    use = ledger.log_use("A", replica(), ENGINE, actor=MIA)
    assert use.facts == (
        Fact(
            CONSENT_QUESTION,
            True,
            "Jane Roe: consent C-1 is active and covers this use",
            "consent:C-1",
        ),
    )
    assert "replica-without-consent" not in use.rule_ids
    # The person said no consent; the ledger cannot make that answer less risky.
    said_no = ledger.log_use("A", replica(talent_consent=False), ENGINE, actor=MIA)
    assert "replica-without-consent" in said_no.rule_ids
    # Without performers: today's answered question, no facts.
    plain = ledger.log_use("A", replica(performers=(), talent_consent=True), ENGINE, actor=MIA)
    assert plain.facts == () and "replica-without-consent" not in plain.rule_ids


def test_the_person_may_not_say_yes_where_the_ledger_says_no(ledger):
    use = ledger.log_use("A", replica(performers=("P-1", "P-2"), talent_consent=True), ENGINE,
                         actor=MIA)  # fmt: skip
    assert consent_facts(use) == [
        (True, "Jane Roe: consent C-1 is active and covers this use"), (False, "Al Bee: no consent on file"),
    ]  # fmt: skip
    assert "replica-without-consent" in use.rule_ids


@pytest.mark.parametrize(
    "change, words",
    [
        ({"productions": "B"}, "Jane Roe: consent C-2 covers B, not A"),
        ({"media": "temporary"},
         "Jane Roe: consent C-2 covers temporary use only, not final deliverables"),
        ({"signed_on": TODAY - timedelta(400), "expires_on": TODAY - timedelta(1)},
         f"Jane Roe: consent C-2 expired on {(TODAY - timedelta(1)).isoformat()}"),
        ({"valid_from": TODAY + timedelta(1)},
         f"Jane Roe: consent C-2 is valid from {(TODAY + timedelta(1)).isoformat()}"),
        ({"kind": "alteration", "covers": "alteration"},
         "Jane Roe: consent C-2 is for a digital alteration, not a digital replica"),
    ],
    ids=["scope", "media", "expired", "not yet valid", "kind"],
)  # fmt: skip
def test_each_validity_rule_gives_its_exact_reason(studio, change, words):
    studio.add_performer("A", "Jane Roe", actor=LEE)
    studio.link_performer("P-1", "B", actor=ADA)
    studio.add_consent("P-1", actor=LEE, **{**RIDER, "productions": "B", "media": "final"})
    studio.add_consent("P-1", actor=LEE, **{**RIDER, "expires_on": None, **change})
    use = studio.log_use("A", replica(), ENGINE, actor=MIA)
    # C-1 covers B only; C-2 is the nearest with the one gap the case gives it.
    expected = (
        words if change.get("productions") != "B" else ("Jane Roe: consent C-2 covers B, not A")
    )
    assert consent_facts(use) == [(False, expected)]
    assert "replica-without-consent" in use.rule_ids


def test_revoked_and_suspended_consents_and_model_reuse(ledger):
    ledger.link_performer("P-1", "B", actor=ADA)
    elsewhere = ledger.log_use("B", replica(), ENGINE, actor=ADA)
    assert elsewhere.facts == (
        Fact(CONSENT_QUESTION, False, "Jane Roe: consent C-1 covers A, not B", "consent:C-1"),
        Fact(MODEL_REUSE_QUESTION, True,
             "reusing a model of Jane Roe outside A needs a new consent and written approval",
             "consent:C-1"),
    )  # fmt: skip
    assert "talent-model-reuse" in elsewhere.rule_ids
    ledger.suspend_consent("C-1", note="agent query", actor=RITA, engine=ENGINE)
    use = ledger.log_use("A", replica(), ENGINE, actor=MIA)
    assert consent_facts(use) == [(False, "Jane Roe: consent C-1 is suspended")]
    ledger.revoke_consent("C-1", note="letter of 30 Nov", actor=ADA, engine=ENGINE,
                          on=date(2026, 11, 30))  # fmt: skip
    use = ledger.get_use(use.id, viewer=ADA)
    assert consent_facts(use) == [
        (False, "Jane Roe: consent C-1 was revoked on 2026-11-30 (letter of 30 Nov)")
    ]


def test_a_deceased_performer_without_an_estate_signature(studio):
    studio.add_performer("A", "Old Timer", actor=LEE, deceased=True, estate="Timer Estate")
    studio.add_consent("P-1", actor=LEE, **RIDER)
    use = studio.log_use("A", replica(), ENGINE, actor=MIA)
    assert consent_facts(use) == [
        (False, "Old Timer is deceased and no estate or authorised representative signed "
                "consent C-1"),
    ]  # fmt: skip
    studio.add_consent("P-1", actor=LEE, **RIDER, signed_by="estate")
    assert consent_facts(studio.update_use(use.id, replica(), ENGINE, actor=MIA)) == [
        (True, "Old Timer: consent C-2 is active and covers this use")
    ]


def test_a_performer_outside_the_production_is_refused(ledger):
    ledger.create_production("C", "Gamma", actor=CLI)
    ledger.add_performer("C", "Cy Dee", actor=ADA)  # P-3, not in A
    for named in ("P-3", "P-99", "jane"):
        with pytest.raises(StoreError, match=f"^performer {named} is not among the performers"):
            ledger.log_use("A", replica(performers=(named,)), ENGINE, actor=MIA)
    assert ledger.count_uses(UseFilter(productions=("A",)), viewer=ADA) == 0


def approve(store: UseCaseStore, use):
    use = store.set_status(use.id, "submitted", actor=MIA, expected_version=use.version)
    return store.set_status(use.id, "approved", actor=RITA, approval_ref="WA-1",
                            expected_version=use.version,
                            note="approved as assessed",)  # fmt: skip


def test_a_revocation_reopens_exactly_the_approved_uses_relying_on_it(ledger):
    relying = approve(ledger, ledger.log_use("A", replica("relying"), ENGINE, actor=MIA))
    waiting = ledger.log_use("A", replica("waiting"), ENGINE, actor=MIA)
    other = approve(ledger, ledger.log_use("A", replica("other", performers=("P-2",),
                                                        talent_consent=False), ENGINE,
                                           actor=MIA))  # fmt: skip
    plain = approve(ledger, ledger.log_use("A", replica("plain", performers=(),
                                                        talent_consent=True), ENGINE,
                                           actor=MIA))  # fmt: skip
    ledger.revoke_consent("C-1", note="withdrawn", actor=ADA, engine=ENGINE,
                          on=date(2026, 11, 30))  # fmt: skip
    after = {u.title: ledger.get_use(u.id, viewer=ADA) for u in (relying, waiting, other, plain)}
    assert {t: u.status for t, u in after.items()} == {
        "relying": "submitted", "waiting": "draft", "other": "approved", "plain": "approved",
    }  # fmt: skip
    assert after["relying"].decided_version is None
    assert after["other"].version == other.version and after["plain"].version == plain.version
    history = ledger.history(relying.id, viewer=ADA)
    status = [h for h in history if h.field == "status"][-1]
    assert (status.old, status.new, status.actor) == ("approved", "submitted", "Ada")
    assert status.note == (
        "consent C-1 was revoked on 2026-11-30 (withdrawn); new reasons since the approval: "
        "Replica without consent: the approval covered the use as it was, so the studio has "
        "to decide again"
    )
    read = {(u.title, u.status, u.holds) for u in ledger.consent_uses("C-1", viewer=LEE)}
    assert read == {("relying", "submitted", False), ("waiting", "draft", False)}


def test_the_sweep_re_assesses_the_uses_of_consents_that_expired(ledger):
    ledger.add_consent("P-2", actor=LEE, **{**RIDER, "expires_on": TODAY + timedelta(3)})
    relying = approve(ledger, ledger.log_use("A", replica(performers=("P-2",)), ENGINE,
                                             actor=MIA))  # fmt: skip
    assert [(u.id, u.holds) for u in ledger.consent_uses("C-2", viewer=RITA)] == [
        (relying.id, True)
    ]
    # The first sweep looks back a year: both consents came into force within it.
    assert ledger.sweep_consents(ENGINE, today=TODAY).consents == ("C-1", "C-2")
    assert ledger.get_use(relying.id, viewer=ADA).status == "approved"  # nothing moved
    assert ledger.sweep_consents(ENGINE, today=TODAY).consents == ()  # a day swept once
    later = TODAY + timedelta(4)
    swept = ledger.sweep_consents(ENGINE, today=later)
    assert swept.consents == ("C-2",) and swept.reassessed.reopened == 1
    use = ledger.get_use(relying.id, viewer=ADA)
    assert use.status == "submitted"
    assert use.facts[0].source == f"Al Bee: consent C-2 expired on {(TODAY + timedelta(3))}"
    status = [h for h in ledger.history(relying.id, viewer=ADA) if h.field == "status"][-1]
    assert (status.actor, status.actor_kind) == ("Greenlight (consent expiry sweep)", "system")
    assert status.note.startswith("consent C-2 reached an expiry or start date; new reasons")


def test_the_desk_lists_consents_expiring_soon(ledger, monkeypatch):
    ledger.add_consent("P-2", actor=LEE, **{**RIDER, "expires_on": TODAY + timedelta(10)})
    soon = ledger.consents_expiring(viewer=RITA, today=TODAY)
    assert [(e.consent.id, e.performer_name, e.days_left) for e in soon] == [("C-2", "Al Bee", 10)]
    monkeypatch.setenv("GREENLIGHT_CONSENT_EXPIRY_DAYS", "5")
    assert ledger.consents_expiring(viewer=RITA, today=TODAY) == []
    assert len(ledger.consents_expiring(viewer=ADA, within_days=100, today=TODAY)) == 2
    assert ledger.consents_expiring(viewer=MIA, within_days=100, today=TODAY) == []


def test_a_member_sees_the_consent_state_of_a_use(ledger):
    facts = ledger.consent_state("A", replica(performers=("P-1", "P-2")), viewer=MIA)
    assert [(f.value, f.source) for f in facts] == [
        (True, "Jane Roe: consent C-1 is active and covers this use"), (False, "Al Bee: no consent on file"),
    ]  # fmt: skip


def test_the_export_carries_performer_ids_and_no_personal_data(ledger):
    ledger.log_use("A", replica(performers=("P-2", "P-1")), ENGINE, actor=MIA)
    text = "".join(iter_csv(ledger, GUIDANCE, UseFilter(productions=("A",)), viewer=ADA))
    assert "P-2;P-1" in text
    assert "Jane Roe" not in text and "Al Bee" not in text and "flashback scenes" not in text


def test_an_import_update_and_guidance_reassessment_read_the_ledger(ledger, newer_engine):
    # As the CSV import hands them over: assessed without the ledger, from a file.
    answers = replica("Imported replica", performers=("P-1", "P-2"))
    new = NewUse(answers, ENGINE.assess(answers), status="draft")
    ledger.insert_uses("A", [new], GUIDANCE, actor=LEE, file=FileImport("ab" * 32, "x.csv"))
    (summary,) = ledger.list_uses(UseFilter(productions=("A",)), viewer=ADA).rows
    imported = ledger.get_use(summary.id, viewer=ADA)
    assert imported.answers["performers"] == ["P-1", "P-2"]
    assert consent_facts(imported) == [
        (True, "Jane Roe: consent C-1 is active and covers this use"), (False, "Al Bee: no consent on file"),
    ]  # fmt: skip
    updated = ledger.update_use(imported.id, replica(performers=("P-1",)), ENGINE, actor=LEE)
    assert consent_facts(updated) == [(True, "Jane Roe: consent C-1 is active and covers this use")]
    assert "replica-without-consent" not in updated.rule_ids
    ledger.revoke_consent("C-1", note="withdrawn", actor=ADA, engine=ENGINE,
                          on=date(2026, 11, 30))  # fmt: skip
    ledger.reassess(newer_engine, actor=CLI)
    moved = ledger.get_use(imported.id, viewer=ADA)
    assert moved.guidance_version == "2099.1"
    assert consent_facts(moved) == [
        (False, "Jane Roe: consent C-1 was revoked on 2026-11-30 (withdrawn)")
    ]
    assert "replica-without-consent" in moved.rule_ids
    # A performer list that names someone outside the production is refused on update too.
    with pytest.raises(StoreError, match="^performer P-9 is not among the performers of A"):
        ledger.update_use(imported.id, replica(performers=("P-9",)), ENGINE, actor=LEE)


def test_a_consents_evidence_is_for_the_ledgers_holders_and_every_read_is_kept(ledger):
    rider = ledger.add_evidence("consent", "C-1", "rider.pdf", b"%PDF-1.7 rider", actor=LEE)
    for outsider in (MIA, test_access.ROB, test_access.BEA):
        with pytest.raises(NotPermitted, match="may not see or change consent C-1"):
            ledger.read_evidence(rider.id, viewer=outsider)
    for reader in (LEE, RITA, ADA):
        assert ledger.read_evidence(rider.id, viewer=reader)[1] == b"%PDF-1.7 rider"
    assert [v.viewer for v in ledger.evidence_views(rider.id, viewer=RITA)] == [
        "Lee", "Rita", "Ada",
    ]  # fmt: skip


def test_naming_other_performers_is_a_change_that_reopens_a_decision(ledger):
    use = approve(ledger, ledger.log_use("A", replica(), ENGINE, actor=MIA))
    changed = ledger.update_use(use.id, replica(performers=("P-1", "P-2")), ENGINE, actor=MIA)
    assert changed.status == "submitted"
    rows = [(h.field, h.old, h.new) for h in ledger.history(use.id, viewer=ADA)][-3:]
    assert ("performers", "P-1", "P-1;P-2") in rows
    status = [h for h in ledger.history(use.id, viewer=ADA) if h.field == "status"][-1]
    assert status.note.startswith("changed since the approval: ") and "Performers" in status.note
