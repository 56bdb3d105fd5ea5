"""The settings a deployment reads from `.streamlit/secrets.toml`, checked without Streamlit:
`[auth]` (sign-in, studio mode) and `[notifications]` (e-mail).

The app checks them on every page (ui.auth, ui.notices) and `python -m greenlight
check-deploy` before the server starts (`make run`), so a studio server never starts with a
sign-in that cannot work. Both read the files Streamlit reads, in its order.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from greenlight.notify import MailSettings, MailSettingsError

# The [auth] settings Streamlit's st.login needs for one provider, and what each is for.
AUTH_SETTINGS: dict[str, str] = {
    "redirect_uri": "this app's address followed by /oauth2callback",
    "cookie_secret": "a long random string that signs the sign-in cookie",
    "client_id": "the client id the provider gave Greenlight",
    "client_secret": "the client secret the provider gave Greenlight",
    "server_metadata_url": "the provider's /.well-known/openid-configuration address",
}
MIN_COOKIE_SECRET = 32


def secrets_files() -> list[Path]:
    """Where Streamlit looks for secrets.toml by default, in its order (a later file's tables
    replace an earlier one's): the user's, then the folder the server starts in."""
    return [Path.home() / ".streamlit" / "secrets.toml", Path.cwd() / ".streamlit" / "secrets.toml"]


class UnreadableSettings(ValueError):
    """A secrets.toml exists but cannot be read as TOML."""


def read_secrets(paths: Iterable[Path]) -> tuple[dict[str, Any], list[Path]]:
    """The tables of the files that exist, merged as Streamlit merges them, and those files."""
    merged: dict[str, Any] = {}
    found = []
    for path in paths:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except FileNotFoundError:
            continue
        except (OSError, UnicodeDecodeError) as exc:
            raise UnreadableSettings(f"{path}: cannot be read ({exc})") from None
        try:
            merged.update(tomllib.loads(text))
        except tomllib.TOMLDecodeError as exc:
            raise UnreadableSettings(f"{path}: not valid TOML ({exc})") from None
        found.append(Path(path))
    return merged, found


def auth_problems(table: Mapping[str, Any]) -> list[str]:
    """What is missing from `[auth]` for sign-in to work (empty when it is complete)."""
    problems = []
    for key, meaning in AUTH_SETTINGS.items():
        value = table.get(key)
        if not isinstance(value, str) or not value.strip():
            problems.append(f"auth.{key} is missing: {meaning}")
    secret = table.get("cookie_secret")
    if isinstance(secret, str) and 0 < len(secret.strip()) < MIN_COOKIE_SECRET:
        problems.append(
            f"auth.cookie_secret is too short: use at least {MIN_COOKIE_SECRET} random characters"
        )
    return problems


def notification_problems(table: Mapping[str, Any]) -> list[str]:
    """What is wrong with `[notifications]` (empty when e-mail can be sent with it)."""
    try:
        MailSettings.from_mapping(table)
    except MailSettingsError as exc:
        return exc.problems
    return []


def deployment_problems(secrets: Mapping[str, Any]) -> list[str]:
    """Every problem with the `[auth]` and `[notifications]` tables of merged secrets."""
    problems = []
    for name, check in (("auth", auth_problems), ("notifications", notification_problems)):
        table = secrets.get(name)
        if table is None:
            continue
        if not isinstance(table, Mapping):
            problems.append(f"{name} must be a table ([{name}] on a line of its own)")
        else:
            problems.extend(check(table))
    return problems
