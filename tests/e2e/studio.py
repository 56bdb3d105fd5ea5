"""Studio mode for browser tests: a real OpenID Connect provider on loopback and a Greenlight
server whose secrets.toml points its sign-in at it.

`studio_app(workdir, people)` starts both and yields a StudioApp; `sign_in(page, app, sub)`
goes through the provider's own authorisation page as a person would.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from oidc_provider_mock import User, run_server_in_thread
from playwright.sync_api import Page

from tests.e2e.conftest import keep_server_log, start_streamlit, stop_server, wait_for_app

CLIENT_ID = "greenlight-tests"


@dataclass(frozen=True)
class Person:
    """Someone the test provider can sign in: subject, e-mail, display name, and what the
    provider says of the e-mail (`email_verified`; None: it says nothing)."""

    sub: str
    email: str
    name: str
    email_verified: bool | None = True

    def claims(self) -> dict[str, object]:
        """The claims the provider sends for this person."""
        said = {} if self.email_verified is None else {"email_verified": self.email_verified}
        return {"email": self.email, "name": self.name, **said}


@dataclass(frozen=True)
class StudioApp:
    base_url: str
    issuer: str
    database_url: str
    log_path: Path


def secrets_toml(port: int, issuer: str, database_url: str) -> str:
    """A secrets.toml for the app on `port` signing in through the provider at `issuer`."""
    return "\n".join(
        [
            f'database_url = "{database_url}"',
            "[auth]",
            f'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"',
            f'cookie_secret = "{secrets.token_hex(32)}"',
            f'client_id = "{CLIENT_ID}"',
            'client_secret = "not-checked-by-the-test-provider"',
            f'server_metadata_url = "{issuer}/.well-known/openid-configuration"',
            "",
        ]
    )


@contextmanager
def studio_app(workdir: Path, people: Sequence[Person]) -> Iterator[StudioApp]:
    """A provider knowing `people`, and the app in studio mode on its own SQLite file."""
    users = [User(sub=p.sub, claims=p.claims()) for p in people]
    database_url = f"sqlite:///{workdir / 'studio.db'}"
    with run_server_in_thread(port=0, user_claims=users) as provider:
        issuer = f"http://localhost:{provider.server_port}"

        def secrets_for(port: int) -> list[str]:
            path = workdir / f"secrets-{port}.toml"
            path.write_text(secrets_toml(port, issuer, database_url))
            return ["--secrets.files", str(path)]

        process, base_url, log_path = start_streamlit(workdir, database_url, secrets_for)
        try:
            yield StudioApp(base_url, issuer, database_url, log_path)
        finally:
            stop_server(process)
            keep_server_log(log_path, "streamlit-studio")


def sign_in(page: Page, app: StudioApp, sub: str, path: str = "") -> Page:
    """Open `path`, press Sign in, choose `sub` on the provider's page, land back signed in."""
    page.goto(f"{app.base_url}/{path.lstrip('/')}")
    wait_for_app(page)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{app.issuer}/oauth2/authorize**")
    page.get_by_role("button", name=sub, exact=True).click()
    page.wait_for_url(f"{app.base_url}/**")
    wait_for_app(page)
    return page
