"""The mail server settings of `[notifications]` in secrets.toml, checked once at start-up.

Every problem names the setting and says how to fix it, so a studio admin reading the error
page or the server log can act on it without reading code.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from email.errors import HeaderParseError
from email.headerregistry import Address
from typing import Any

SECURITY_CHOICES = ("starttls", "ssl", "none")
DEFAULT_PORTS = {"starttls": 587, "ssl": 465, "none": 25}
_KNOWN = {"host", "port", "sender", "username", "password", "security", "timeout_seconds"}


class MailSettingsError(ValueError):
    """The `[notifications]` settings cannot be used; the message says which and why, and
    `problems` lists each problem on its own."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__("; ".join(self.problems))


@dataclass(frozen=True)
class MailSettings:
    """Where and how Greenlight sends its notification e-mails."""

    host: str
    sender: str
    port: int = 587
    security: str = "starttls"
    username: str = ""
    password: str = ""
    timeout_seconds: float = 10.0

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> MailSettings:
        """Settings from the `[notifications]` table; MailSettingsError lists every problem."""
        problems = [
            f"notifications.{key} is not a setting Greenlight knows (known: "
            f"{', '.join(sorted(_KNOWN))}); remove it or check its spelling"
            for key in sorted(set(values) - _KNOWN)
        ]
        host = _text(values, "host", problems, required=True)
        sender = _text(values, "sender", problems, required=True)
        if sender and not _is_address(sender):
            problems.append(
                f"notifications.sender must be one e-mail address such as "
                f"greenlight@studio.example, not {sender!r}"
            )
        security = _text(values, "security", problems) or "starttls"
        if security not in SECURITY_CHOICES:
            problems.append(
                f"notifications.security must be one of {', '.join(SECURITY_CHOICES)}, "
                f"not {security!r}"
            )
            security = "starttls"
        port = _number(values, "port", problems, whole=True, low=1, high=65535)
        timeout = _number(values, "timeout_seconds", problems, whole=False, low=0.1, high=300)
        username = _text(values, "username", problems)
        password = _text(values, "password", problems)
        if bool(username) != bool(password):
            problems.append(
                "notifications.username and notifications.password go together: give both "
                "(the server asks for a login) or neither"
            )
        if problems:
            raise MailSettingsError(problems)
        return cls(
            host=host,
            sender=sender,
            port=int(port) if port is not None else DEFAULT_PORTS[security],
            security=security,
            username=username,
            password=password,
            timeout_seconds=float(timeout) if timeout is not None else 10.0,
        )


def _text(values: Mapping[str, Any], key: str, problems: list[str], required=False) -> str:
    value = values.get(key)
    if value is None:
        if required:
            problems.append(f"notifications.{key} is required")
        return ""
    if not isinstance(value, str):
        problems.append(f"notifications.{key} must be text in quotes, not {value!r}")
        return ""
    value = value.strip()
    if required and not value:
        problems.append(f"notifications.{key} is empty; give a value")
    if any(ord(ch) < 32 for ch in value):
        problems.append(f"notifications.{key} must be on one line")
        return ""
    return value


def _number(values, key, problems, *, whole: bool, low: float, high: float):
    value = values.get(key)
    if value is None:
        return None
    kind = "a whole number" if whole else "a number"
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or (whole and not isinstance(value, int))
    ):
        problems.append(f"notifications.{key} must be {kind} without quotes, not {value!r}")
        return None
    if not low <= value <= high:
        problems.append(f"notifications.{key} must be between {low:g} and {high:g}, not {value}")
        return None
    return value


def _is_address(text: str) -> bool:
    try:
        address = Address(addr_spec=text)
    except (HeaderParseError, ValueError, IndexError):
        return False
    return bool(address.username and address.domain)
