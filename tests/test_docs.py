"""The README documents what the code declares: every command of the CLI, every environment
variable the project reads, and every column (or group of answer columns) of the CSV export."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest

from greenlight.cli import build_parser
from greenlight.csvio import export_columns
from greenlight.policy import load_guidance

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
ENV_NAME = re.compile(r"\bGREENLIGHT_[A-Z0-9_]+\b")
# Where the project reads its environment: the code, its scripts and the test harness.
ENV_SOURCES = [
    *ROOT.glob("greenlight/**/*.py"),
    ROOT / "app.py",
    *ROOT.glob("app_pages/*.py"),
    *ROOT.glob("bench/*.py"),
    ROOT / "Makefile",
    *ROOT.glob("scripts/*"),
    ROOT / ".ci" / "run",
    *ROOT.glob("tests/**/conftest.py"),
    *ROOT.glob("tests/soak/*.py"),
]


def commands(parser: argparse.ArgumentParser, prefix: tuple[str, ...] = ()) -> list[str]:
    """Every command line the parser accepts, sub-commands spelled out ('productions add')."""
    found: list[str] = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                below = commands(sub, (*prefix, name))
                found.extend(below or [" ".join((*prefix, name))])
    return found


def test_commands_are_found():
    assert {"assess", "check-guidance", "export", "import", "history"} <= set(
        commands(build_parser())
    )


@pytest.mark.parametrize("command", commands(build_parser()))
def test_every_command_is_in_the_readme(command):
    assert f"greenlight {command}" in README, (
        f"README does not show `python -m greenlight {command}`"
    )


def environment_variables() -> list[str]:
    names: set[str] = set()
    for path in ENV_SOURCES:
        if path.is_file():
            names.update(ENV_NAME.findall(path.read_text(encoding="utf-8", errors="replace")))
    return sorted(names)


def test_environment_variables_are_found():
    assert {"GREENLIGHT_DATABASE_URL", "GREENLIGHT_GUIDANCE_DIR"} <= set(environment_variables())


@pytest.mark.parametrize("name", environment_variables())
def test_every_environment_variable_is_in_the_readme(name):
    assert f"`{name}" in README, f"README does not explain {name}"


def column_groups() -> list[str]:
    """The export's columns, answer columns by their group (principles.*, context.*)."""
    groups: dict[str, None] = {}
    for column in export_columns(load_guidance()):
        groups[column.split(".")[0] + "." if "." in column else column] = None
    return list(groups)


@pytest.mark.parametrize("group", column_groups())
def test_every_csv_column_group_is_in_the_readme(group):
    assert f"`{group}" in README, f"README's CSV section does not name {group}"


def test_every_test_file_the_readme_names_exists():
    named = set(re.findall(r"tests/[\w/]+\.py", README))
    assert named, "the README names no test file"
    assert sorted(path for path in named if not (ROOT / path).is_file()) == []
