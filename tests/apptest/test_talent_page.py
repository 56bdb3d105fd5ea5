"""The Talent page in the real Streamlit runtime, on a local log: performers added and
shown as text, a consent the store refuses (no description) then records once corrected,
with its rider; a file that is not what its name says refused; a revocation without its
note refused, then recorded, the use relying on the consent reopened."""

from __future__ import annotations

from datetime import date, timedelta

from streamlit.testing.v1 import AppTest

from greenlight import workflow
from greenlight.policy import parse_answers
from greenlight.store import now_utc
from greenlight.ui.text import plain
from tests.apptest.helpers import APP, ENGINE, GUIDANCE, TIMEOUT, fresh_log

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
HOSTILE = "**Jane** [Roe](https://evil.example) <b>x</b> :red[y]"


def open_talent() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.session_state["actor"] = "Avery Tester"
    at.session_state["production"] = "TST"
    at.run()
    at.switch_page("app_pages/talent.py")
    at.run()
    assert not at.exception, at.exception
    return at


def button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)


def errors(at: AppTest) -> list[str]:
    return [plain(e.value) for e in at.error]


def fields_shown(at: AppTest) -> dict[str, str]:
    """A consent's fields as the page shows them: one line each, "**Field:** value"."""
    (shown,) = [m.value for m in at.markdown if m.value.startswith("**State:**")]
    lines = [line.removeprefix("**").split(":** ", 1) for line in shown.split("  \n")]
    return {name: plain(value) for name, value in lines}


def consent(store, performer_id: str, **changes):
    values = dict(
        covers=["likeness"], kind="employment_based", description="Crowd replica, episode 3",
        productions=["TST"], media=["final"], signed_on=date(2026, 1, 5),
    )  # fmt: skip
    return store.add_consent(performer_id, actor="fixture", **{**values, **changes})


def test_a_performer_is_added_and_every_field_shows_as_text(tmp_path, monkeypatch):
    fresh_log(tmp_path, monkeypatch)
    at = open_talent()
    assert at.title[0].value == "Talent"
    at.text_input(key="talent-name-0").set_value(HOSTILE)
    at.checkbox(key="talent-deceased-0").check()
    button(at, "Add the performer").click().run()
    # Deceased without their estate: refused, the form keeps what was typed.
    assert errors(at) == [
        "the performer was not added: a deceased performer needs their estate or authorised "
        "representative and their contact (--estate); nothing was saved"
    ]
    assert at.text_input(key="talent-name-0").value == HOSTILE
    at.text_area(key="talent-estate-0").set_value("Roe Estate, estate@roe.example")
    at.text_input(key="talent-union-0").set_value("SAG-AFTRA")
    button(at, "Add the performer").click().run()
    assert not at.exception and not at.error

    table = at.dataframe[0].value
    assert list(table["Name"]) == [HOSTILE]
    assert list(table["Deceased"]) == ["yes"]
    assert list(table["Union"]) == ["SAG-AFTRA"]
    assert list(table["Estate or authorised representative"]) == ["Roe Estate, estate@roe.example"]
    assert at.selectbox(key="talent-performer").value == "P-1"
    # The headings that carry the name are escaped: Markdown renders them as the text.
    heading = next(h for h in at.subheader if "Consents of" in plain(h.value))
    assert plain(heading.value) == f"Consents of {HOSTILE}"
    assert "**" not in heading.value.replace("\\*", "")


def test_a_consent_without_a_description_is_refused_then_recorded_with_its_rider(
    tmp_path, monkeypatch
):
    store = fresh_log(tmp_path, monkeypatch)
    jane = store.add_performer("TST", "Jane Roe", actor="fixture")
    at = open_talent()
    stamp = f"{jane.id}-0"
    at.multiselect(key=f"tc-covers-{stamp}").select("likeness").select("voice")
    at.selectbox(key=f"tc-kind-{stamp}").set_value("employment_based")
    at.multiselect(key=f"tc-media-{stamp}").select("final")
    at.date_input(key=f"tc-signed-{stamp}").set_value(date(2026, 1, 5))
    at.date_input(key=f"tc-expires-{stamp}").set_value(date(2027, 3, 31))
    at.file_uploader(key=f"tc-files-{stamp}").upload("rider.pdf", PDF, "application/pdf")
    button(at, "Record the consent").click().run()
    assert errors(at) == [
        "the consent was not added: the description of the intended use is missing: a "
        "consent without a reasonably specific description is not valid; nothing was saved"
    ]
    assert store.consents(viewer=None) == []

    at.text_area(key=f"tc-use-{stamp}").set_value("Crowd replica in episode 3, final cut")
    button(at, "Record the consent").click().run()
    assert not at.exception and not at.error
    (recorded,) = store.consents(viewer=None)
    assert recorded.covers == ("likeness", "voice") and recorded.expires_on == date(2027, 3, 31)
    (rider,) = store.evidence_of("consent", recorded.id, viewer=None)
    assert (rider.name, rider.media_type, rider.added_by) == (
        "rider.pdf", "application/pdf", "Avery Tester",
    )  # fmt: skip

    summary = at.dataframe[1].value
    assert list(summary["Consent"]) == [recorded.id]
    assert list(summary["State"]) == ["Active"]
    assert list(summary["Covers"]) == ["Likeness, Voice"]
    fields = fields_shown(at)
    assert fields["Intended use"] == "Crowd replica in episode 3, final cut"
    assert fields["Expires on"] == "2027-03-31"
    assert fields["Valid from"] == "2026-01-05"
    assert fields["Signed by"] == "The performer"
    texts = [t.value for t in at.text]
    assert any(t.startswith("rider.pdf · application/pdf · ") for t in texts)
    assert "Not viewed yet." in [c.value for c in at.caption]


