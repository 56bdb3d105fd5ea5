"""The Talent page in studio mode, for each role (the log of tests/apptest/test_studio_roles:
HBL, where Mia is a member, Leo the lead and Rita a reviewer; OTH, where none has a role; Ada
a studio admin): the lead, the reviewer and the admin open HBL's ledger; the member has no
Talent page, and the store refuses her the ledger and its evidence."""

from __future__ import annotations

from datetime import date

import pytest

from greenlight.store import NotPermitted, Person
from greenlight.ui.text import plain
from tests.apptest.test_studio_roles import CLI, ISSUER, PEOPLE, signed_in, studio  # noqa: F401


def person(sub: str) -> Person:
    email, name, _, _ = PEOPLE[sub]
    return Person(ISSUER, sub, email, name)


@pytest.fixture
def ledger(studio):  # noqa: F811 (the fixture imported above)
    """HBL's ledger: Jane Roe with a consent and its rider; OTH's: Olga with hers."""
    store = studio["store"]
    jane = store.add_performer("HBL", "Jane Roe", actor=CLI, union="SAG-AFTRA")
    olga = store.add_performer("OTH", "Olga Other", actor=CLI)
    values = dict(
        covers="likeness", kind="employment_based", description="Crowd replica",
        media="final", signed_on=date(2026, 1, 5),
    )  # fmt: skip
    ours = store.add_consent(jane.id, actor=CLI, productions="HBL", **values)
    store.add_consent(olga.id, actor=CLI, productions="OTH", **values)
    rider = store.add_evidence("consent", ours.id, "rider.txt", b"Signed.", actor=CLI)
    return {**studio, "jane": jane, "consent": ours, "rider": rider}


@pytest.mark.parametrize("sub", ["leo", "rita", "ada"])
def test_the_lead_a_reviewer_and_an_admin_open_the_production_s_ledger(ledger, sub):
    at = signed_in(sub, "talent")
    assert at.title[0].value == "Talent"
    assert not at.error
    assert list(at.dataframe[0].value["Name"]) == ["Jane Roe"]  # HBL's only, not OTH's
    assert list(at.dataframe[1].value["Consent"]) == [ledger["consent"].id]
    # OTH's performer is offered to link only to whoever holds OTH's ledger too.
    offered = at.selectbox(key="talent-link-pick-0").options if sub == "ada" else []
    assert offered == (["Olga Other · P-2 · OTH"] if sub == "ada" else [])
    if sub != "ada":
        drawn = " ".join(str(getattr(e, "proto", "")) for e in [*at.main, *at.sidebar])
        assert "Olga Other" not in drawn


def test_a_member_has_no_talent_page_and_the_store_refuses_her_the_ledger(ledger):
    at = signed_in("mia", "home")
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("app_pages/talent.py")  # not in her navigation
    store, mia = ledger["store"], person("mia")
    with pytest.raises(NotPermitted, match="consents are personal data"):
        store.performers("HBL", viewer=mia)
    with pytest.raises(NotPermitted, match="consents are personal data"):
        store.read_evidence(ledger["rider"].id, viewer=mia)
    # What a member may see: the names and ids, to pick from.
    assert [(p.id, p.name) for p in store.performer_picker("HBL", viewer=mia)] == [
        (ledger["jane"].id, "Jane Roe")
    ]


def test_a_lead_on_a_production_whose_ledger_is_not_theirs_reads_why(ledger):
    store = ledger["store"]
    store.grant("leo@studio.test", "member", "OTH", actor=CLI)
    at = signed_in("leo", "talent")
    at.session_state["production"] = "OTH"
    at.run()
    assert not at.exception
    (said,) = [plain(i.value) for i in at.info]
    assert said.startswith("The talent ledger of OTH is for its lead, its reviewers and studio")
    assert not at.dataframe
