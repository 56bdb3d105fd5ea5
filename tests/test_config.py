"""The Streamlit settings that keep the app safe to share inside a studio."""

import tomllib
from pathlib import Path

import pytest
from streamlit import config as streamlit_config

CONFIG_PATH = Path(__file__).resolve().parents[1] / ".streamlit" / "config.toml"


@pytest.fixture(scope="module")
def settings() -> dict:
    with CONFIG_PATH.open("rb") as f:
        return tomllib.load(f)


def test_usage_statistics_are_off(settings):
    assert settings["browser"]["gatherUsageStats"] is False


def test_xsrf_and_cors_protection_are_on(settings):
    assert settings["server"]["enableXsrfProtection"] is True
    assert settings["server"]["enableCORS"] is True


def test_a_plain_streamlit_run_listens_on_loopback_only(settings):
    # Local mode is for one person on this machine; make run HOST=0.0.0.0 overrides it.
    assert settings["server"]["address"] == "127.0.0.1"


def test_error_details_show_no_tracebacks(settings):
    assert settings["client"]["showErrorDetails"] in {"type", "none"}


def test_uploads_are_small(settings):
    assert 1 <= settings["server"]["maxUploadSize"] <= 10


def test_magic_is_off(settings):
    assert settings["runner"]["magicEnabled"] is False


def _keys(table: dict, prefix: str = "") -> list[str]:
    keys = []
    for name, value in table.items():
        if isinstance(value, dict):
            keys += _keys(value, f"{prefix}{name}.")
        else:
            keys.append(f"{prefix}{name}")
    return keys


def test_every_setting_is_one_streamlit_knows(settings):
    # Streamlit only warns about an unknown key, so a typo would silently keep the default.
    known = set(streamlit_config.get_config_options())
    assert [key for key in _keys(settings) if key not in known] == []
