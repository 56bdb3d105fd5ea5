"""The outbox on SQLite and PostgreSQL: a change writes its notification e-mails in its own
transaction (a refused change writes none), and sending them through a real SMTP server on
loopback marks each sent, or failed with the reason while the change stays."""

from __future__ import annotations

import logging

import pytest

from greenlight.notify import send_pending
from greenlight.store import FileImport, NewUse, NotPermitted, StaleUse
from tests.unit.cli_run import run_cli
from tests.unit.notify import test_mail
from tests.unit.notify.test_mail import free_port, settings_for
from tests.unit.store import test_access
from tests.unit.store.test_access import ADA, CLI, ENGINE, MIA, RITA, ROB, answers

BASE = "https://greenlight.studio.test"
studio = test_access.studio  # the fixtures: productions A and B with their people
smtp_server = test_mail.smtp_server


def outbox(store, use_id: str) -> list[tuple[str, str, str]]:
    return [(n.kind, n.recipient, n.state) for n in store.notices_of(use_id)]


def test_a_submission_tells_the_reviewers_and_a_decision_the_author(studio):
    use = studio.log_use("A", answers("Crowd"), ENGINE, actor=MIA)
    assert outbox(studio, use.id) == []  # a draft waits for no one
    use = studio.set_status(use.id, "submitted", actor=MIA, expected_version=use.version)
    assert outbox(studio, use.id) == [("submitted", "rita@studio.test", "pending")]

    studio.grant("rex@studio.test", "reviewer", "A", actor=CLI)
    use = studio.set_status(use.id, "escalated", actor=RITA, expected_version=use.version)
    # Rex hears of it; Rita, who escalated it, does not.
    assert outbox(studio, use.id)[1:] == [("escalated", "rex@studio.test", "pending")]

    studio.set_status(use.id, "declined", actor=RITA, note="no", expected_version=use.version)
    decided = studio.notices_of(use.id)[-1]
    assert (decided.kind, decided.recipient, decided.decision) == (
        "decided", "mia@studio.test", "Declined",
    )  # fmt: skip
    assert (decided.title, decided.level, decided.production) == ("Crowd", use.level, "Alpha (A)")


def test_a_use_logged_as_submitted_is_announced_and_an_import_is_not(studio):
    use = studio.log_use("A", answers(), ENGINE, actor=MIA, status="submitted")
    assert outbox(studio, use.id) == [("submitted", "rita@studio.test", "pending")]
    given = answers("imported")
    new = NewUse(given, ENGINE.assess(given), status="submitted")
    file = FileImport("0" * 64, "uses.csv")
    (imported,) = studio.insert_uses("A", [new], ENGINE.guidance, actor=MIA, file=file)
    assert studio.get_use(imported, viewer=ADA).status == "submitted"
    assert outbox(studio, imported) == []


def test_with_no_reviewer_the_studio_admins_are_told(studio):
    studio.create_production("C", "Gamma", actor=CLI)
    studio.grant("mia@studio.test", "member", "C", actor=CLI)
    use = studio.log_use("C", answers(), ENGINE, actor=MIA, status="submitted")
    assert outbox(studio, use.id) == [("submitted", "ada@studio.test", "pending")]


def test_a_refused_change_writes_no_notice(studio):
    use = studio.log_use("A", answers(), ENGINE, actor=MIA, status="submitted")
    before = outbox(studio, use.id)
    with pytest.raises(NotPermitted):  # a reviewer of another production
        studio.set_status(use.id, "declined", actor=ROB, note="x", expected_version=use.version)
    with pytest.raises(StaleUse):
        studio.set_status(use.id, "declined", actor=RITA, note="x", expected_version=99)
    with pytest.raises(NotPermitted):  # the approval needs a reviewer, not a member
        studio.set_status(
            use.id,
            "approved",
            actor=MIA,
            expected_version=use.version,
            approval_ref="WA-1",
            note="approved as assessed",
        )
    assert outbox(studio, use.id) == before
    assert studio.get_use(use.id, viewer=ADA).version == use.version


