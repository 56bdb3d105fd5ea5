"""Every page in studio mode, for each role, in the real Streamlit runtime (AppTest's st.user
stands in for the provider; tests/e2e/test_studio_roles.py signs in through a real one).

A studio log with two productions: HBL, where Mia is a member, Leo the lead and Rita a
reviewer, and OTH, where none of them has a role; Ada is a studio admin. What each sees is
scoped by the store, what each is offered follows their roles, and a role changed between
two runs counts at the second.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from streamlit.testing.v1 import AppTest

from greenlight import workflow
from greenlight.policy import parse_answers
from greenlight.store import LocalAdministrator, NotPermitted, Person, UseCaseStore
from greenlight.ui import PAGES
from greenlight.ui.text import plain
from tests.apptest.helpers import APP, ENGINE, GUIDANCE, TIMEOUT
from tests.apptest.test_studio_mode import COMPLETE

ISSUER = "https://login.studio.test"
CLI = LocalAdministrator("fixture")
SECRET = "Harbour night replica (OTH only)"
PEOPLE = {
    "ada": ("ada@studio.test", "Ada Admin", "admin", None),
    "mia": ("mia@studio.test", "Mia Member", "member", "HBL"),
    "leo": ("leo@studio.test", "Leo Lead", "lead", "HBL"),
    "rita": ("rita@studio.test", "Rita Reviewer", "reviewer", "HBL"),
}


@pytest.fixture
def studio(tmp_path, monkeypatch) -> dict:
    """The studio log (its url, and the ids of HBL's submitted use and OTH's use)."""
    url = f"sqlite:///{tmp_path / 'studio.db'}"
    monkeypatch.setenv("GREENLIGHT_DATABASE_URL", url)
    store = UseCaseStore(url)
    store.create_production("HBL", "Harbour Lights", actor="fixture")
    store.create_production("OTH", "Other Show", actor="fixture")
    for email, name, role, code in PEOPLE.values():
        store.grant(email, role, code, actor=CLI, name=name)
    ours = parse_answers({"title": "Crowd fill", "involves": {"digital_replica": True}}, GUIDANCE)
    theirs = parse_answers({"title": SECRET}, GUIDANCE)
    hbl = store.log_use("HBL", ours, ENGINE, actor=CLI, status="submitted")
    oth = store.log_use("OTH", theirs, ENGINE, actor=CLI)
    store.log_use("OTH", theirs, ENGINE, actor=CLI)
    return {"url": url, "hbl": hbl.id, "oth": oth.id, "store": store}


def signed_in(sub: str, url_path: str | None = None, **query) -> AppTest:
    """The app run as `sub` signed in (then on the page at `url_path`, if given)."""
    email, name, _, _ = PEOPLE[sub]
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.secrets["auth"] = COMPLETE
    at.user = claims(sub, email, name)
    at.query_params.update(query)
    at.run()
    if url_path is not None:
        at.switch_page(next(spec.path for spec in PAGES if spec.url_path == url_path))
        at.run()
    assert not at.exception, at.exception
    return at


def claims(sub: str, email: str, name: str, **more) -> dict:
    """What st.user holds for a person signed in through a provider that verified the e-mail
    (`more`: claims to add or change)."""
    return {
        "is_logged_in": True, "iss": ISSUER, "sub": sub, "email": email, "name": name,
        "email_verified": True,
    } | more  # fmt: skip


def drawn(at: AppTest) -> str:
    return " ".join(str(getattr(e, "proto", "")) for e in [*at.main, *at.sidebar])


def productions(at: AppTest) -> list[str]:
    boxes = [box for box in at.sidebar.selectbox if box.label == "Production"]
    return list(boxes[0].options) if boxes else []


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


@pytest.mark.parametrize(
    ("sub", "seen"),
    [
        ("ada", ["Harbour Lights · HBL", "Other Show · OTH"]),
        ("mia", ["Harbour Lights · HBL"]),
        ("leo", ["Harbour Lights · HBL"]),
        ("rita", ["Harbour Lights · HBL"]),
    ],
)
def test_the_sidebar_lists_the_productions_the_person_may_see(studio, sub, seen):
    at = signed_in(sub)
    assert productions(at) == seen
    assert "Your name" not in [t.label for t in at.sidebar.text_input]  # studio mode: no name field
    sidebar = " ".join(str(getattr(e, "proto", "")) for e in at.sidebar)
    assert ("New production" in sidebar) == (sub == "ada")


def test_the_overview_counts_only_the_person_s_productions_from_a_shared_cache(studio):
    """Ada's figures, cached first in this process, are not Mia's."""
    admin = signed_in("ada", "overview")
    admin.multiselect[0].set_value([]).run()  # every production
    assert metric(admin, "Uses") == "3"
    member = signed_in("mia", "overview")
    member.multiselect[0].set_value([]).run()
    assert metric(member, "Uses") == "1"
    assert [o for o in member.multiselect[0].options] == ["Harbour Lights · HBL"]
    assert SECRET not in drawn(member)


def _one(elements, label: str):
    (element,) = [e for e in elements if e.label == label]
    return element


def label(status: str) -> str:
    return workflow.status(status).label


def test_a_member_is_offered_no_decision_and_a_reviewer_no_work(studio):
    member = signed_in("mia", "log")
    member.session_state["log-selected"] = studio["hbl"]
    member.run()
    offered = _one(member.selectbox, "New status").options
    assert label("approved") not in offered and label("escalated") not in offered
    assert label("draft") in offered  # taking it back is the production's work
    assert any(b.label == "Archive" for b in member.button)

    reviewer = signed_in("rita", "log")
    reviewer.session_state["log-selected"] = studio["hbl"]
    reviewer.run()
    offered = _one(reviewer.selectbox, "New status").options
    assert label("approved") in offered and label("draft") not in offered
    assert not any(b.label == "Archive" for b in reviewer.button)
    assert "Importing uses is for the production" in drawn(reviewer)


def test_a_reviewer_approves_another_person_s_use_and_history_names_them(studio):
    at = signed_in("rita", "log")
    at.session_state["log-selected"] = studio["hbl"]
    at.run()
    _one(at.selectbox, "New status").set_value("approved")
    _one(at.text_input, "Approval reference").input("WA-7")
    _one(at.text_area, "Note").input("Approved as logged")  # an approval needs both
    _one(at.get("form_submit_button"), "Apply").click()
    at.run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    record = studio["store"].get_use(studio["hbl"], viewer=CLI)
    assert (record.status, record.updated_by) == ("approved", "Rita Reviewer")
    last = studio["store"].history(studio["hbl"], viewer=CLI)[-2]
    assert (last.actor, last.actor_kind) == ("Rita Reviewer", "person")


def test_a_link_to_another_production_s_use_says_it_is_not_theirs(studio):
    # The log leaves it out of the link with a warning; the self-assessment says an error.
    for path, alerts in (("log", "warning"), ("assess", "error")):
        at = signed_in("mia", path, use=studio["oth"])
        said = " ".join(plain(e.value) for e in getattr(at, alerts))
        assert f"may not see use {studio['oth']}" in said
        assert SECRET not in drawn(at) and "OTH" not in productions(at)


def test_the_csv_export_holds_only_the_person_s_productions(studio):
    from greenlight.csvio import iter_csv
    from greenlight.store import UseFilter

    mia = Person(ISSUER, "mia", "mia@studio.test", "Mia Member")
    studio["store"].sign_in(mia)
    text = "".join(iter_csv(studio["store"], GUIDANCE, UseFilter(), viewer=mia))
    assert "Crowd fill" in text and SECRET not in text


def test_a_role_taken_away_counts_at_the_person_s_next_run(studio):
    at = signed_in("mia", "home")
    assert productions(at) == ["Harbour Lights · HBL"]
    studio["store"].revoke("mia@studio.test", "member", "HBL", actor=CLI)
    at.run()
    assert productions(at) == []
    assert "You have no role in any production yet" in drawn(at)
    assert "Crowd fill" not in drawn(at)


def test_the_people_page_for_a_lead_manages_their_production_s_members(studio):
    at = signed_in("leo", "people")
    assert at.title[0].value == "People"
    table = at.dataframe[0].value
    assert sorted(table["E-mail"]) == ["leo@studio.test", "mia@studio.test", "rita@studio.test"]
    assert at.selectbox(key="grant-role-0").options == ["Production member of HBL"]
    at.text_input[0].input("nia@studio.test")
    _one(at.get("form_submit_button"), "Give the role").click()
    at.run()
    assert not at.error, [e.value for e in at.error]
    found = {p.email: p for p in studio["store"].list_people(CLI)}
    assert [(g.role, g.production) for g in found["nia@studio.test"].grants] == [("member", "HBL")]
    assert set(at.selectbox(key="revoke-role-1").options) == {
        "mia@studio.test: Production member of HBL",
        "nia@studio.test: Production member of HBL",
    }


def test_the_people_page_for_an_admin_offers_every_role(studio):
    at = signed_in("ada", "people")
    table = at.dataframe[0].value
    assert len(table) == 4
    words = at.selectbox(key="grant-role-0").options
    assert words[0] == "Studio admin" and "Studio reviewer of OTH" in words


@pytest.mark.parametrize("sub", ["mia", "rita"])
def test_others_have_no_people_page_and_the_store_refuses_them(studio, sub):
    at = signed_in(sub, "home")
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("app_pages/people.py")  # not in this person's navigation
    email, name, _, _ = PEOPLE[sub]
    with pytest.raises(NotPermitted, match="may not manage people"):
        studio["store"].list_people(Person(ISSUER, sub, email, name))


def test_a_decision_on_one_s_own_use_is_refused_in_words(studio):
    email, name, _, _ = PEOPLE["ada"]
    ada = Person(ISSUER, "ada", email, name)
    studio["store"].sign_in(ada)
    answers = parse_answers({"title": "Ada's own"}, GUIDANCE)
    own = studio["store"].log_use("HBL", answers, ENGINE, actor=ada, status="submitted")
    at = signed_in("ada", "log")
    at.session_state["log-selected"] = own.id
    at.run()
    _one(at.selectbox, "New status").set_value("escalated")
    _one(at.get("form_submit_button"), "Apply").click()
    at.run()
    assert not at.exception
    assert [plain(e.value) for e in at.error] == [
        "Ada Admin created, changed or submitted this use, so may not escalate, approve or "
        "decline it: another reviewer of its production decides"
    ]
    assert studio["store"].get_use(own.id, viewer=CLI).status == "submitted"


@pytest.mark.parametrize("sub", ["ada", "rita"])
def test_the_review_desk_is_in_a_reviewer_s_and_an_admin_s_navigation(studio, sub):
    at = signed_in(sub, "review")
    assert at.title[0].value == "Review desk"
    assert list(at.dataframe[0].value["Title"]) == ["Crowd fill"]  # HBL's; OTH's await none


@pytest.mark.parametrize("sub", ["mia", "leo"])
def test_a_member_and_a_lead_have_no_review_desk(studio, sub):
    at = signed_in(sub, "home")
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("app_pages/review.py")  # not in this person's navigation
    email, name, _, _ = PEOPLE[sub]
    with pytest.raises(NotPermitted, match="has no review desk"):
        studio["store"].review_desk(
            Person(ISSUER, sub, email, name), overdue_before=datetime.now(UTC)
        )
