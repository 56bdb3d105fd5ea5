"""Hostile text stays text on every page; broken guidance gives a readable error page."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from greenlight.policy import DEFAULT_DIR, load_guidance
from greenlight.policy.answers import parse_answers
from greenlight.policy.engine import Engine
from greenlight.store import UseCaseStore
from greenlight.ui import PAGES, pages_for

LOCAL_PAGES = pages_for(None)  # local mode: one person, no People page

ROOT = Path(__file__).resolve().parents[2]
GUIDANCE = load_guidance()
ENGINE = Engine(GUIDANCE)

HOSTILE = {
    "title": "<script>alert(1)</script>",
    "description": "[x](javascript:alert(1)) <img src=x onerror=alert(1)> **bold** :red[red]",
    "department": "\u202eevil\u202c 🎬",
    "tool": "<img src=x onerror=alert(1)>",
    "vendor": '=HYPERLINK("http://x")',
    "requested_by": "[click](javascript:alert(1))",
    "scene": "$x$ `code` # heading",
}


def form_key(at, name: str) -> str:
    """The self-assessment widget key of `name` in the form's current generation (a load
    or a clear starts a new one: ui.form.AssessmentForm.key)."""
    generation = at.session_state["assess:form"]["generation"]
    return name if generation == 0 else f"{name}@{generation}"


def _all_markdown(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += (
        [e.value for e in at.error] + [w.value for w in at.warning] + [i.value for i in at.info]
    )
    parts += [s.value for s in at.success]
    return "\n".join(str(p) for p in parts)


@pytest.fixture
def hostile_app(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'greenlight.db'}"
    monkeypatch.setenv("GREENLIGHT_DATABASE_URL", url)
    store = UseCaseStore(url)
    store.create_production(
        "EVIL", "<b>Evil</b> [prod](javascript:alert(1))", actor="<script>x</script>"
    )
    answers = parse_answers({**HOSTILE, "involves": {"digital_replica": True}}, GUIDANCE)
    record = store.log_use("EVIL", answers, ENGINE, actor="<img src=x onerror=alert(1)>")
    store.set_status(
        record.id, "submitted", actor="[a](javascript:alert(1))", note="<script>n</script>"
    )
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state["actor"] = "Tester"
    at.session_state["production"] = "EVIL"
    at.session_state["log-selected"] = record.id
    return at, record


@pytest.mark.parametrize("spec", LOCAL_PAGES, ids=[spec.url_path for spec in LOCAL_PAGES])
def test_hostile_text_is_never_rendered_as_markdown(hostile_app, spec):
    at, _ = hostile_app
    at.run()
    at.switch_page(spec.path)
    at.run()
    assert not at.exception, at.exception
    rendered = _all_markdown(at)
    for value in HOSTILE.values():
        assert value not in rendered, (spec.url_path, value)
    assert "javascript:" not in rendered and "<script>" not in rendered


def test_hostile_text_is_stored_and_shown_exactly(hostile_app):
    at, record = hostile_app
    at.run()
    at.switch_page(next(s.path for s in PAGES if s.url_path == "log"))
    at.run()
    assert HOSTILE["title"] in [t.value for t in at.text]
    table = at.dataframe[0].value
    assert table["Title"].tolist() == [HOSTILE["title"]]
    assert table["Tool"].tolist() == [HOSTILE["tool"]]
    # the detail table shows every field exactly
    details = at.dataframe[1].value
    assert (
        dict(zip(details["Field"], details["Value"], strict=True))["Description"]
        == HOSTILE["description"]
    )


def test_reopening_a_hostile_use_fills_the_form_with_the_exact_text(hostile_app):
    at, record = hostile_app
    at.run()
    at.switch_page(next(s.path for s in PAGES if s.url_path == "assess"))
    at.query_params["use"] = record.id
    at.run()
    at.run()
    assert not at.exception
    assert at.text_input(key=form_key(at, "f:title")).value == HOSTILE["title"]
    assert at.text_area(key=form_key(at, "f:description")).value == HOSTILE["description"]


@pytest.mark.parametrize(
    ("filename", "old", "new", "expected"),
    [
        (
            "rules.yaml",
            "    level: approval\n",
            "    level: aproval\n",
            "level 'aproval' is not defined",
        ),
        (
            "questions.yaml",
            "    kind: boolean\n",
            "    kind: boolen\n",
            "kind 'boolen' is not one of",
        ),
        ("guidance.yaml", "levels:\n", "levels: [\n", "not valid YAML"),
    ],
    ids=["meaning", "kind", "syntax"],
)
def test_broken_guidance_shows_a_readable_error_page(
    tmp_path, monkeypatch, filename, old, new, expected
):
    folder = tmp_path / "guidance"
    shutil.copytree(DEFAULT_DIR, folder)
    path = folder / filename
    path.write_text(path.read_text().replace(old, new, 1))
    monkeypatch.setenv("GREENLIGHT_GUIDANCE_DIR", str(folder))
    monkeypatch.setenv("GREENLIGHT_DATABASE_URL", f"sqlite:///{tmp_path / 'g.db'}")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    assert at.error[0].value.startswith("The guidance files could not be loaded")
    problems = at.code[0].value
    assert expected in problems and problems.startswith(f"{filename}:")


def test_a_new_production_with_neither_name_nor_code_names_both_and_makes_nothing(
    tmp_path, monkeypatch
):
    from greenlight.ui.text import plain
    from tests.apptest.helpers import fresh_log, start_app

    store = fresh_log(tmp_path, monkeypatch)
    before = store.list_productions()
    at = start_app()
    [create] = [b for b in at.sidebar.get("form_submit_button") if b.label == "Create production"]
    create.click()
    at.run()
    assert not at.exception
    [error] = at.error
    assert plain(error.value) == (
        "production name is missing: give 1 to 200 characters; production code is missing: "
        "give 1 to 40 letters, digits, - or _, starting with a letter or digit"
    )
    assert store.list_productions() == before