def test_a_file_that_is_not_what_its_name_says_is_refused(tmp_path, monkeypatch):
    store = fresh_log(tmp_path, monkeypatch)
    jane = store.add_performer("TST", "Jane Roe", actor="fixture")
    recorded = consent(store, jane.id)
    at = open_talent()
    attach = at.file_uploader(key=f"talent-attach-file-{recorded.id}-0")
    # A word-processor file (a zip) named .pdf: its content decides, and it is none of the four.
    attach.upload("rider.pdf", b"PK\x03\x04\x14\x00\x06\x00\x08\x00", "application/pdf")
    button(at, "Attach").click().run()
    (said,) = errors(at)
    assert said == (
        "rider.pdf is not a PDF, PNG, JPEG or plain-text (UTF-8) file by its content (its name "
        "does not count): nothing was stored"
    )
    assert store.evidence_of("consent", recorded.id, viewer=None) == []


def test_a_revocation_needs_a_note_then_reopens_the_use_relying_on_it(tmp_path, monkeypatch):
    store = fresh_log(tmp_path, monkeypatch)
    jane = store.add_performer("TST", "Jane Roe", actor="fixture")
    recorded = consent(store, jane.id)
    answers = parse_answers(
        {
            "title": "Crowd replica",
            "involves": {"digital_replica": True},
            "performers": [jane.id],
        },
        GUIDANCE,
    )
    use = store.log_use("TST", answers, ENGINE, actor="fixture", status="submitted")
    use = store.set_status(
        use.id, "approved", actor="fixture", approval_ref="WA-1", note="Consent on file",
        expected_version=use.version,
    )  # fmt: skip
    assert [u.id for u in store.consent_uses(recorded.id, viewer=None)] == [use.id]

    at = open_talent()
    relying = at.dataframe[2].value
    assert list(relying["Use"]) == [use.id]
    assert list(relying["Title"]) == ["Crowd replica"]
    assert list(relying["Consent holds"]) == ["yes"]
    stamp = f"{recorded.id}-0"
    at.radio(key=f"talent-change-{stamp}").set_value("revoke")
    button(at, "Apply the change").click().run()
    (said,) = errors(at)
    assert said.startswith("the consent was not revoked: the note is missing"), said
    assert store.get_consent(recorded.id, viewer=None).state == "active"

    at.text_area(key=f"talent-change-note-{stamp}").set_value("Withdrawn by her agent")
    button(at, "Apply the change").click().run()
    assert not at.exception and not at.error
    revoked = store.get_consent(recorded.id, viewer=None)
    assert (revoked.state, revoked.state_note) == ("revoked", "Withdrawn by her agent")
    summary = at.dataframe[1].value
    assert list(summary["State"]) == [f"Revoked on {revoked.state_on.isoformat()}"]
    assert "Revoked for good" in " ".join(c.value for c in at.caption)
    assert store.get_use(use.id, viewer=None).status == workflow.REOPENED_STATUS
    assert list(at.dataframe[2].value["Status"]) == [
        workflow.status(workflow.REOPENED_STATUS).label
    ]


def test_the_desk_lists_consents_expiring_within_the_set_days_with_their_uses(
    tmp_path, monkeypatch
):
    store = fresh_log(tmp_path, monkeypatch)
    monkeypatch.setenv("GREENLIGHT_CONSENT_EXPIRY_DAYS", "10")
    today = now_utc().date()
    jane = store.add_performer("TST", "Jane Roe", actor="fixture")
    sam = store.add_performer("TST", "Sam Poe", actor="fixture")
    soon = consent(store, jane.id, signed_on=today, expires_on=today + timedelta(days=3))
    consent(store, sam.id, signed_on=today, expires_on=today + timedelta(days=40))  # later
    answers = parse_answers(
        {"title": "Crowd replica", "involves": {"digital_replica": True}, "performers": [jane.id]},
        GUIDANCE,
    )
    use = store.log_use("TST", answers, ENGINE, actor="fixture", status="submitted")

    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.session_state["actor"] = "Avery Tester"
    at.run()
    at.switch_page("app_pages/review.py")
    at.run()
    assert not at.exception, at.exception
    assert "Consents about to expire" in [h.value for h in at.subheader]
    (table,) = [d.value for d in at.dataframe if "Days left" in d.value.columns]
    assert list(table["Consent"]) == [soon.id]
    assert list(table["Performer"]) == ["Jane Roe"]
    assert list(table["Expires on"]) == [(today + timedelta(days=3)).isoformat()]
    assert list(table["Days left"]) == [3]
    (relying,) = table["Uses relying on it"]
    assert relying.startswith(f"{use.id} Crowd replica (")

    monkeypatch.setenv("GREENLIGHT_CONSENT_EXPIRY_DAYS", "soon")
    at.run()
    assert errors(at)[0].startswith("GREENLIGHT_CONSENT_EXPIRY_DAYS is 'soon': give 1 to 3650")
