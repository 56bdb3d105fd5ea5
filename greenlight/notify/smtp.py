"""Sending notification e-mails over SMTP, one connection per batch.

A failure never raises to the caller: the change the mail is about is already committed, so
each message comes back with whether it was sent and, if not, why in words an admin can act on.
"""

from __future__ import annotations

import smtplib
import socket
import ssl
from collections.abc import Sequence
from dataclasses import dataclass

from greenlight.notify.messages import Notice, compose
from greenlight.notify.settings import MailSettings


@dataclass(frozen=True)
class Delivery:
    """What became of one notice."""

    notice: Notice
    sent: bool
    error: str = ""


def deliver(settings: MailSettings, notices: Sequence[Notice]) -> list[Delivery]:
    """Send every notice; return one Delivery per notice, in order."""
    if not notices:
        return []
    try:
        client = _connect(settings)
    except (OSError, smtplib.SMTPException) as exc:
        reason = _server_problem(settings, exc)
        return [Delivery(notice, False, reason) for notice in notices]
    results = []
    with client:
        for notice in notices:
            try:
                client.send_message(compose(notice, settings.sender))
            except smtplib.SMTPRecipientsRefused:
                results.append(
                    Delivery(
                        notice, False, f"the mail server refused the address {notice.recipient}"
                    )
                )
            except (OSError, smtplib.SMTPException) as exc:
                results.append(Delivery(notice, False, _server_problem(settings, exc)))
            else:
                results.append(Delivery(notice, True))
    return results


def _connect(settings: MailSettings) -> smtplib.SMTP:
    timeout = settings.timeout_seconds
    if settings.security == "ssl":
        context = ssl.create_default_context()
        client: smtplib.SMTP = smtplib.SMTP_SSL(
            settings.host, settings.port, timeout=timeout, context=context
        )
    else:
        client = smtplib.SMTP(settings.host, settings.port, timeout=timeout)
        if settings.security == "starttls":
            client.starttls(context=ssl.create_default_context())
    if settings.username:
        client.login(settings.username, settings.password)
    return client


def _server_problem(settings: MailSettings, exc: BaseException) -> str:
    where = f"{settings.host}:{settings.port}"
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return f"the mail server {where} refused the login; check notifications.username/password"
    if isinstance(exc, smtplib.SMTPNotSupportedError | ssl.SSLError):
        return (
            f"the mail server {where} does not speak {settings.security}; check "
            "notifications.security"
        )
    if isinstance(exc, socket.timeout | TimeoutError):
        return f"the mail server {where} did not answer within {settings.timeout_seconds:g} s"
    if isinstance(exc, ConnectionRefusedError):
        return f"nothing listens at {where}; check notifications.host and notifications.port"
    if isinstance(exc, socket.gaierror):
        return f"the mail server's name {settings.host!r} cannot be found; check notifications.host"
    detail = " ".join(str(exc).split()) or type(exc).__name__
    return f"sending through {where} failed: {detail}"
