"""The Tools page in studio mode, for each role (the studio log of test_studio_roles: Mia a
member, Leo the lead and Rita a reviewer of HBL, Ada a studio admin): everyone reads the
studio's tools, only admins and reviewers are offered the studio's forms, a lead the forms
for their own production's tools, and a production's own tool stays in that production."""

from __future__ import annotations

import pytest

from tests.apptest.test_studio_roles import CLI, drawn, signed_in, studio  # noqa: F401

REGISTER = "Register the tool"


def forms_offered(at) -> set[str]:
    return {b.label for b in at.button} & {REGISTER, "Record the review", "Add the workflow"}


def names(at) -> list[str]:
    return list(next(d.value for d in at.dataframe if d.value.columns[0] == "Tool")["Tool"])


@pytest.fixture
def registry(studio):  # noqa: F811
    store = studio["store"]
    firefly = store.add_tool("Studio Firefly", "enterprise", actor=CLI, vendor="Adobe")
    secret = store.add_tool("Other Show's own tool", "unknown", actor=CLI, production="OTH")
    return studio | {"firefly": firefly.id, "secret": secret.id}


def test_a_member_reads_the_registry_and_is_offered_no_change(registry):
    at = signed_in("mia", "tools", tool=registry["firefly"])
    assert names(at) == ["Studio Firefly"]  # not another production's own tool
    assert "Other Show" not in drawn(at)
    assert forms_offered(at) == set()
    assert "You may read the registry." in " ".join(c.value for c in at.caption)
    # The terms files are the reviewers' papers.
    assert "The terms files are for the tool's reviewers." in [c.value for c in at.caption]


def test_a_reviewer_may_register_and_review_the_studios_tools(registry):
    at = signed_in("rita", "tools", tool=registry["firefly"])
    assert forms_offered(at) == {REGISTER, "Record the review", "Add the workflow"}
    assert at.radio(key="tool-add-0-whose").options == ["the whole studio", "HBL only"]


def test_a_lead_may_add_a_tool_of_their_production_only(registry):
    at = signed_in("leo", "tools", tool=registry["firefly"])
    assert forms_offered(at) == {REGISTER, "Add the workflow"}  # not a review of the studio's
    assert "For HBL only" in [c.value for c in at.caption]
    at.text_input(key="tool-add-0-name").input("HBL's upscaler")
    next(b for b in at.button if b.label == REGISTER).click()
    at.run()
    assert not at.error, [e.value for e in at.error]
    made = next(r for r in registry["store"].list_tools(viewer=CLI) if r.name == "HBL's upscaler")
    assert (made.tool.production, made.created_by) == ("HBL", "Leo Lead")
    # Mia, a member of HBL, reads it there.
    assert "HBL's upscaler" in names(signed_in("mia", "tools"))
