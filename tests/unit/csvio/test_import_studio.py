"""An import in studio mode (on SQLite and PostgreSQL): made by a signed-in member of the
production, or by the command line as the local administrator; refused, writing nothing, to
a person without a role there."""

from __future__ import annotations

import pytest

from greenlight.csvio import CsvImportError, import_csv
from greenlight.policy import Engine, load_guidance
from greenlight.store import LocalAdministrator, Person, UseCaseStore, UseFilter

ENGINE = Engine(load_guidance())
CLI = LocalAdministrator("cli")
CSV = "title,use_case_type\nMoodboard,ideation\nStoryboards,ideation\n"
MIA = Person("https://login.test", "mia", "mia@studio.test", "Mia Member")
OLI = Person("https://login.test", "oli", "oli@studio.test", "Oli Outsider")


@pytest.fixture
def studio(db_url: str) -> UseCaseStore:
    """A log in studio mode: HBL, where Mia is a member; Oli has a role elsewhere only."""
    store = UseCaseStore(db_url)
    store.create_production("HBL", "Harbour Lights", actor="fixture")
    store.create_production("OTH", "Other Show", actor="fixture")
    store.grant("ada@studio.test", "admin", None, actor=CLI, name="Ada Admin")
    store.grant(MIA.email, "member", "HBL", actor=CLI, name=MIA.name)
    store.grant(OLI.email, "member", "OTH", actor=CLI, name=OLI.name)
    store.sign_in(MIA)
    store.sign_in(OLI)
    return store


def titles(store: UseCaseStore) -> list[str]:
    found = store.list_uses(UseFilter(productions=("HBL",)), viewer=CLI).rows
    return sorted(u.title for u in found)


def test_a_member_imports_into_her_production(studio):
    result = import_csv(studio, CSV, "HBL", ENGINE, actor=MIA)
    assert result.imported == 2
    assert titles(studio) == ["Moodboard", "Storyboards"]


def test_the_command_line_imports_as_the_local_administrator(studio):
    import_csv(studio, CSV, "HBL", ENGINE, actor=CLI)
    assert titles(studio) == ["Moodboard", "Storyboards"]


def test_a_person_without_a_role_in_the_production_is_refused_and_nothing_is_written(studio):
    with pytest.raises(CsvImportError) as refused:
        import_csv(studio, CSV, "HBL", ENGINE, actor=OLI)
    assert "HBL" in str(refused.value)
    assert titles(studio) == []
