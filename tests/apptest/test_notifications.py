"""The app's e-mail path, in the real Streamlit runtime with a real SMTP server on loopback
(aiosmtpd) named in `[notifications]`: a decision taken on the review desk in studio mode
e-mails the use's author what was decided, and no more than the title, level, production and
a link; with the mail server down the decision is kept, the failure logged and shown to a
studio admin on the desk; settings that cannot be used are shown to admins, not only logged.
"""

from __future__ import annotations

import logging
import time

import pytest
from streamlit.testing.v1 import AppTest

from greenlight.policy import parse_answers
from greenlight.present import level_label
from greenlight.store import LocalAdministrator, Person, UseCaseStore
from greenlight.ui.text import plain
from tests.apptest.helpers import APP, ENGINE, GUIDANCE, TIMEOUT
from tests.apptest.test_studio_mode import COMPLETE
from tests.apptest.test_studio_roles import ISSUER, claims
from tests.unit.notify import test_mail
from tests.unit.notify.test_mail import free_port

smtp_server = test_mail.smtp_server  # a real SMTP server on loopback: (inbox, port)
BASE = "https://greenlight.studio.test"
CLI = LocalAdministrator("fixture")
SENDER = "greenlight@studio.test"
PEOPLE = {
    "ada": ("ada@studio.test", "Ada Admin", "admin", None),
    "mia": ("mia@studio.test", "Mia Member", "member", "HBL"),
    "rita": ("rita@studio.test", "Rita Reviewer", "reviewer", "HBL"),
}
TITLE = "Crowd fill with a replica"


@pytest.fixture
def studio(tmp_path, monkeypatch) -> tuple[UseCaseStore, str]:
    """A studio log where Mia (member of HBL) submitted a replica use for Rita (its reviewer)
    to decide on; the e-mail of that submission already went. (store, use id)"""
    url = f"sqlite:///{tmp_path / 'studio.db'}"
    monkeypatch.setenv("GREENLIGHT_DATABASE_URL", url)
    monkeypatch.setenv("GREENLIGHT_BASE_URL", BASE)
    store = UseCaseStore(url)
    store.create_production("HBL", "Harbour Lights", actor="fixture")
    for email, name, role, code in PEOPLE.values():
        store.grant(email, role, code, actor=CLI, name=name)
    mia = Person(ISSUER, "mia", "mia@studio.test", "Mia Member")
    store.sign_in(mia)
    answers = parse_answers({"title": TITLE, "involves": {"digital_replica": True}}, GUIDANCE)
    use = store.log_use("HBL", answers, ENGINE, actor=mia, status="submitted")
    store.mark_notices((n.id, True, "") for n in store.claim_notices())
    return store, use.id


def run_as(sub: str, mail: dict, url_path: str = "review", **query) -> AppTest:
    """The app run as `sub`, signed in, with `mail` as [notifications], on the page."""
    email, name, _, _ = PEOPLE[sub]
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.secrets["auth"] = COMPLETE
    at.secrets["notifications"] = mail
    at.user = claims(sub, email, name)
    at.run()
    at.switch_page(f"app_pages/{url_path}.py")
    at.query_params.update(query)
    at.run()
    assert not at.exception, at.exception
    return at


def mail_to(port: int, **more) -> dict:
    return {"host": "127.0.0.1", "port": port, "sender": SENDER, "security": "none"} | more


def approve(at: AppTest, store: UseCaseStore, use_id: str) -> None:
    """Rita approves the use on the desk with the studio's reference and a note."""
    use = store.get_use(use_id, viewer=CLI)
    stamp = f"{use.id}-{use.version}"
    at.radio(key=f"decide-target-{stamp}").set_value("approved")
    at.text_input(key=f"decide-ref-{stamp}").set_value("WA-2211")
    at.text_area(key=f"decide-note-{stamp}").set_value("Consent on file")
    next(b for b in at.button if b.label == "Record the decision").click().run()
    assert not at.exception, at.exception
    assert store.get_use(use_id, viewer=CLI).status == "approved"


def eventually(check, seconds: float = 15):
    """`check()` once it is truthy (the app sends in a thread of its own after the write)."""
    deadline = time.monotonic() + seconds
    while not (found := check()):
        assert time.monotonic() < deadline, "not within the time allowed"
        time.sleep(0.1)
    return found