def test_a_local_log_has_no_one_to_tell(store):
    store.create_production("A", "Alpha", actor="Sam")
    use = store.log_use("A", answers(), ENGINE, actor="Sam", status="submitted")
    store.set_status(
        use.id,
        "approved",
        actor="Ana",
        expected_version=use.version,
        approval_ref="WA-1",
        note="approved as assessed",
    )
    assert outbox(store, use.id) == []


def test_sending_marks_each_notice_sent(studio, smtp_server):
    inbox, port = smtp_server
    use = studio.log_use("A", answers("Crowd <b>ext</b>"), ENGINE, actor=MIA, status="submitted")

    done = send_pending(studio, settings_for(port), BASE, lambda level: f"L:{level}")

    assert [(d.sent, d.notice.recipient) for d in done] == [(True, "rita@studio.test")]
    assert outbox(studio, use.id) == [("submitted", "rita@studio.test", "sent")]
    (message,) = inbox.messages
    assert message["To"] == "rita@studio.test"
    assert message["Subject"] == "Review requested: Crowd <b>ext</b>"
    body = message.get_content()
    assert f"{BASE}/log?use={use.id}" in body and f"L:{use.level}" in body
    assert "Alpha (A)" in body
    assert send_pending(studio, settings_for(port), BASE) == []  # nothing sent twice


def test_a_failing_server_marks_the_notices_failed_and_keeps_the_change(
    studio, smtp_server, caplog
):
    inbox, port = smtp_server
    use = studio.log_use("A", answers(), ENGINE, actor=MIA, status="submitted")
    nowhere = free_port()  # nothing listens there

    with caplog.at_level(logging.ERROR, logger="greenlight"):
        done = send_pending(studio, settings_for(nowhere), BASE)

    assert [d.sent for d in done] == [False]
    (failed,) = studio.notices_of(use.id)
    assert failed.state == "failed" and f"nothing listens at 127.0.0.1:{nowhere}" in failed.error
    assert failed.attempts == 1
    assert "was not sent" in caplog.text and use.id in caplog.text
    assert studio.get_use(use.id, viewer=ADA).status == "submitted"
    state = studio.outbox_state(ADA)
    assert (state.pending, state.failed) == (0, 1) and state.failures[0].id == failed.id
    with pytest.raises(NotPermitted):
        studio.outbox_state(RITA)
    # Not retried unless asked; asked, and the server is up, it goes.
    assert send_pending(studio, settings_for(port), BASE) == []
    assert [d.sent for d in send_pending(studio, settings_for(port), BASE, retry_failed=True)] == [
        True
    ]
    assert outbox(studio, use.id) == [("submitted", "rita@studio.test", "sent")]
    assert studio.notices_of(use.id)[0].attempts == 2 and len(inbox.messages) == 1


def test_two_senders_never_take_the_same_notice(studio):
    for n in range(5):
        studio.log_use("A", answers(f"use {n}"), ENGINE, actor=MIA, status="submitted")
    first = studio.claim_notices(limit=3)
    second = studio.claim_notices(limit=3)
    assert len(first) == 3 and len(second) == 2
    assert not {n.id for n in first} & {n.id for n in second}
    assert studio.claim_notices() == []


def test_the_command_line_sends_and_retries(studio, smtp_server, tmp_path):
    inbox, port = smtp_server
    use = studio.log_use("A", answers(), ENGINE, actor=MIA, status="submitted")
    secrets = tmp_path / "secrets.toml"
    table = '[notifications]\nhost = "127.0.0.1"\nsender = "gl@studio.test"\nsecurity = "none"\n'
    secrets.write_text(table + f"port = {free_port()}\n")
    where = ("--secrets", str(secrets), "--database", studio.url)

    code, out, _ = run_cli("notify", "send", *where)
    assert code == 1 and out.startswith("0 sent, 1 failed\nfailed: use ")
    assert outbox(studio, use.id) == [("submitted", "rita@studio.test", "failed")]

    secrets.write_text(table + f"port = {port}\n")
    assert run_cli("notify", "send", *where)[:2] == (0, "0 sent, 0 failed\n")
    assert run_cli("notify", "send", "--retry", *where)[:2] == (0, "1 sent, 0 failed\n")
    assert [m["To"] for m in inbox.messages] == ["rita@studio.test"]
    code, _, err = run_cli("notify", "send", "--secrets", str(tmp_path / "none.toml"))
    assert code == 2 and "no such file" in err
