"""The talent ledger in the store, on SQLite and PostgreSQL: performers and consents are
recorded with every problem named at once, their states move as the rules allow, and only
the lead or a reviewer of the performer's production (or a studio admin) sees them."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from greenlight.store import NotFound, NotPermitted, StoreError, UseCaseStore
from greenlight.store.talent.ledger import NewEvidence, PerformerName
from greenlight.store.talent.tables import consents, performers
from tests.unit.store import test_access
from tests.unit.store.talent_fixtures import PDF, RIDER
from tests.unit.store.test_access import ADA, BEA, CLI, ENGINE, LEE, MIA, RITA, ROB

studio = test_access.studio  # the fixture: productions A and B and their people


def rows(store: UseCaseStore, table: sa.Table) -> int:
    with store.engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()


def test_a_lead_records_a_performer_and_a_consent_with_its_rider(studio):
    jane = studio.add_performer("A", "Jane  Roe", actor=LEE, union="SAG-AFTRA")
    assert (jane.id, jane.name, jane.category, jane.union, jane.productions) == (
        "P-1", "Jane Roe", "principal", "SAG-AFTRA", ("A",),
    )  # fmt: skip
    consent = studio.add_consent(
        jane.id, actor=LEE, **RIDER, evidence=[NewEvidence("rider.pdf", PDF)]
    )
    assert consent.id == "C-1" and consent.performer_id == "P-1"
    assert (consent.covers, consent.media, consent.productions) == (
        ("likeness", "voice"), ("temporary", "final"), ("A",),
    )  # fmt: skip
    assert (consent.valid_from, consent.state, consent.signed_by) == (
        date(2026, 6, 1), "active", "performer",
    )  # fmt: skip
    (rider,) = studio.evidence_of("consent", consent.id, viewer=RITA)
    assert (rider.name, rider.media_type) == ("rider.pdf", "application/pdf")
    assert studio.consents(viewer=ADA) == [consent]
    assert studio.consents(viewer=RITA, performer_id="P-1") == [consent]
    assert studio.consents(viewer=LEE, production="A") == [consent]
    assert studio.get_consent("c-1", viewer=LEE) == consent


@pytest.mark.parametrize(
    "change, message",
    [
        ({"description": "  "},
         "the consent was not added: the description of the intended use is missing: a "
         "consent without a reasonably specific description is not valid; nothing was saved"),
        ({"covers": "likeness,smell", "media": ""},
         "the consent was not added: covers: 'smell' is not one of likeness, voice, body, "
         "alteration; media is missing: give one or more of temporary, final, promotion; "
         "nothing was saved"),
        ({"kind": "cloned"},
         "kind 'cloned' is not one of employment_based, independently_created, alteration"),
        ({"expires_on": "2026-05-01"}, "it expires on 2026-05-01, before it is valid (2026-06-01)"),
        ({"signed_on": "June 1st"}, "signed on 'June 1st' is not a date: give YYYY-MM-DD"),
        ({"productions": "A,../B"}, "production code '../B' is not a production code"),
        ({"signed_by": "agent"},
         "signed by 'agent' is not one of performer, representative, estate, union"),
    ],
    ids=["description", "covers and media", "kind", "dates", "date", "production", "signer"],
)  # fmt: skip
def test_a_consent_with_a_problem_is_refused_and_nothing_is_written(studio, change, message):
    jane = studio.add_performer("A", "Jane Roe", actor=LEE)
    with pytest.raises(StoreError, match="^the consent was not added: ") as refused:
        studio.add_consent(
            jane.id, actor=LEE, **{**RIDER, **change}, evidence=[NewEvidence("r.pdf", PDF)]
        )
    assert message in str(refused.value) and str(refused.value).endswith("nothing was saved")
    assert rows(studio, consents) == 0
    assert studio.evidence_of  # the rider was not stored either
    with studio.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM evidence_files")).scalar() == 0


def test_a_consent_whose_rider_is_refused_is_not_recorded(studio):
    jane = studio.add_performer("A", "Jane Roe", actor=LEE)
    with pytest.raises(StoreError, match="^rider.docx is not a PDF, PNG, JPEG or plain-text"):
        studio.add_consent(
            jane.id, actor=LEE, **RIDER, evidence=[NewEvidence("rider.docx", b"PK\x03\x04\0")]
        )
    assert rows(studio, consents) == 0


def test_a_performer_with_a_problem_is_refused(studio):
    with pytest.raises(
        StoreError,
        match="^the performer was not added: the name is missing; category 'extra' is not one of "
        "principal, background, voice, stunt; a deceased performer needs their estate or "
        r"authorised representative and their contact \(--estate\); nothing was saved$",
    ):
        studio.add_performer("A", " ", actor=LEE, category="extra", deceased=True)
    with pytest.raises(NotFound, match="^no production with code 'Z'"):
        studio.add_performer("Z", "Jane Roe", actor=LEE)
    assert rows(studio, performers) == 0


def test_members_see_names_and_ids_only(studio):
    jane = studio.add_performer("A", "Jane Roe", actor=LEE)
    studio.add_performer("A", "Al Bee", actor=RITA, category="voice")
    studio.add_consent(jane.id, actor=LEE, **RIDER)
    assert studio.performer_picker("A", viewer=MIA) == [
        PerformerName("P-2", "Al Bee"), PerformerName("P-1", "Jane Roe"),
    ]  # fmt: skip
    for refused in (
        lambda: studio.performers("A", viewer=MIA),
        lambda: studio.get_performer(jane.id, viewer=MIA),
        lambda: studio.consents(viewer=MIA, performer_id=jane.id),
        lambda: studio.get_consent("C-1", viewer=MIA),
        lambda: studio.evidence_of("consent", "C-1", viewer=MIA),
        lambda: studio.add_consent(jane.id, actor=MIA, **RIDER),
        lambda: studio.add_performer("A", "Cy Dee", actor=MIA),
    ):
        with pytest.raises(NotPermitted, match="only a production lead or studio reviewer of A"):
            refused()
    assert studio.consents(viewer=MIA) == []
    with pytest.raises(NotPermitted, match="may not see the uses of A"):
        studio.performer_picker("A", viewer=BEA)


def test_another_productions_people_see_nothing_until_the_performer_is_linked(studio):
    jane = studio.add_performer("A", "Jane Roe", actor=LEE)
    studio.add_consent(jane.id, actor=LEE, **RIDER)
    with pytest.raises(NotPermitted, match="may not see or change consent C-1"):
        studio.get_consent("C-1", viewer=ROB)
    assert studio.consents(viewer=ROB) == []
    with pytest.raises(NotPermitted, match="the ledger of performer P-1"):
        studio.link_performer(jane.id, "B", actor=ROB)  # B's reviewer cannot claim her
    with pytest.raises(NotPermitted, match="the ledger of B"):
        studio.link_performer(jane.id, "B", actor=LEE)  # nor A's lead put her in B
    linked = studio.link_performer(jane.id, "B", actor=ADA)
    assert linked.productions == ("A", "B")
    assert studio.link_performer(jane.id, "B", actor=CLI) == linked  # once
    assert [c.id for c in studio.consents(viewer=ROB)] == ["C-1"]
    assert [p.id for p in studio.performers("B", viewer=ROB)] == ["P-1"]


def test_unknown_ids_are_named(studio):
    for call, message in (
        (lambda: studio.get_performer("P-9", viewer=ADA), "^no performer with id P-9$"),
        (lambda: studio.get_performer("../x", viewer=ADA), "^no performer with id '../x'"),
        (lambda: studio.get_consent("C-9", viewer=ADA), "^no consent with id C-9$"),
        (lambda: studio.link_performer("P-9", "A", actor=ADA), "^no performer with id P-9$"),
    ):
        with pytest.raises(NotFound, match=message):
            call()


def test_a_consents_state_moves_as_the_rules_allow(studio):
    jane = studio.add_performer("A", "Jane Roe", actor=LEE)
    studio.add_consent(jane.id, actor=LEE, **RIDER)
    with pytest.raises(StoreError, match="^the consent was not revoked: the note is missing"):
        studio.revoke_consent("C-1", note=" ", actor=ADA, engine=ENGINE)
    with pytest.raises(StoreError, match="^consent C-1 is active already: nothing was changed$"):
        studio.reactivate_consent("C-1", note="", actor=ADA, engine=ENGINE)
    suspended = studio.suspend_consent("C-1", note="agent query", actor=RITA, engine=ENGINE)
    assert (suspended.state, suspended.state_note) == ("suspended", "agent query")
    active = studio.reactivate_consent("C-1", note="resolved", actor=LEE, engine=ENGINE)
    assert (active.state, active.state_on) == ("active", None)
    revoked = studio.revoke_consent(
        "C-1", note="withdrawn by letter", actor=ADA, engine=ENGINE, on=date(2026, 11, 30)
    )
    assert (revoked.state, revoked.state_on, revoked.state_note) == (
        "revoked", date(2026, 11, 30), "withdrawn by letter",
    )  # fmt: skip
    with pytest.raises(StoreError, match="^consent C-1 was revoked, which is for good"):
        studio.reactivate_consent("C-1", note="oops", actor=ADA, engine=ENGINE)
    with pytest.raises(NotPermitted):
        studio.revoke_consent("C-1", note="x", actor=MIA, engine=ENGINE)
