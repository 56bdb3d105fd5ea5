"""The tool and vendor registry in the store: facts folded into uses, reviews re-assessing
exactly the uses of a tool, the review-due sweep, who may change tools, the desk and the
overview's counts. On SQLite and PostgreSQL (the `store` fixture)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from greenlight.policy.answers import parse_answers
from greenlight.store import LocalAdministrator, NotPermitted, Person, StoreError, UseFilter
from greenlight.store.rows import now_utc
from greenlight.store.tools.reassess import reassess_tools
from tests.unit.samples import CLEAR
from tests.unit.store.fixture_log import ENGINE, GUIDANCE

TODAY = now_utc().date()
# The person's answers, principles 2 and 3 and the tool's terms left to the registry.
OPEN = {
    k: v for k, v in CLEAR.items() if k not in ("no_training_on_inputs", "enterprise_environment")
}
CONTEXT = {"final_deliverable": False, "vendor_pipeline": False}


def use(title: str, tools=(), context=(), **principles) -> object:
    doc = {
        "title": title, "use_case_type": "ideation", "principles": {**OPEN, **principles},
        "context": {**CONTEXT, **dict(context)},
    }  # fmt: skip
    if tools:
        doc["tools"] = list(tools)
    return parse_answers(doc, GUIDANCE)


@pytest.fixture
def registry(store):
    store.create_production("A", "Alpha", actor="lead")
    store.create_production("B", "Bravo", actor="lead")
    firefly = store.add_tool("Studio Firefly", "enterprise", actor="Ada Admin", vendor="Adobe")
    chat = store.add_tool(
        "Chat Pro", "no_training_terms", actor="Ada Admin", enterprise_secured="yes"
    )
    pipe = store.add_workflow("Crowd pipeline", "Pixel Co", [firefly.id, chat.id], actor="Ada")
    return store, firefly, chat, pipe


def approve(store, record):
    store.set_status(record.id, "submitted", actor="ana")
    return store.set_status(
        record.id, "approved", actor="studio", approval_ref="WA-1", note="approved as assessed"
    )


def test_the_registry_answers_principles_2_and_3_with_their_source(registry):
    store, firefly, _, _ = registry
    logged = store.log_use("A", use("Moodboard", [firefly.id]), ENGINE, actor="ana")
    assert logged.level == "low"
    sources = {f.question: f.source for f in logged.facts}
    expected = f"Studio Firefly: enterprise agreement, reviewed {TODAY.isoformat()} by Ada Admin"
    assert sources["principles.no_training_on_inputs"] == expected
    assert sources["principles.enterprise_environment"] == expected
    assert sources["context.tool_tier"] == expected


def test_registry_answers_never_lower_a_persons_riskier_answer(registry):
    store, firefly, _, _ = registry
    riskier = store.log_use(
        "A", use("Storm", [firefly.id], no_training_on_inputs="no"), ENGINE, actor="ana"
    )
    assert riskier.level == "escalate"
    assert "principle-2-no" in riskier.rule_ids
    # The person's own answer is what the answers keep.
    assert riskier.answers["principles"]["no_training_on_inputs"] == "no"


def test_a_workflow_takes_its_weakest_step(registry):
    store, firefly, _, _ = registry
    free = store.add_tool("Free upscaler", "unknown", actor="Ada")
    weak = store.add_workflow("Upscale", "Pixel Co", [firefly.id, free.id], actor="Ada")
    logged = store.log_use("A", use("Upscale plates", [weak.id]), ENGINE, actor="ana")
    assert "tool-terms-unknown" in logged.rule_ids
    tiers = {f.source: f.value for f in logged.facts if f.question == "context.tool_tier"}
    assert tiers == {
        f"Upscale, step 1: Studio Firefly: enterprise agreement, reviewed {TODAY} by Ada Admin": (
            "enterprise"
        ),
        f"Upscale, step 2: Free upscaler: unknown terms, reviewed {TODAY} by Ada": "unknown",
    }


def test_a_tier_change_reassesses_exactly_the_uses_of_that_tool_and_its_workflows(registry):
    store, firefly, chat, pipe = registry
    direct = approve(store, store.log_use("A", use("Direct", [firefly.id]), ENGINE, actor="ana"))
    # The registry says it is a vendor's workflow; whether each step meets the principles
    # beyond its data terms is the person's to answer.
    stepwise = {"pipeline_meets_principles": "yes"}
    via = approve(
        store, store.log_use("B", use("Via pipeline", [pipe.id], stepwise), ENGINE, actor="ana")
    )
    draft = store.log_use("A", use("Draft", [firefly.id]), ENGINE, actor="ana")
    other = approve(store, store.log_use("A", use("Chat only", [chat.id]), ENGINE, actor="ana"))
    none = approve(store, store.log_use("A", use("No tool"), ENGINE, actor="ana"))
    assert {direct.level, via.level, draft.level, other.level} == {"low"}
    review = store.review_tool(firefly.id, ENGINE, actor="Ada Admin", tier="unknown")
    assert (review.result.checked, review.result.level_changed, review.result.reopened) == (3, 3, 2)
    assert review.tool.tool.tier == "unknown"
    for before in (direct, via):
        after = store.get_use(before.id)
        assert (after.level, after.status) == ("escalate", "submitted")
        last = store.history(before.id)[-1]
        assert (last.field, last.old, last.new) == ("status", "approved", "submitted")
        assert last.note.startswith(
            f"re-assessed: tool Studio Firefly ({firefly.id}) changed: tier enterprise → unknown"
        )
    assert store.get_use(draft.id).status == "draft"
    assert store.get_use(draft.id).level == "escalate"
    for untouched in (other, none):
        assert store.get_use(untouched.id).version == untouched.version


def test_a_review_that_changes_only_descriptions_reassesses_nothing(registry):
    store, firefly, _, _ = registry
    store.log_use("A", use("Direct", [firefly.id]), ENGINE, actor="ana")
    review = store.review_tool(firefly.id, ENGINE, actor="Ada Admin", retention="30 days")
    assert review.result.checked == 0
    assert [c.field for c in store.tool_history(firefly.id, viewer="ana")] == [
        "created", "retention",
    ]  # fmt: skip
    # Another reviewer: the uses' facts name them, so the uses are re-assessed (same level).
    again = store.review_tool(firefly.id, ENGINE, actor="Bo", retention="30 days")
    assert (again.result.checked, again.result.level_changed) == (1, 0)


def test_not_allowed_raises_the_level_with_a_reason_naming_the_tool(registry):
    store, firefly, _, _ = registry
    logged = approve(store, store.log_use("A", use("Direct", [firefly.id]), ENGINE, actor="ana"))
    store.review_tool(
        firefly.id, ENGINE, actor="Ada", state="not_allowed", state_note="terms changed"
    )
    after = store.get_use(logged.id)
    assert after.level == "approval"
    assert "tool-not-allowed" in after.rule_ids
    assert after.status == "submitted"
    said = [f.source for f in after.facts if f.question == "context.tool_not_allowed"]
    assert said == ["Studio Firefly is not allowed (terms changed)"]


def test_a_lapsed_review_raises_the_level(registry):
    store, _, _, _ = registry
    old = store.add_tool(
        "Old tool", "enterprise", actor="Ada", reviewed_on=TODAY - timedelta(days=400),
        review_due=TODAY - timedelta(days=1),
    )  # fmt: skip
    logged = store.log_use("A", use("Late", [old.id]), ENGINE, actor="ana")
    assert "tool-terms-unknown" in logged.rule_ids
    assert [f.source for f in logged.facts if f.question == "context.tool_tier"] == [
        f"Old tool: review was due on {TODAY - timedelta(days=1)}, so its terms count as unknown"
    ]


def test_the_sweep_reassesses_the_uses_of_tools_whose_review_fell_due(registry):
    store, _, _, _ = registry
    soon = store.add_tool("Soon tool", "enterprise", actor="Ada", review_due=TODAY)
    logged = approve(store, store.log_use("A", use("Due", [soon.id]), ENGINE, actor="ana"))
    assert logged.level == "low"
    assert store.sweep_tool_reviews(ENGINE, today=TODAY).checked == 0  # due today: still valid
    swept = store.sweep_tool_reviews(ENGINE, today=TODAY + timedelta(days=1))
    assert (swept.checked, swept.reopened) == (1, 1)
    after = store.get_use(logged.id)
    assert (after.level, after.status) == ("escalate", "submitted")
    assert store.history(logged.id)[-1].actor == "Greenlight (review-due sweep)"
    # The same day again costs nothing and changes nothing.
    assert store.sweep_tool_reviews(ENGINE, today=TODAY + timedelta(days=1)).checked == 0


def test_batches_commit_between_them_so_other_writers_go_in(registry):
    store, firefly, _, _ = registry
    ids = [
        store.log_use("A", use(f"Use {n}", [firefly.id]), ENGINE, actor="ana").id for n in range(5)
    ]
    logged_meanwhile = []

    def progress(done, total):
        # Outside any batch's transaction: another writer gets in at once.
        logged_meanwhile.append(store.log_use("A", use(f"Between {done}"), ENGINE, actor="bo").id)

    store.review_tool(firefly.id, ENGINE, actor="Ada", retention="none")  # no re-assessment
    result = reassess_tools(
        store, ENGINE, [firefly.id], "Ada", "test", progress=progress, batch_size=2
    )
    assert result.checked == len(ids) and len(logged_meanwhile) == 3


def test_who_may_register_and_read_tools(store):
    store.create_production("A", "Alpha", actor="setup")
    store.create_production("B", "Bravo", actor="setup")
    admin = LocalAdministrator("root")
    people = {}
    for name, role, code in (
        ("rae", "reviewer", "A"), ("lee", "lead", "A"), ("meg", "member", "A"),
        ("bob", "member", "B"),
    ):  # fmt: skip
        store.grant(f"{name}@x.example", role, code, actor=admin, name=name)
        people[name] = Person("https://idp", name, f"{name}@x.example", name)
        store.sign_in(people[name])
    assert [store.may_edit_tools(viewer=people[n]) for n in ("rae", "lee", "meg")] == [
        True, False, False,
    ]  # fmt: skip
    assert [store.may_edit_tools(viewer=people[n], production="A") for n in ("lee", "bob")] == [
        True, False,
    ]  # fmt: skip
    studio = store.add_tool("Studio tool", "enterprise", actor=people["rae"])
    with pytest.raises(NotPermitted, match="only a studio admin or a studio reviewer may"):
        store.add_tool("Mine", "unknown", actor=people["lee"])
    own = store.add_tool("A's tool", "unknown", actor=people["lee"], production="A")
    with pytest.raises(NotPermitted, match="only its lead, a reviewer of it or a studio admin"):
        store.add_tool("Meg's", "unknown", actor=people["meg"], production="A")
    assert [t.name for t in store.list_tools(viewer=people["meg"])] == ["A's tool", "Studio tool"]
    assert [t.name for t in store.list_tools(viewer=people["bob"])] == ["Studio tool"]
    with pytest.raises(StoreError, match="no tool"):
        store.get_tool(own.id, viewer=people["bob"])
    with pytest.raises(StoreError, match="is not one of"):
        store.add_workflow("Mixed", "V", [studio.id, own.id], actor=admin)
    assert store.add_workflow("A's flow", "V", [studio.id, own.id], actor=admin, production="A")


def test_bad_values_are_refused_and_nothing_is_saved(registry):
    store, firefly, _, _ = registry
    with pytest.raises(StoreError, match="tier 'gold' is not one of"):
        store.add_tool("Gold", "gold", actor="Ada")
    with pytest.raises(StoreError, match="no detail 'colour'"):
        store.add_tool("Red", "unknown", actor="Ada", colour="red")
    with pytest.raises(StoreError, match="step T-999999 is not one of the studio's"):
        store.add_workflow("Bad", "V", [firefly.id, "T-999999"], actor="Ada")
    with pytest.raises(StoreError, match="state 'gone' is not one of"):
        store.review_tool(firefly.id, ENGINE, actor="Ada", state="gone")
    assert [t.name for t in store.list_tools(viewer="ana")] == ["Chat Pro", "Studio Firefly"]
    assert store.get_tool(firefly.id, viewer="ana").version == 1


def test_the_desk_lists_reviews_due_within_the_days_asked(registry, monkeypatch):
    store, _, _, _ = registry
    soon = store.add_tool("Soon", "enterprise", actor="Ada", review_due=TODAY + timedelta(days=10))
    late = store.add_tool(
        "Late", "enterprise", actor="Ada", reviewed_on=TODAY - timedelta(days=400),
        review_due=TODAY - timedelta(days=1),
    )  # fmt: skip
    assert [t.id for t in store.tools_due(viewer="ana")] == [late.id, soon.id]
    assert [t.id for t in store.tools_due(viewer="ana", within_days=5)] == [late.id]
    monkeypatch.setenv("GREENLIGHT_TOOL_REVIEW_DUE_DAYS", "0")
    assert [t.id for t in store.tools_due(viewer="ana")] == [late.id]


def test_the_review_due_date_defaults_to_the_months_configured(store, monkeypatch):
    monkeypatch.setenv("GREENLIGHT_TOOL_REVIEW_MONTHS", "6")
    tool = store.add_tool("T", "enterprise", actor="Ada", reviewed_on=date(2026, 11, 2))
    assert tool.tool.review_due == date(2027, 5, 2)


def test_the_overview_counts_uses_by_tool_by_tier_and_at_written_approval(registry):
    store, firefly, chat, pipe = registry
    for n in range(3):
        store.log_use("A", use(f"F{n}", [firefly.id]), ENGINE, actor="ana")
    store.log_use("A", use("Both", [firefly.id, "other"]), ENGINE, actor="ana")
    store.log_use("B", use("Pipe", [pipe.id]), ENGINE, actor="ana")
    approval = use("Key art", [chat.id])
    approval = parse_answers(
        {**approval.to_document(GUIDANCE), "use_case_type": "key_visual",
         "involves": {"key_creative_element": True}}, GUIDANCE,
    )  # fmt: skip
    assert store.log_use("A", approval, ENGINE, actor="ana").level == "approval"
    by_tool = [(t.name, t.tier, t.uses) for t in store.uses_by_tool()]
    assert by_tool == [
        ("Studio Firefly", "enterprise", 4),
        ("a tool outside the registry", "unknown", 1),
        ("Chat Pro", "no_training_terms", 1),
        ("Crowd pipeline", "no_training_terms", 1),
    ]
    assert store.uses_by_tool_tier() == {"enterprise": 3, "no_training_terms": 2, "unknown": 1}
    assert [(t.name, t.uses) for t in store.tools_at_level()] == [("Chat Pro", 1)]
    only_b = store.uses_by_tool(UseFilter(productions=("B",)))
    assert [t.name for t in only_b] == ["Crowd pipeline"]


def test_imported_uses_keep_their_tools_and_a_review_reaches_them(registry):
    from greenlight.store import NewUse

    store, firefly, _, pipe = registry
    items = [
        NewUse(answers=use(f"Imported {n}", [firefly.id if n % 2 else pipe.id], stepwise),
               assessment=ENGINE.assess(use("x")))
        for n, stepwise in enumerate([{"pipeline_meets_principles": "yes"}] * 4)
    ]  # fmt: skip
    ids = store.insert_uses("A", items, GUIDANCE, actor="ana")
    assert {store.get_use(i).level for i in ids} == {"low"}  # assessed with the registry
    assert [t.uses for t in store.uses_by_tool()] == [2, 2]
    review = store.review_tool(firefly.id, ENGINE, actor="Ada", tier="unknown")
    assert (review.result.checked, review.result.level_changed) == (4, 4)


def test_renewing_a_lapsed_review_lowers_the_level_again(registry):
    store, _, _, _ = registry
    old = store.add_tool(
        "Old tool", "enterprise", actor="Ada", reviewed_on=TODAY - timedelta(days=400),
        review_due=TODAY - timedelta(days=1),
    )  # fmt: skip
    logged = store.log_use("A", use("Late", [old.id]), ENGINE, actor="ana")
    assert logged.level == "escalate"
    review = store.review_tool(old.id, ENGINE, actor="Ada Admin")
    assert review.tool.tool.review_due > TODAY
    after = store.get_use(logged.id)
    assert (after.level, after.status) == ("low", "draft")
    assert store.history(logged.id)[-1].note == (
        f"re-assessed: tool Old tool ({old.id}) was reviewed again"
    )
