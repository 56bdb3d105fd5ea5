"""The consent check's rules, pure: what a use needs of a consent, and for each way a consent
falls short, the exact words naming the performer and what is missing."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from greenlight.ledger import (
    CONSENT_QUESTION,
    MODEL_REUSE_QUESTION,
    Consent,
    Need,
    Performer,
    consent_facts,
    need_of,
)
from greenlight.policy import Fact

DAY = date(2026, 12, 5)
JANE = Performer("P-1", "Jane Roe", productions=("HBL-S1", "HBL-S2"))
JOHN = Performer("P-2", "John Doe", category="voice", productions=("HBL-S1",))
RIDER = Consent(
    id="C-3",
    performer_id="P-1",
    covers=("likeness", "voice"),
    kind="employment_based",
    description="Re-ageing of Jane's character in the flashback scenes of episode 4",
    productions=("HBL-S1",),
    media=("temporary", "final"),
    signed_on=date(2026, 6, 1),
    valid_from=date(2026, 6, 1),
    expires_on=date(2027, 3, 31),
)
REPLICA_FINAL = {"involves.digital_replica": True, "context.final_deliverable": True}
REPLICA_TEMP = {"involves.digital_replica": True, "principles.temporary_only": "yes"}
ALTERATION = {"involves.performance_alteration": True, "context.final_deliverable": True}


def check(values, consents, performers=(JANE,), code="HBL-S1", day=DAY):
    return consent_facts(values, code, day, performers, consents)


@pytest.mark.parametrize(
    "values, need",
    [
        ({}, None),
        ({"involves.digital_replica": False}, None),
        (REPLICA_FINAL, Need(True, False, "final")),
        (REPLICA_TEMP, Need(True, False, "temporary")),
        ({"use_case_type": "talent_replication"}, Need(True, False, "final")),  # unsure: final
        (
            {**ALTERATION, "context.final_deliverable": False, "principles.temporary_only": "yes"},
            Need(False, True, "temporary"),
        ),  # fmt: skip
        ({**REPLICA_TEMP, **ALTERATION}, Need(True, True, "final")),
    ],
)
def test_the_need_is_read_from_the_answers(values, need):
    assert need_of(values) == need


def test_an_in_scope_in_date_active_described_consent_holds():
    assert check(REPLICA_FINAL, [RIDER]) == (
        Fact(
            CONSENT_QUESTION,
            True,
            "Jane Roe: consent C-3 is active and covers this use",
            "consent:C-3",
        ),
    )
    # A final-deliverables consent covers temporary use too; the last day still counts.
    assert check(REPLICA_TEMP, [RIDER], day=date(2027, 3, 31))[0].value is True


def refused(consent: Consent, values=REPLICA_FINAL, performer=JANE, code="HBL-S1", day=DAY):
    facts = check(values, [consent], (performer,), code, day)
    assert facts[0].question == CONSENT_QUESTION and facts[0].value is False
    return facts[0].source


@pytest.mark.parametrize(
    "change, words",
    [
        ({"expires_on": date(2026, 12, 4)}, "Jane Roe: consent C-3 expired on 2026-12-04"),
        ({"valid_from": date(2026, 12, 6)}, "Jane Roe: consent C-3 is valid from 2026-12-06"),
        ({"media": ("temporary",)},
         "Jane Roe: consent C-3 covers temporary use only, not final deliverables"),
        ({"state": "revoked", "state_on": date(2026, 11, 30), "state_note": "agent's letter"},
         "Jane Roe: consent C-3 was revoked on 2026-11-30 (agent's letter)"),
        ({"state": "suspended"}, "Jane Roe: consent C-3 is suspended"),
        ({"description": "  "}, "Jane Roe: consent C-3 has no description of the intended use"),
        ({"kind": "alteration"},
         "Jane Roe: consent C-3 is for a digital alteration, not a digital replica"),
        ({"covers": ("alteration",)},
         "Jane Roe: consent C-3 covers alteration, not a likeness, voice or body"),
    ],
    ids=["expired", "not yet valid", "media", "revoked", "suspended", "no description",
         "kind", "covers"],
)  # fmt: skip
def test_each_rule_names_the_performer_and_what_is_missing(change, words):
    assert refused(replace(RIDER, **change)) == words


def test_another_production_needs_a_new_consent_and_written_approval_for_model_reuse():
    facts = check(REPLICA_FINAL, [RIDER], code="HBL-S2")
    assert facts == (
        Fact(CONSENT_QUESTION, False, "Jane Roe: consent C-3 covers HBL-S1, not HBL-S2",
             "consent:C-3"),
        Fact(MODEL_REUSE_QUESTION, True,
             "reusing a model of Jane Roe outside HBL-S1 needs a new consent and written "
             "approval", "consent:C-3"),
    )  # fmt: skip


def test_scope_and_another_gap_is_no_model_reuse_only_the_gaps():
    facts = check(REPLICA_FINAL, [replace(RIDER, state="suspended")], code="HBL-S2")
    assert [f.question for f in facts] == [CONSENT_QUESTION]
    assert facts[0].source == (
        "Jane Roe: consent C-3 is suspended; consent C-3 covers HBL-S1, not HBL-S2"
    )


def test_a_deceased_performer_needs_an_estate_on_file_and_an_estate_signature():
    late = replace(JANE, deceased=True)
    assert refused(RIDER, performer=late) == (
        "Jane Roe is deceased and no estate or authorised representative is on file"
    )
    with_estate = replace(late, estate="Roe Estate, c/o Lee & Co, estate@example.test")
    assert refused(RIDER, performer=with_estate) == (
        "Jane Roe is deceased and no estate or authorised representative signed consent C-3"
    )
    signed = replace(RIDER, signed_by="estate")
    assert check(REPLICA_FINAL, [signed], (with_estate,))[0].value is True


def test_no_consent_on_file():
    assert check(REPLICA_FINAL, []) == (
        Fact(CONSENT_QUESTION, False, "Jane Roe: no consent on file", "performer:P-1"),
    )


def test_every_named_performer_is_checked_with_their_own_consents():
    johns = replace(RIDER, id="C-7", performer_id="P-2", covers=("voice",))
    facts = check(REPLICA_FINAL, [RIDER, replace(johns, media=("promotion",))], (JANE, JOHN))
    assert [(f.value, f.source) for f in facts] == [
        (True, "Jane Roe: consent C-3 is active and covers this use"),
        (False, "John Doe: consent C-7 covers promotion only, not final deliverables"),
    ]


def test_the_nearest_consent_is_named_and_a_good_one_wins():
    old = replace(RIDER, id="C-1", expires_on=date(2026, 1, 1), media=("temporary",))
    suspended = replace(RIDER, id="C-2", state="suspended")
    assert refused(old) == (
        "Jane Roe: consent C-1 expired on 2026-01-01; consent C-1 covers temporary use only, "
        "not final deliverables"
    )
    assert check(REPLICA_FINAL, [old, suspended])[0].source == "Jane Roe: consent C-2 is suspended"
    assert (
        check(REPLICA_FINAL, [old, suspended, RIDER])[0].source
        == "Jane Roe: consent C-3 is active and covers this use"
    )


def test_a_replica_and_an_alteration_may_rest_on_two_consents():
    alteration = replace(RIDER, id="C-4", kind="alteration", covers=("alteration",))
    both = {**REPLICA_FINAL, **ALTERATION}
    assert check(both, [RIDER])[0].source == (
        "Jane Roe: consent C-3 does not cover a performance alteration"
    )
    assert check(both, [RIDER, alteration])[0] == Fact(
        CONSENT_QUESTION,
        True,
        "Jane Roe: consent C-3 and C-4 are active and cover this use",
        "consent:C-3",
    )
    # A replica consent that covers alteration too covers both.
    wide = replace(RIDER, covers=("likeness", "alteration"))
    assert check(both, [wide])[0].source == "Jane Roe: consent C-3 is active and covers this use"


def test_no_facts_without_a_need_or_without_performers():
    assert check({}, [RIDER]) == ()
    assert check(REPLICA_FINAL, [RIDER], performers=()) == ()


def test_expired_is_derived_from_the_date():
    assert RIDER.state_on_day(date(2027, 3, 31)) == "active"
    assert RIDER.state_on_day(date(2027, 4, 1)) == "expired"
    assert replace(RIDER, state="revoked").state_on_day(DAY) == "revoked"
