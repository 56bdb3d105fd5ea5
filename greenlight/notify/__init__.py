"""Notification e-mails: the `[notifications]` settings, the messages, and their delivery.

The store decides who is told (it knows the roles); this package words the e-mails and sends
them, and never raises a sending failure at the change it is about.
"""

from greenlight.notify.messages import NOTICE_KINDS, Notice, NoticeKind, compose, use_link
from greenlight.notify.outbox import send_pending
from greenlight.notify.settings import MailSettings, MailSettingsError
from greenlight.notify.smtp import Delivery, deliver

__all__ = [
    "NOTICE_KINDS",
    "Delivery",
    "MailSettings",
    "MailSettingsError",
    "Notice",
    "NoticeKind",
    "compose",
    "deliver",
    "send_pending",
    "use_link",
]