def test_a_decision_on_the_desk_e_mails_the_author_title_level_production_and_link(
    studio, smtp_server
):
    store, use_id = studio
    inbox, port = smtp_server
    at = run_as("rita", mail_to(port), use=use_id)
    approve(at, store, use_id)

    (message,) = eventually(lambda: inbox.messages)
    assert inbox.envelopes == [(SENDER, ["mia@studio.test"])]
    assert (message["From"], message["To"]) == (SENDER, "mia@studio.test")
    assert message["Subject"] == f"Approved: {TITLE}"
    level = level_label(GUIDANCE, store.get_use(use_id, viewer=CLI).level)
    assert message.get_content().splitlines() == [
        "The studio took a decision on a use you logged: Approved.",
        "",
        f"Title: {TITLE}",
        f"Level: {level}",
        "Production: Harbour Lights (HBL)",
        "",
        f"Open it in Greenlight (sign-in required): {BASE}/log?use={use_id}",
        "",
        "You receive this because of your role in Greenlight for this production.",
    ]
    # Nothing of the decision's reference or note, nor of who took it, leaves Greenlight.
    assert "WA-2211" not in message.as_string() and "Consent" not in message.as_string()
    assert "Rita" not in message.as_string()
    eventually(lambda: [n.state for n in store.notices_of(use_id)] == ["sent", "sent"])


def test_with_the_mail_server_down_the_decision_is_kept_and_the_admin_sees_why(studio, caplog):
    store, use_id = studio
    down = free_port()  # nothing listens there
    caplog.set_level(logging.ERROR, logger="greenlight")
    at = run_as("rita", mail_to(down), use=use_id)
    approve(at, store, use_id)

    failed = eventually(lambda: [n for n in store.notices_of(use_id) if n.state == "failed"])
    why = f"nothing listens at 127.0.0.1:{down}; check notifications.host and notifications.port"
    assert [(n.recipient, n.kind, n.error) for n in failed] == [("mia@studio.test", "decided", why)]
    assert store.get_use(use_id, viewer=CLI).status == "approved"  # the change stays
    logged = eventually(lambda: [r.getMessage() for r in caplog.records if why in r.getMessage()])
    assert f"use {use_id}, to mia@studio.test" in logged[0]

    admin = run_as("ada", mail_to(down))
    assert plain(admin.warning[0].value).startswith(
        "1 notification e-mail(s) could not be sent. The server's log has each one"
    )
    table = next(e for e in admin.expander if e.label == "Failed e-mails").dataframe[0].value
    assert list(table.columns) == ["When", "To", "About", "Use", "Why"]
    assert table[["To", "About", "Use", "Why"]].values.tolist() == [
        ["mia@studio.test", "decided", use_id, why]
    ]
    # Rita reviews, but the outbox is the studio admins' to watch.
    reviewer = run_as("rita", mail_to(down))
    assert not [e for e in reviewer.expander if e.label == "Failed e-mails"]


def test_settings_that_cannot_be_used_are_shown_to_admins_as_text(studio):
    bad = mail_to(0, sender="**not** an <address>")
    admin = run_as("ada", bad)
    (said,) = [e.value for e in admin.error if "[notifications]" in e.value]
    assert "Notification e-mails are not sent" in said
    assert admin.code[0].value == "\n".join(
        [
            "notifications.sender must be one e-mail address such as "
            "greenlight@studio.example, not '**not** an <address>'",
            "notifications.port must be between 1 and 65535, not 0",
        ]
    )
    reviewer = run_as("rita", bad)
    assert not [e for e in reviewer.error if "[notifications]" in e.value]


def test_with_no_mail_settings_the_admin_reads_why_notices_wait(studio):
    """No [notifications]: a decision's notice waits in the log, and the desk tells a studio
    admin why none is sent and how to send them, not only that some are waiting."""
    store, use_id = studio
    rita = Person(ISSUER, "rita", "rita@studio.test", "Rita Reviewer")
    store.sign_in(rita)
    use = store.get_use(use_id, viewer=CLI)
    store.set_status(
        use_id, "declined", actor=rita, note="not for this episode", expected_version=use.version
    )
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.secrets["auth"] = COMPLETE
    at.user = claims("ada", "ada@studio.test", "Ada Admin")
    at.run()
    at.switch_page("app_pages/review.py")
    at.run()
    assert not at.exception, at.exception
    [waiting] = [c.value for c in at.caption if "not sent yet" in c.value]
    assert waiting.startswith("1 notification e-mail(s) not sent yet: no `[notifications]`")
    assert "python -m greenlight notify send" in waiting
