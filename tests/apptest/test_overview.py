"""The risk overview in Streamlit's runtime: what awaits a decision, oldest first, each a link
to its use; the table by production; the demo left out of "all" and said so; and the log
opened by a link's filters (as a bar of a chart makes) or a use's id."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

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


def _listed(at) -> int:
    """How many uses the log page says its filters select."""
    said = [c.value for c in at.caption if c.value.endswith("Select a row to see it in full.")]
    assert said, ([c.value for c in at.caption], [i.value for i in at.info], dict(at.query_params))
    return int(said[0].split(" ")[0])


def _bars(spec: dict) -> list[tuple[dict, int]]:
    """Each clickable bar of a chart's spec: the fields a click selects, and its uses."""
    from greenlight.present.charts import PICK

    (param,) = [p for p in spec.get("params", ()) if p["name"] == PICK]
    fields = param["select"]["fields"]
    totals: dict[tuple, int] = {}
    for row in spec["datasets"][spec["data"]["name"]]:
        key = tuple(row[f] for f in fields)
        totals[key] = totals.get(key, 0) + int(row["uses"])
    return [(dict(zip(fields, key, strict=True)), n) for key, n in totals.items()]


def _open_drill(bar: dict, scope) -> object:
    from greenlight.ui.overview import _drill

    at = start_app()
    for name, values in _drill(bar, scope).items():
        at.query_params[name] = values
    at.switch_page("app_pages/log.py")
    at.run()
    assert not at.exception, at.exception
    assert not at.warning, [w.value for w in at.warning]  # nothing of the link left out
    return at


def test_every_chart_s_bars_open_the_log_on_their_uses(tmp_path, monkeypatch):
    """A bar of each of the seven charts (level, department, kind, reason, timeline, status,
    principle) opens the log filtered to exactly the uses the bar counts."""
    from greenlight.present import charts
    from greenlight.store import UseFilter

    store, _ = _several(tmp_path, monkeypatch)
    unsure = {
        "title": "Unsure of the data terms",
        "principles": {"no_training_on_inputs": "unsure"},
    }
    _log(store, "OTH", "Unsure of the data terms", 3, doc=unsure)
    scope = UseFilter(without_demo=True)
    data = {
        "level": store.counts_by_level(scope),
        "status": store.counts_by_status_level(scope),
        "department": store.counts_by_department_level(scope),
        "type": store.counts_by_type_level(scope),
        "week": store.counts_by_week_level(scope),
        "month": store.counts_by_month_level(scope),
        "reason": store.counts_by_reason(scope),
        "principle": store.principle_concerns(scope),
    }
    panels = charts.overview_panels(data, GUIDANCE)
    clickable = {}
    for title, chart in panels:
        spec = charts.vega_lite_spec(chart)
        if any(p.get("name") == charts.PICK for p in spec.get("params", ())):
            clickable[title] = _bars(spec)
    assert sorted(clickable) == sorted(title for title, _ in panels)  # every chart drills
    for title, bars in clickable.items():
        # The bar with the fewest uses, so a filter left off would show too many.
        bar, uses = min((b for b in bars if b[1]), key=lambda b: b[1])
        at = _open_drill(bar, scope)
        assert _listed(at) == uses, (title, bar)
        if "rule" in bar:
            assert at.multiselect(key="log-reasons").value == [bar["rule"]]
        if "question_id" in bar:
            assert at.multiselect(key="log-principles").value == [
                f"{bar['question_id']}:{bar['answer']}"
            ]
        if "week" in bar or "month" in bar:
            start = date.fromisoformat(bar.get("week") or bar["month"])
            assert at.date_input(key="log-date-from").value == start
            assert at.date_input(key="log-date-to").value > start


def test_the_overview_s_dates_go_with_every_drill(tmp_path, monkeypatch):
    """The overview's date range is the log's: a level bar of the uses logged in a week."""
    from greenlight.store import UseFilter

    store = fresh_log(tmp_path, monkeypatch)
    now = datetime.now(UTC)
    for days_ago in (40, 20, 19, 3):
        answers = parse_answers({"title": f"Logged {days_ago} days ago", **APPROVAL}, GUIDANCE)
        store.log_use("TST", answers, ENGINE, actor="fixture", at=now - timedelta(days=days_ago))
    first, last = (now - timedelta(days=21)).date(), (now - timedelta(days=14)).date()
    scope = UseFilter(productions=("TST",), date_from=first, date_to=last)
    at = _open_drill({"level": "approval"}, scope)
    assert _listed(at) == 2
    assert at.date_input(key="log-date-from").value == first
    assert at.date_input(key="log-date-to").value == last
    assert sorted(at.dataframe[0].value["Title"]) == ["Logged 19 days ago", "Logged 20 days ago"]
    # A timeline bar inside the range keeps to the range: the week, cut at its edges.
    week = (now - timedelta(days=20)).date()
    monday = week - timedelta(days=week.weekday())
    at = _open_drill({"week": monday.isoformat(), "level": "approval"}, scope)
    assert at.date_input(key="log-date-from").value == max(monday, first)
    assert at.date_input(key="log-date-to").value == min(monday + timedelta(days=6), last)


def test_a_bad_day_in_a_link_is_said_and_left_out(tmp_path, monkeypatch):
    fresh_log(tmp_path, monkeypatch)
    at = start_app()
    at.query_params["from"] = "yesterday"
    at.query_params["reason"] = ["key-creative-element", "no-such-rule"]
    at.switch_page("app_pages/log.py")
    at.run()
    assert not at.exception, at.exception
    assert at.date_input(key="log-date-from").value is None
    assert at.multiselect(key="log-reasons").value == ["key-creative-element"]
    assert [w.value for w in at.warning] == [
        as_text(
            "Left out of the link: reason 'no-such-rule'; from 'yesterday' (not a YYYY-MM-DD day)."
        )
    ]
