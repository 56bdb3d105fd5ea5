"""A sign-in's e-mail counts only when the provider vouches for it, and every page a sign-in is
refused on offers the way out (sign-out), in the real Streamlit runtime (AppTest's st.user
stands in for the provider; tests/e2e/test_studio_sign_in.py signs in through a real one).

An e-mail names the first studio admin ($GREENLIGHT_FIRST_ADMIN) and the person an admin
granted roles to before their first sign-in: a provider that says the e-mail is not verified,
or says nothing, must get neither.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from streamlit.testing.v1 import AppTest

from greenlight.store import Grant, LocalAdministrator, PersonRecord, UseCaseStore
from greenlight.ui.auth import role_summary
from greenlight.ui.text import plain
from tests.apptest.helpers import APP, TIMEOUT
from tests.apptest.test_studio_mode import COMPLETE
from tests.apptest.test_studio_roles import ISSUER, claims

CLI = LocalAdministrator("fixture")
# What a provider may say of the e-mail that does not vouch for it: no, "false", nothing.
UNVERIFIED = {
    "false": {"email_verified": False},
    "text false": {"email_verified": "false"},
    "not said": {"email_verified": None},
}


@pytest.fixture
def log(tmp_path, monkeypatch) -> UseCaseStore:
    """A studio log with production HBL, where Rita was named reviewer before signing in;
    Eve is the first admin by configuration."""
    url = f"sqlite:///{tmp_path / 'studio.db'}"
    monkeypatch.setenv("GREENLIGHT_DATABASE_URL", url)
    monkeypatch.setenv("GREENLIGHT_FIRST_ADMIN", "eve@studio.test")
    store = UseCaseStore(url)
    store.create_production("HBL", "Harbour Lights", actor="fixture")
    store.grant("rita@studio.test", "reviewer", "HBL", actor=CLI, name="Rita Reviewer")
    return store


def run_as(sub: str, email: str, name: str, **said) -> AppTest:
    """The app run once as this sign-in; `said`: the claims changed (None: left out)."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.secrets["auth"] = COMPLETE
    at.user = {k: v for k, v in claims(sub, email, name, **said).items() if v is not None}
    at.run()
    assert not at.exception, at.exception
    return at


def main_text(at: AppTest) -> str:
    return " ".join(str(getattr(e, "proto", "")) for e in at.main)


def mode_line(at: AppTest) -> str:
    return plain(at.main.caption[0].value)


def refused_with_a_way_out(at: AppTest, words: str) -> None:
    """The run stopped before the sidebar: an error saying `words`, and a sign-out button."""
    assert words in plain(at.error[0].value)
    assert [b.label for b in at.main.button] == ["Sign out"]
    assert not at.sidebar.selectbox  # stopped before the sidebar and any page


@pytest.mark.parametrize("said", list(UNVERIFIED.values()), ids=list(UNVERIFIED))
def test_an_unverified_e_mail_does_not_take_the_first_admin_seat(log, said):
    at = run_as("eve", "eve@studio.test", "Eve Early", **said)
    refused_with_a_way_out(at, "has not confirmed that eve@studio.test is yours")
    assert "sign out and sign in again" in main_text(at)
    assert mode_line(at) == "Studio mode · signed in as Eve Early"
    assert [p.email for p in log.list_people(CLI)] == ["rita@studio.test"]
    assert not log.studio_mode()  # no admin was named


def test_a_verified_e_mail_takes_the_first_admin_seat(log):
    at = run_as("eve", "eve@studio.test", "Eve Early")
    assert not at.error
    assert mode_line(at) == "Studio mode · signed in as Eve Early (studio admin)"
    (eve,) = [p for p in log.list_people(CLI) if p.email == "eve@studio.test"]
    assert eve.is_admin and (eve.issuer, eve.subject) == (ISSUER, "eve")


@pytest.mark.parametrize("said", list(UNVERIFIED.values()), ids=list(UNVERIFIED))
def test_an_unverified_e_mail_does_not_take_the_roles_named_for_it(log, said):
    at = run_as("mallory", "rita@studio.test", "Mallory", **said)
    refused_with_a_way_out(at, "has not confirmed that rita@studio.test is yours")
    (rita,) = log.list_people(CLI)
    assert (rita.issuer, rita.subject, rita.name) == (None, None, "Rita Reviewer")


def test_an_identity_bound_before_gets_in_whatever_the_provider_says_now(log):
    """Its issuer and subject name it, not the e-mail: Rita, bound at a verified sign-in,
    keeps her roles when the provider later leaves the claim out."""
    first = run_as("rita", "rita@studio.test", "Rita Reviewer")
    assert mode_line(first) == "Studio mode · signed in as Rita Reviewer (reviewer of HBL)"
    again = run_as("rita", "rita@studio.test", "Rita Reviewer", email_verified=None)
    assert not again.error
    assert mode_line(again) == "Studio mode · signed in as Rita Reviewer (reviewer of HBL)"
    assert [o for b in again.sidebar.selectbox for o in b.options] == ["Harbour Lights · HBL"]


def test_an_e_mail_bound_to_another_sign_in_is_refused_with_sign_out(log):
    run_as("rita", "rita@studio.test", "Rita Reviewer")
    at = run_as("rita-2", "rita@studio.test", "Rita Again")
    refused_with_a_way_out(at, "belongs to another sign-in known to the log")
    assert "Sign out, then sign in with the account" in main_text(at)
    assert mode_line(at) == "Studio mode · signed in as Rita Again"


def test_a_database_that_cannot_be_opened_still_offers_sign_out(log, tmp_path, monkeypatch):
    """The error page stops before the sidebar; a signed-in person can still sign out."""
    (tmp_path / "a-file").write_text("not a folder")
    missing = tmp_path / "a-file" / "studio.db"  # its folder cannot be made
    monkeypatch.setenv("GREENLIGHT_DATABASE_URL", f"sqlite:///{missing}")
    at = run_as("rita", "rita@studio.test", "Rita Reviewer")
    refused_with_a_way_out(at, "The use-case log could not be opened.")
    assert str(missing) not in main_text(at)  # where the reason is, not the reason


@pytest.mark.parametrize(
    ("grants", "said"),
    [
        ([], "no role yet"),
        ([("member", "HBL")], "member of HBL"),
        ([("lead", "HBL"), ("member", "OTH")], "lead of HBL, member of OTH"),
        ([("lead", "A"), ("member", "B"), ("reviewer", "C")], "lead of A, member of B and 1 more"),
        ([("member", "HBL"), ("admin", None)], "studio admin"),
    ],
)
def test_the_mode_line_says_the_roles_in_a_few_words(grants, said):
    at = datetime(2026, 1, 1, tzinfo=UTC)
    held = tuple(Grant(role, code, at, "fixture") for role, code in grants)
    me = PersonRecord(1, "x@studio.test", "X", ISSUER, "x", at, held)
    assert role_summary(me) == said
