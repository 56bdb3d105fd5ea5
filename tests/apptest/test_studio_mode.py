"""Studio mode's gate in the real Streamlit runtime: an incomplete [auth] table stops every
page with what to fix, and a complete one shows a visitor only the sign-in page."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from greenlight.deploy import AUTH_SETTINGS, auth_problems
from greenlight.ui.text import plain
from tests.apptest.helpers import APP, TIMEOUT, fresh_log

COMPLETE = {
    "redirect_uri": "http://127.0.0.1:8501/oauth2callback",
    "cookie_secret": "0123456789abcdef0123456789abcdef",
    "client_id": "greenlight",
    "client_secret": "s3cret",
    "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
}


def run_with_auth(auth: dict) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.secrets["auth"] = auth
    at.run()
    return at


def everything(at: AppTest) -> str:
    return " ".join(str(getattr(e, "proto", "")) for e in [*at.main, *at.sidebar])


def test_a_visitor_gets_the_sign_in_button_and_nothing_of_the_log(tmp_path, monkeypatch):
    fresh_log(tmp_path, monkeypatch)
    at = run_with_auth(COMPLETE)
    assert not at.exception
    assert [b.label for b in at.button] == ["Sign in"]
    assert at.main.caption[0].value == "Studio mode · sign-in required"
    drawn = everything(at)
    assert "Test production" not in drawn and "TST" not in drawn
    assert not at.sidebar.text_input  # no name field, nor the new-production form


def test_a_missing_cookie_secret_stops_every_page_with_what_to_fix(tmp_path, monkeypatch):
    fresh_log(tmp_path, monkeypatch)
    at = run_with_auth({k: v for k, v in COMPLETE.items() if k != "cookie_secret"})
    assert not at.exception
    assert not at.button
    assert "settings are incomplete" in at.error[0].value
    assert at.code[0].value == (
        "auth.cookie_secret is missing: a long random string that signs the sign-in cookie"
    )
    assert "Test production" not in everything(at)


@pytest.mark.parametrize("key", list(AUTH_SETTINGS))
def test_every_setting_is_required(key):
    problems = auth_problems({k: v for k, v in COMPLETE.items() if k != key})
    assert problems == [f"auth.{key} is missing: {AUTH_SETTINGS[key]}"]


def test_a_short_cookie_secret_is_refused():
    assert auth_problems(COMPLETE | {"cookie_secret": "short"}) == [
        "auth.cookie_secret is too short: use at least 32 random characters"
    ]


def test_local_mode_keeps_the_name_field_and_says_it_is_for_one_person(tmp_path, monkeypatch):
    fresh_log(tmp_path, monkeypatch)
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    assert "Your name" in [t.label for t in at.sidebar.text_input]
    captions = " ".join(plain(c.value) for c in at.sidebar.caption)
    assert "Local mode, for one person on this machine" in captions
    # Said first in the main area too, which a phone shows with its sidebar folded away.
    assert at.main.caption[0].value == (
        "Local mode: for one person on this machine; names are not verified"
    )
