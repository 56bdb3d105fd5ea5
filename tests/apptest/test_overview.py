"""The risk overview in Streamlit's runtime: what awaits a decision, oldest first, each a link
to its use; the table by production; the demo left out of "all" and said so; and the log
opened by a link's filters (as a bar of a chart makes) or a use's id."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from greenlight.demo import seed_demo
from greenlight.policy import parse_answers
from greenlight.store import LocalAdministrator
from greenlight.ui.links import link_params
from greenlight.ui.text import as_text
from tests.apptest.helpers import ENGINE, GUIDANCE, fresh_log, start_app

# Only the command line, as the local administrator, dates a status change.
CLI = LocalAdministrator("fixture")
APPROVAL = {"use_case_type": "key_visual", "involves": {"key_creative_element": True}}


def _log(store, code: str, title: str, days_waiting: int | None, doc=APPROVAL):
    now = datetime.now(UTC)
    answers = parse_answers({"title": title, **doc}, GUIDANCE)
    use = store.log_use(code, answers, ENGINE, actor="fixture", at=now - timedelta(days=30))
    if days_waiting is not None:
        store.set_status(
            use.id, "submitted", actor=CLI, at=now - timedelta(days=days_waiting, hours=1)
        )
    return use


def _several(tmp_path, monkeypatch):
    store = fresh_log(tmp_path, monkeypatch)
    seed_demo(store, ENGINE)
    store.create_production("OTH", "Other production", actor="fixture")
    uses = {
        "recent": _log(store, "TST", "Recent request", 2),
        "hostile": _log(store, "OTH", "**Bold** [link](http://evil.example)", 12),
        "middle": _log(store, "TST", "Middle request", 5),
        "draft": _log(store, "OTH", "Only a draft", None),
    }
    return store, uses


def test_the_overview_of_all_productions_says_where_to_look(tmp_path, monkeypatch):
    store, uses = _several(tmp_path, monkeypatch)
    at = start_app("overview")
    at.multiselect(key="overview-productions-TST").set_value([])
    at.run()
    assert not at.exception, at.exception

    # The demo's sample uses are left out of "all", and the page says so.
    assert any("leaves out the demo" in c.value for c in at.caption)
    # What waits for a decision comes first, then the table by production, the figures after.
    headings = [h.value for h in at.subheader]
    assert headings[:3] == ["Needs a decision now", "By production", "The log in figures"]
    assert at.metric[0].value == "4"
    # Oldest wait first; each links to its use by id; the title is text, escaped.
    labels = [link.proto.label for link in at.get("page_link")]
    assert labels[:3] == [as_text(uses["hostile"].title), "Middle request", "Recent request"]
    captions = [c.value for c in at.caption]
    assert any("12 days waiting" in c and "Other production \\(OTH\\)" in c for c in captions)
    # The table by production: what needs attention first (the longest wait).
    table = at.dataframe[0].value
    # Its columns in the order it is sorted: a phone shows the waits before the counts.
    assert table.columns.tolist()[:3] == ["Production", "Awaiting a decision", "Oldest wait (days)"]
    assert table["Production"].tolist() == [
        "Other production · OTH",
        "Test production · TST",
    ]
    assert table["Awaiting a decision"].tolist() == [1, 2]
    assert table["Written approval"].tolist() == [2, 2]
    assert table["Oldest wait (days)"].tolist() == [12, 5]
    assert len(at.get("vega_lite_chart")) == 7


def test_one_production_shows_no_table_and_its_own_waits(tmp_path, monkeypatch):
    _several(tmp_path, monkeypatch)
    at = start_app("overview")  # opens on the sidebar's production, TST
    assert not at.exception, at.exception
    labels = [link.proto.label for link in at.get("page_link")]
    assert labels[:2] == ["Middle request", "Recent request"]
    assert not at.dataframe  # no table by production for one production
    assert not any("leaves out the demo" in c.value for c in at.caption)


def test_a_link_s_filters_open_the_log_on_several_productions(tmp_path, monkeypatch):
    store, uses = _several(tmp_path, monkeypatch)
    at = start_app()
    for name, values in link_params(levels=["approval"], productions=("TST", "OTH")).items():
        at.query_params[name] = values
    at.query_params["level"] = ["approval", "nonsense"]
    at.switch_page("app_pages/log.py")
    at.run()
    assert not at.exception, at.exception
    assert at.multiselect(key="log-levels").value == ["approval"]
    assert any("the uses of **2 productions**" in m.value for m in at.markdown)
    assert [w.value for w in at.warning] == [as_text("Left out of the link: level 'nonsense'.")]
    titles = at.dataframe[0].value["Title"].tolist()
    assert sorted(titles) == sorted(u.title for u in uses.values())
    assert "Production" in at.dataframe[0].value.columns

    show_only = next(b for b in at.button if b.label == "Show only this production")
    show_only.click()
    at.run()
    assert not any("the uses of" in m.value for m in at.markdown)
    assert sorted(at.dataframe[0].value["Title"]) == ["Middle request", "Recent request"]


def test_a_use_s_link_opens_it_in_its_own_production(tmp_path, monkeypatch):
    store, uses = _several(tmp_path, monkeypatch)
    at = start_app()
    at.query_params["use"] = uses["hostile"].id
    at.switch_page("app_pages/log.py")
    at.run()
    assert not at.exception, at.exception
    assert at.session_state["production"] == "OTH"
    assert any(t.value == uses["hostile"].title for t in at.text)

    at.query_params["use"] = "no-such-use"
    at.run()
    assert [w.value for w in at.warning] == [
        as_text("Left out of the link: no logged use has the id 'no-such-use'.")
    ]
