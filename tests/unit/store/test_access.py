"""Roles and segregation of duties, enforced by the store on SQLite and PostgreSQL: who may
decide, who may see what, and that a refused call changes nothing."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from greenlight.csvio import iter_csv
from greenlight.policy import load_guidance
from greenlight.policy.answers import parse_answers
from greenlight.policy.engine import Engine
from greenlight.store import (
    LocalAdministrator,
    NotPermitted,
    Person,
    StaleUse,
    StoreError,
    UseCaseStore,
    UseFilter,
)
from greenlight.store.migrations import MIGRATIONS
from greenlight.store.tables import schema_migrations, use_history
from tests.unit.samples import CLEAR
from tests.unit.store.legacy_schema import fixture_rows, load_schema_3

GUIDANCE = load_guidance()
ENGINE = Engine(GUIDANCE)
SAFE = {"tool_tier": "enterprise", "final_deliverable": False, "vendor_pipeline": False}
LOW = {"use_case_type": "ideation", "principles": CLEAR, "context": SAFE}
CLI = LocalAdministrator("ops")
# Who holds what in the studio fixture: (name, role, production).
CAST = (
    ("mia", "member", "A"),
    ("lee", "lead", "A"),
    ("rita", "reviewer", "A"),
    ("rob", "reviewer", "B"),
    ("bea", "member", "B"),
)


def person(name: str) -> Person:
    return Person("https://idp.test", f"subject-{name}", f"{name}@studio.test", name.title())


MIA, LEE, RITA, ROB, BEA, ADA = map(person, ("mia", "lee", "rita", "rob", "bea", "ada"))


def answers(title: str = "Moodboard", description: str = ""):
    return parse_answers({"title": title, "description": description, **LOW}, GUIDANCE)


@pytest.fixture
def studio(store: UseCaseStore) -> UseCaseStore:
    """Productions A and B, Ada a studio admin, and the CAST, each signed in once."""
    store.create_production("A", "Alpha", actor="setup")
    store.create_production("B", "Beta", actor="setup")
    store.grant("ada@studio.test", "admin", actor=CLI)
    for name, role, code in CAST:
        store.grant(f"{name}@studio.test", role, code, actor=CLI)
    for who in (MIA, LEE, RITA, ROB, BEA, ADA):
        store.sign_in(who)
    return store


def submitted(store: UseCaseStore, by: Person, code: str = "A"):
    use = store.log_use(code, answers(), ENGINE, actor=by)
    return store.set_status(use.id, "submitted", actor=by, expected_version=use.version)


def snapshot(store: UseCaseStore, use_id: str):
    return store.get_use(use_id, viewer=CLI), store.history(use_id, viewer=CLI)


@pytest.mark.parametrize("status", ["escalated", "approved", "declined"])
@pytest.mark.parametrize("who", [MIA, LEE], ids=["member", "lead"])
def test_a_member_or_lead_cannot_decide(studio, who, status):
    use = submitted(studio, MIA)
    before = snapshot(studio, use.id)
    with pytest.raises(NotPermitted, match=r"only a studio reviewer of A or a studio admin may"):
        studio.set_status(use.id, status, actor=who, approval_ref="WA-1", expected_version=2)
    assert snapshot(studio, use.id) == before


def test_a_reviewer_of_the_production_decides_and_is_recorded_with_the_version(studio):
    use = submitted(studio, MIA)
    escalated = studio.set_status(use.id, "escalated", actor=RITA, expected_version=2)
    approved = studio.set_status(
        use.id,
        "approved",
        actor=RITA,
        approval_ref="WA-7",
        expected_version=escalated.version,
        note="approved as assessed",
    )
    assert (approved.status, approved.decided_version, approved.updated_by) == (
        "approved",
        3,
        "Rita",
    )
    last = studio.history(use.id, viewer=RITA)[-1]
    rita = studio.whoami(RITA)
    assert (last.field, last.new, last.version) == ("approval_ref", "WA-7", 3)
    assert (last.actor, last.actor_kind, last.person_id) == ("Rita", "person", rita.id)


@pytest.mark.parametrize("how", ["created", "changed"])
def test_an_author_cannot_decide_on_their_own_use(studio, how):
    studio.grant("rita@studio.test", "member", "A", actor=CLI)
    if how == "created":
        use = submitted(studio, RITA)
    else:
        use = submitted(studio, MIA)
        use = studio.update_use(
            use.id, answers(description="sharper"), ENGINE, actor=RITA, expected_version=2
        )
    before = snapshot(studio, use.id)
    with pytest.raises(NotPermitted, match="created, changed or submitted this use"):
        studio.set_status(
            use.id,
            "approved",
            actor=RITA,
            expected_version=use.version,
            approval_ref="WA-1",
            note="approved as assessed",
        )
    assert snapshot(studio, use.id) == before
    # Nor may a studio admin decide on a use they wrote; another reviewer may.
    own = submitted(studio, ADA)
    with pytest.raises(NotPermitted, match="created, changed or submitted this use"):
        studio.set_status(own.id, "declined", actor=ADA, expected_version=own.version)
    assert studio.set_status(own.id, "declined", actor=RITA, expected_version=2).status == (
        "declined"
    )


def test_a_reviewer_of_one_production_cannot_decide_on_another(studio):
    use = submitted(studio, BEA, "B")
    before = snapshot(studio, use.id)
    for status in ("escalated", "approved", "declined"):
        with pytest.raises(NotPermitted, match="only a studio reviewer of B"):
            studio.set_status(use.id, status, actor=RITA, expected_version=2)
    assert snapshot(studio, use.id) == before
    assert studio.set_status(
        use.id,
        "approved",
        actor=ROB,
        expected_version=2,
        approval_ref="WA-1",
        note="approved as assessed",
    ).status == ("approved")


def test_a_stale_or_unpinned_decision_is_refused(studio):
    use = submitted(studio, MIA)
    seen = use.version
    studio.update_use(use.id, answers(description="changed"), ENGINE, actor=MIA)
    before = snapshot(studio, use.id)
    with pytest.raises(StaleUse, match="changed by Mia"):
        studio.set_status(
            use.id,
            "approved",
            actor=RITA,
            expected_version=seen,
            approval_ref="WA-1",
            note="approved as assessed",
        )
    with pytest.raises(StoreError, match="a decision names the version"):
        studio.set_status(
            use.id, "approved", actor=RITA, approval_ref="WA-1", note="approved as assessed"
        )
    with pytest.raises(StoreError, match="a decision names the version"):
        studio.set_approval_ref(use.id, "WA-2", actor=RITA)
    assert snapshot(studio, use.id) == before


def test_the_command_line_may_not_decide_and_a_typed_name_may_not_write(studio):
    use = submitted(studio, MIA)
    before = snapshot(studio, use.id)
    with pytest.raises(NotPermitted, match="taken by a signed-in studio reviewer"):
        studio.set_status(
            use.id,
            "approved",
            actor=CLI,
            expected_version=2,
            approval_ref="WA-1",
            note="approved as assessed",
        )
    with pytest.raises(NotPermitted, match="a typed name is not accepted"):
        studio.set_status(use.id, "withdrawn", actor="Rita Reviewer")
    with pytest.raises(NotPermitted, match="a typed name is not accepted"):
        studio.log_use("A", answers(), ENGINE, actor="Mia")
    with pytest.raises(NotPermitted, match="sign in to see"):
        studio.get_use(use.id)
    with pytest.raises(NotPermitted, match="sign in to see"):
        studio.counts_by_level()
    assert snapshot(studio, use.id) == before


def test_every_history_row_in_studio_mode_names_who_made_it(studio):
    use = submitted(studio, MIA)
    use = studio.update_use(use.id, answers(description="more"), ENGINE, actor=LEE)
    use = studio.set_status(use.id, "escalated", actor=RITA, expected_version=use.version)
    use = studio.set_status(use.id, "declined", actor=RITA, expected_version=use.version)
    use = studio.set_status(use.id, "draft", actor=MIA, expected_version=use.version)
    use = studio.archive_use(use.id, actor=LEE)
    studio.restore_use(use.id, actor=CLI)
    ids = {p.email.split("@")[0]: p.id for p in studio.list_people(CLI)}
    made = [(h.actor, h.actor_kind, h.person_id) for h in studio.history(use.id, viewer=ADA)]
    assert made == [
        ("Mia", "person", ids["mia"]),  # created
        ("Mia", "person", ids["mia"]),  # submitted
        ("Lee", "person", ids["lee"]),  # description
        ("Rita", "person", ids["rita"]),  # escalated
        ("Rita", "person", ids["rita"]),  # declined
        ("Mia", "person", ids["mia"]),  # back to draft
        ("Lee", "person", ids["lee"]),  # archived
        ("cli:ops (local administrator)", "administrator", None),  # restored
    ]
    with studio.engine.connect() as conn:
        kinds = conn.execute(sa.select(use_history.c.actor_kind).distinct()).scalars().all()
    assert set(kinds) == {"person", "administrator"}


def test_a_member_cannot_read_another_productions_uses(studio):
    a_use = submitted(studio, MIA)
    b_use = submitted(studio, BEA, "B")
    studio.log_use("B", answers("Second"), ENGINE, actor=BEA)
    for read in (studio.get_use, studio.history):
        with pytest.raises(NotPermitted, match=f"may not see use {a_use.id}"):
            read(a_use.id, viewer=BEA)
    with pytest.raises(NotPermitted, match="may not see the uses of A"):
        studio.get_production("A", viewer=BEA)
    assert [p.code for p in studio.list_productions(BEA)] == ["B"]
    assert [p.code for p in studio.list_productions(ADA)] == ["A", "B"]
    assert [u.id for u in studio.list_uses(viewer=BEA).rows][-1] == b_use.id
    assert studio.count_uses(viewer=BEA) == 2
    assert studio.count_uses(UseFilter(productions=("A",)), viewer=BEA) == 0
    assert studio.count_uses(viewer=ADA) == studio.count_uses(viewer=CLI) == 3
    assert studio.count_by(by=("level",), viewer=BEA) == {"low": 2}
    assert studio.count_by(by=("level",), viewer=MIA) == {"low": 1}
    assert studio.counts_by_reason(viewer=BEA).equals(
        studio.counts_by_reason(UseFilter(productions=("B",)), viewer=ADA)
    )
    assert studio.distinct_values("production", viewer=BEA) == ["B"]
    exported = "".join(iter_csv(studio, GUIDANCE, viewer=BEA)).splitlines()
    assert len(exported) == 3 and all(a_use.id not in line for line in exported)
    assert (
        "".join(iter_csv(studio, GUIDANCE, UseFilter(productions=("A",)), viewer=BEA)).count("\n")
        == 1
    )  # the header alone
    # Nor change one: logging, editing, archiving in A are refused.
    with pytest.raises(NotPermitted, match="may not log, change, submit or archive uses of A"):
        studio.log_use("A", answers(), ENGINE, actor=BEA)
    with pytest.raises(NotPermitted, match="uses of A"):
        studio.archive_use(a_use.id, actor=BEA)


def test_a_role_change_takes_effect_at_the_next_call(studio):
    use = submitted(studio, MIA)
    with pytest.raises(NotPermitted):
        studio.get_use(use.id, viewer=BEA)
    studio.grant("bea@studio.test", "member", "A", actor=LEE)  # the lead adds a member
    assert studio.get_use(use.id, viewer=BEA).id == use.id
    assert studio.count_uses(viewer=BEA) == 1
    studio.revoke("bea@studio.test", "member", "A", actor=LEE)
    with pytest.raises(NotPermitted):
        studio.get_use(use.id, viewer=BEA)
    assert studio.count_uses(viewer=BEA) == 0
    # A reviewer losing the role loses the decision with it.
    studio.revoke("rita@studio.test", "reviewer", "A", actor=ADA)
    with pytest.raises(NotPermitted):
        studio.set_status(
            use.id,
            "approved",
            actor=RITA,
            expected_version=2,
            approval_ref="WA-1",
            note="approved as assessed",
        )


def test_who_may_grant_and_revoke(studio):
    with pytest.raises(NotPermitted, match="a production lead manages the members"):
        studio.grant("x@studio.test", "reviewer", "A", actor=LEE)
    with pytest.raises(NotPermitted, match="a production lead manages the members"):
        studio.grant("x@studio.test", "member", "B", actor=LEE)
    with pytest.raises(NotPermitted, match="may not manage people"):
        studio.grant("x@studio.test", "member", "A", actor=MIA)
    with pytest.raises(NotPermitted, match="sign in to see"):
        studio.list_people("someone typing")
    assert {p.email for p in studio.list_people(LEE)} == {
        "mia@studio.test",
        "lee@studio.test",
        "rita@studio.test",
    }
    with pytest.raises(StoreError, match="is already Studio reviewer of A"):
        studio.grant("rita@studio.test", "reviewer", "A", actor=ADA)
    with pytest.raises(StoreError, match="Studio admin is studio-wide"):
        studio.grant("rita@studio.test", "admin", "A", actor=ADA)
    with pytest.raises(StoreError, match="is a role in one production"):
        studio.grant("rita@studio.test", "member", actor=ADA)
    with pytest.raises(StoreError, match="unknown role 'owner'"):
        studio.grant("rita@studio.test", "owner", "A", actor=ADA)
    with pytest.raises(StoreError, match="not an e-mail address"):
        studio.grant("rita", "member", "A", actor=ADA)


def test_the_last_admin_cannot_be_revoked(studio):
    with pytest.raises(StoreError, match="ada@studio.test is the last studio admin"):
        studio.revoke("ada@studio.test", "admin", actor=CLI)
    assert studio.whoami(ADA).is_admin
    studio.grant("rob@studio.test", "admin", actor=ADA)
    studio.revoke("ada@studio.test", "admin", actor=ROB)
    assert not studio.whoami(ADA).is_admin
    with pytest.raises(StoreError, match="rob@studio.test is the last studio admin"):
        studio.revoke("rob@studio.test", "admin", actor=ROB)
    with pytest.raises(NotPermitted, match="may not add a production"):
        studio.create_production("C", "Gamma", actor=ADA)


def test_the_first_admin_is_named_by_configuration_at_their_first_sign_in(store):
    store.create_production("A", "Alpha", actor="Sam")
    assert not store.studio_mode()
    store.sign_in(MIA, first_admin="ada@studio.test")
    assert not store.studio_mode()  # someone else signing in names no one
    ada = store.sign_in(ADA, first_admin=" Ada@Studio.test ")
    assert ada.is_admin and store.studio_mode()
    # Only while there is no admin: the setting never makes a second one.
    again = store.sign_in(MIA, first_admin="mia@studio.test")
    assert again.grants == ()
    assert [e.action for e in store.events()][-2:] == ["role granted", "studio mode on"]


def test_a_sign_in_binds_the_named_email_once(store):
    store.create_production("A", "Alpha", actor="Sam")
    store.grant("mia@studio.test", "member", "A", actor=CLI, name="Mia M.")
    [named] = store.list_people(CLI)
    assert (named.issuer, named.subject, named.name) == (None, None, "Mia M.")
    mia = store.sign_in(MIA)
    assert (mia.id, mia.subject, [g.role for g in mia.grants]) == (
        named.id,
        "subject-mia",
        ["member"],
    )
    impostor = Person("https://other.test", "x", "mia@studio.test", "Not Mia")
    with pytest.raises(NotPermitted, match="belongs to another sign-in"):
        store.sign_in(impostor)
    assert store.whoami(impostor) is None


def test_a_local_log_works_as_before(store):
    store.create_production("A", "Alpha", actor="Sam Rivera")
    use = store.log_use("A", answers(), ENGINE, actor="Sam Rivera")
    store.set_status(use.id, "submitted", actor="Sam Rivera")
    store.set_status(
        use.id, "approved", actor="Sam Rivera", approval_ref="WA-1", note="approved as assessed"
    )
    assert not store.studio_mode()
    assert {(h.actor, h.actor_kind, h.person_id) for h in store.history(use.id)} == {
        ("Sam Rivera", "local", None)
    }
    # A typed name never manages people: anyone at the app could make themselves admin.
    with pytest.raises(NotPermitted, match="managed by a signed-in studio admin"):
        store.grant("sam@studio.test", "admin", actor="Sam Rivera")
    assert not store.studio_mode() and store.list_people(CLI) == []


def test_a_schema_7_log_upgrades_with_its_history_as_local_entries(db_url):
    engine = sa.create_engine(db_url, poolclass=sa.NullPool)
    load_schema_3(engine)
    with engine.begin() as conn:
        for migration in MIGRATIONS[3:7]:
            migration.apply(conn)
            conn.execute(
                sa.insert(schema_migrations).values(
                    version=migration.version, name=migration.name, applied_at=datetime.now(UTC)
                )
            )
        before = conn.execute(sa.select(sa.func.count()).select_from(use_history)).scalar()
    engine.dispose()
    assert MIGRATIONS[7].version == 8

    store = UseCaseStore(db_url)

    rows = fixture_rows()["uses"]
    assert store.count_uses(UseFilter(archived=None)) == len(rows)
    with store.engine.connect() as conn:
        kinds = conn.execute(
            sa.select(use_history.c.actor_kind, use_history.c.person_id, sa.func.count()).group_by(
                use_history.c.actor_kind, use_history.c.person_id
            )
        ).all()
    assert kinds == [("local", None, before)] and before > 0
    assert not store.studio_mode()
    changed = store.set_status(rows[0]["id"], "withdrawn", actor="ana")
    assert store.history(changed.id)[-1].actor_kind == "local"
