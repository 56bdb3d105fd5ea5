"""The uses that name a tool, as the Tools page lists them: directly, through a workflow that
contains it, or the workflow's own; scoped to whom the viewer may see. SQLite and PostgreSQL."""

from __future__ import annotations

from greenlight.store import LocalAdministrator, Person
from tests.unit.store.fixture_log import ENGINE
from tests.unit.store.test_tools import registry, use  # noqa: F401 (the fixture)

CLI = LocalAdministrator("fixture")


def test_the_uses_naming_a_tool_count_its_workflows_uses(registry):  # noqa: F811
    store, firefly, chat, pipe = registry
    direct = store.log_use("A", use("Moodboard", [firefly.id]), ENGINE, actor="ana")
    through = store.log_use("B", use("Crowd", [pipe.id]), ENGINE, actor="ana")
    store.log_use("A", use("Chat only", [chat.id]), ENGINE, actor="ana")
    store.log_use("A", use("No tool"), ENGINE, actor="ana")
    found = store.uses_naming_tool(firefly.id)
    assert [u.id for u in found.rows] == [through.id, direct.id]  # newest first
    assert found.total == 2
    assert [u.id for u in store.uses_naming_tool(pipe.id).rows] == [through.id]
    assert store.uses_naming_tool("T-999999").total == 0
    limited = store.uses_naming_tool(firefly.id, limit=1)
    assert (len(limited.rows), limited.total) == (1, 2)


def test_a_member_sees_only_their_productions_uses_of_a_tool(registry):  # noqa: F811
    store, firefly, _, pipe = registry
    ours = store.log_use("A", use("Moodboard", [firefly.id]), ENGINE, actor="ana")
    store.log_use("B", use("Crowd", [pipe.id]), ENGINE, actor="ana")
    store.grant("mia@studio.test", "member", "A", actor=CLI, name="Mia Member")
    mia = Person("https://login.test", "mia", "mia@studio.test", "Mia Member")
    store.sign_in(mia)
    found = store.uses_naming_tool(firefly.id, viewer=mia)
    assert [u.id for u in found.rows] == [ours.id]
    assert found.total == 1
