"""Notification e-mails through a real SMTP server on loopback (aiosmtpd)."""

from __future__ import annotations

import email
import email.policy
import socket

import pytest
from aiosmtpd.controller import Controller

from greenlight.notify import (
    MailSettings,
    MailSettingsError,
    Notice,
    compose,
    deliver,
    use_link,
)


class Inbox:
    """Keeps every message the server accepts, parsed."""

    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.refuse: set[str] = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 no such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        self.messages.append(
            email.message_from_bytes(envelope.content, policy=email.policy.default)
        )
        return "250 Message accepted"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield inbox, controller.port
    finally:
        controller.stop()


def settings_for(port: int, **extra) -> MailSettings:
    return MailSettings.from_mapping(
        {"host": "127.0.0.1", "port": port, "sender": "greenlight@studio.test", "security": "none"}
        | extra
    )


def notice(**changes) -> Notice:
    values = dict(
        kind="submitted",
        recipient="rita@studio.test",
        use_id="u-42",
        title="Crowd extension, ep. 3",
        level="Written approval",
        production="Harbour Lights (HBL-S1)",
        link=use_link("https://greenlight.studio.test/", "u-42"),
    )
    return Notice(**(values | changes))


def test_a_submitted_use_reaches_the_reviewer_with_title_level_production_and_link(
    smtp_server,
):
    inbox, port = smtp_server
    results = deliver(settings_for(port), [notice()])
    assert [(r.sent, r.error) for r in results] == [(True, "")]
    assert inbox.envelopes == [("greenlight@studio.test", ["rita@studio.test"])]
    (message,) = inbox.messages
    assert message["Subject"] == "Review requested: Crowd extension, ep. 3"
    assert message["To"] == "rita@studio.test"
    body = message.get_content()
    assert "Title: Crowd extension, ep. 3" in body
    assert "Level: Written approval" in body
    assert "Production: Harbour Lights (HBL-S1)" in body
    assert "https://greenlight.studio.test/log?use=u-42" in body
    assert message.get_content_type() == "text/plain"


def test_a_decision_names_itself_to_the_author(smtp_server):
    inbox, port = smtp_server
    deliver(settings_for(port), [notice(kind="decided", decision="Approved")])
    (message,) = inbox.messages
    assert message["Subject"] == "Approved: Crowd extension, ep. 3"
    assert "The studio took a decision on a use you logged: Approved." in message.get_content()


def test_a_title_cannot_add_headers_and_keeps_its_accents(smtp_server):
    inbox, port = smtp_server
    hostile = "Décor\r\nBcc: everyone@evil.test\nX-Evil: 1 雨の街"
    deliver(settings_for(port), [notice(title=hostile)])
    (message,) = inbox.messages
    assert message["Bcc"] is None and message["X-Evil"] is None
    assert message["Subject"] == "Review requested: Décor Bcc: everyone@evil.test X-Evil: 1 雨の街"
    assert inbox.envelopes[0][1] == ["rita@studio.test"]


def test_a_refused_address_fails_alone(smtp_server):
    inbox, port = smtp_server
    inbox.refuse.add("gone@studio.test")
    results = deliver(settings_for(port), [notice(recipient="gone@studio.test"), notice()])
    assert [r.sent for r in results] == [False, True]
    assert results[0].error == "the mail server refused the address gone@studio.test"
    assert len(inbox.messages) == 1


def test_a_server_that_is_not_there_fails_every_notice_with_a_reason():
    port = free_port()  # nothing listens on it
    results = deliver(settings_for(port), [notice(), notice(recipient="sam@studio.test")])
    assert [r.sent for r in results] == [False, False]
    assert results[0].error == (
        f"nothing listens at 127.0.0.1:{port}; check notifications.host and notifications.port"
    )


def test_starttls_against_a_server_without_it_says_so(smtp_server):
    _, port = smtp_server
    (result,) = deliver(settings_for(port, security="starttls"), [notice()])
    assert not result.sent
    assert result.error == (
        f"the mail server 127.0.0.1:{port} does not speak starttls; check notifications.security"
    )


def test_no_notices_opens_no_connection():
    assert deliver(settings_for(free_port()), []) == []


@pytest.mark.parametrize(
    ("values", "problem"),
    [
        ({"sender": "a@b.test"}, "notifications.host is required"),
        ({"host": "mail"}, "notifications.sender is required"),
        ({"host": "mail", "sender": "not an address"}, "notifications.sender must be one e-mail"),
        (
            {"host": "mail", "sender": "a@b.test", "port": "25"},
            "notifications.port must be a whole number without quotes, not '25'",
        ),
        (
            {"host": "mail", "sender": "a@b.test", "port": 70000},
            "notifications.port must be between 1 and 65535, not 70000",
        ),
        (
            {"host": "mail", "sender": "a@b.test", "security": "tls"},
            "notifications.security must be one of starttls, ssl, none, not 'tls'",
        ),
        (
            {"host": "mail", "sender": "a@b.test", "username": "u"},
            "notifications.username and notifications.password go together",
        ),
        (
            {"host": "mail", "sender": "a@b.test", "hots": "x"},
            "notifications.hots is not a setting Greenlight knows",
        ),
        ({"host": "mail\nX: y", "sender": "a@b.test"}, "notifications.host must be on one line"),
    ],
)
def test_bad_settings_name_the_setting_and_the_fix(values, problem):
    with pytest.raises(MailSettingsError) as caught:
        MailSettings.from_mapping(values)
    assert problem in str(caught.value)


def test_settings_default_the_port_from_the_security():
    assert MailSettings.from_mapping({"host": "m", "sender": "a@b.test"}).port == 587
    ssl_settings = MailSettings.from_mapping({"host": "m", "sender": "a@b.test", "security": "ssl"})
    assert ssl_settings.port == 465


def test_an_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="unknown notice kind 'deleted'"):
        notice(kind="deleted")


def test_the_link_quotes_the_id():
    assert use_link("http://h:8501", "a b&c") == "http://h:8501/log?use=a%20b%26c"
    assert compose(notice(), "g@s.test")["From"] == "g@s.test"
