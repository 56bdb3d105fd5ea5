"""The escalation request, read back the way its reader gets it: the PDF's text and metadata
(pypdf), and the text version both as plain text and as rendered Markdown (markdown-it-py).
Uses are logged in a real SQLite file; the titles are hostile and in several scripts."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime

import pytest
from markdown_it import MarkdownIt
from pypdf import PdfReader

from greenlight.policy import Engine, load_guidance, parse_answers
from greenlight.present import (
    BASE_URL_ENV,
    DEFAULT_BASE_URL,
    base_url,
    build_request,
    request_for_use,
    request_markdown,
    request_pdf,
    use_link,
)
from greenlight.store import UseCaseStore

GUIDANCE = load_guidance()
ENGINE = Engine(GUIDANCE)
NOW = datetime(2026, 12, 5, 9, 30, tzinfo=UTC)
BASE = "https://greenlight.example.com"
MARKUP = "[x](http://evil) <b>bold</b> # heading ![i](http://img) {nb} *em* `code` <http://a>"
SCRIPTS = "Été naïve Ωμέγα Москва 東京の夜 서울 مرحبا שלום"
HOSTILE = f"{MARKUP} {SCRIPTS}"
DESCRIPTION = (
    "First line\n\n# Not a heading\n    <script>alert(1)</script>\n> not a quote\n- not a list"
)
ANSWERS = {
    "title": HOSTILE,
    "description": DESCRIPTION,
    "department": "Art <i>dept</i>",
    "scene": "ep. 3, sc. 14-16 (street exterior)",
    "use_case_type": "ideation",
    "principles": {"outputs_original": "yes", "no_training_on_inputs": "unsure"},
    # Ticked, yet a situation the guidance counts; the digital replica left unticked.
    "involves": {"personal_data_input": True},
    "context": {"final_deliverable": False, "tool_tier": "enterprise"},
}
# The headings the text version has: none may come from what a person typed.
HEADINGS = {
    "Escalation request",
    "Outcome",
    "What the studio is asked to decide",
    "Why",
    "Notes (these raise nothing)",
    "The use",
    "What the guidance asks of the production",
    "Questions that apply to this use",
    "Where the guidance is unclear, and how it was read",
}


@pytest.fixture
def logged(sqlite_url):
    store = UseCaseStore(sqlite_url)
    store.create_production("HBL-S1", f"Harbour Lights {SCRIPTS} <b>x</b>", actor="Ana Ortiz")
    return store.log_use("HBL-S1", parse_answers(ANSWERS, GUIDANCE), ENGINE, actor="Sam Ríos")


def flat(text: str) -> str:
    """Text with every run of white space as one space: a PDF wraps lines where it must."""
    return " ".join(text.split())


FOOTER = re.compile(r"Greenlight escalation request, page \d+")


def pdf_text(data: bytes) -> tuple[PdfReader, str]:
    """The PDF and its text, pages joined without their footers (a sentence may run on)."""
    reader = PdfReader(io.BytesIO(data))
    pages = [page.extract_text() for page in reader.pages]
    assert all(FOOTER.search(page) for page in pages)
    return reader, flat(" ".join(FOOTER.sub(" ", page) for page in pages))


def expected_parts(record) -> list[str]:
    """Every field both versions must carry for this use, in words."""
    answers = parse_answers(record.answers, GUIDANCE)
    result = ENGINE.assess(answers)
    level = GUIDANCE.level(result.level)
    parts = [
        HOSTILE,
        f"Harbour Lights {SCRIPTS} <b>x</b> (HBL-S1)",
        record.id,
        use_link(record.id, BASE),
        "Sam Ríos",  # prepared it (logged it)
        "Ines Duarte",  # asks for the decision
        "2026-12-05 09:30 UTC",
        f"{GUIDANCE.id} {GUIDANCE.version}",
        level.label,
        level.asks,
        "Art <i>dept</i>",
        "ep. 3, sc. 14-16 (street exterior)",
    ]
    for reason in result.reasons:
        parts += [reason.text, GUIDANCE.section(reason.section).title]
    for q in GUIDANCE.questions:
        if q.id not in result.not_applicable:
            parts.append(q.label)
    for rule in result.rule_ids:
        parts += GUIDANCE.rule(rule).actions
    return parts


def structure_elements(reader: PdfReader) -> list[tuple[str, str]]:
    """The (type, title) of each element under the PDF's Document structure element."""
    root = reader.trailer["/Root"]["/StructTreeRoot"].get_object()
    document = root["/K"]
    document = (document[0] if isinstance(document, list) else document).get_object()
    assert document["/S"] == "/Document"
    kids = [kid.get_object() for kid in document["/K"]]
    return [(str(kid["/S"]), str(kid.get("/T", ""))) for kid in kids]


def test_the_pdf_carries_every_field_and_shows_a_hostile_title_as_typed(logged):
    request = request_for_use(
        logged, GUIDANCE, ENGINE, requested_by="Ines Duarte", now=NOW, base=BASE
    )
    reader, text = pdf_text(request_pdf(request))
    for part in expected_parts(logged):
        assert flat(part) in text, part
    assert "Open: not answered yet." in text  # principles 3 to 5 were left open
    assert "counted as" not in text
    meta = reader.metadata
    assert meta.title == f"Escalation request: {HOSTILE}"
    assert meta.author == "Sam Ríos"
    assert reader.trailer["/Root"]["/Lang"] == "en"
    outline = [item["/Title"] for item in reader.outline[:1]]
    assert outline == ["Escalation request"]
    headings = [item["/Title"] for item in reader.outline[1]]
    assert headings[:3] == [
        "Outcome: Written approval",
        "What the studio is asked to decide",
        "Why",
    ]
    # The structure tree tags the title H1 and every section H2, as a screen reader reads them.
    tagged = structure_elements(reader)
    assert [t for s, t in tagged if s == "/H1"] == ["Escalation request"]
    assert [t for s, t in tagged if s == "/H2"] == headings
    assert "/Figure" not in {s for s, _ in tagged}  # fpdf2's own type for section titles
    fonts = {
        str(font.get_object()["/BaseFont"])
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }
    for family in ("DejaVuSans", "DroidSansFallback", "NanumSquare"):  # Latin..., CJK, Korean
        assert any(family in name for name in fonts), fonts
    assert "U+" not in text  # every character had a font


def test_questions_that_do_not_apply_are_left_out_and_readings_keep_their_question(logged):
    answers = parse_answers(logged.answers, GUIDANCE)
    result = ENGINE.assess(answers)
    request = request_for_use(logged, GUIDANCE, ENGINE, requested_by="Ines", now=NOW, base=BASE)
    text = request_markdown(request)
    skipped = [GUIDANCE.question(q).label for q in result.not_applicable]
    assert skipped and not any(label in text for label in skipped)
    questions = [a.question for group in request.groups for a in group.answers]
    assert len(questions) == len(GUIDANCE.questions) - len(result.not_applicable)
    for reading in request.readings:
        assert f"- {reading.question}\n  Read as: {reading.reading}\n" in text


def test_the_text_reads_plainly_and_renders_nothing_typed_as_markdown(logged):
    request = request_for_use(
        logged, GUIDANCE, ENGINE, requested_by="Ines Duarte", now=NOW, base=BASE
    )
    text = request_markdown(request)
    for part in expected_parts(logged):
        assert part in text, part
    assert "\\" not in text  # no escapes when read as plain text
    assert "counted as" not in text
    # The title and the description as typed, each line of a value indented under the first.
    assert re.search(rf"^    Use: +{re.escape(HOSTILE)}$", text, re.M)
    assert "                      # Not a heading\n" in text

    tokens = MarkdownIt("commonmark").parse(text)
    found = {t.type for t in tokens} | {c.type for t in tokens for c in t.children or ()}
    assert not found & {"link_open", "image", "html_inline", "html_block", "blockquote_open"}
    headings = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open"]
    assert set(headings) <= HEADINGS and "Escalation request" in headings
    # What was typed is in code blocks, shown literally (escaped) in the HTML.
    html = MarkdownIt("commonmark").render(text)
    assert "[x](http://evil) &lt;b&gt;bold&lt;/b&gt; # heading ![i](http://img)" in html
    assert "<script>" not in html and "<b>" not in html and "<em>" not in html


def test_an_assessment_not_logged_says_so_and_has_no_link():
    answers = parse_answers({**ANSWERS, "title": "Moodboard"}, GUIDANCE)
    request = build_request(
        answers,
        ENGINE.assess(answers),
        GUIDANCE,
        production=("Harbour Lights", "HBL-S1"),
        prepared_by="Sam Ríos",
        requested_by="Sam Ríos",
        now=NOW,
    )
    text = request_markdown(request)
    assert re.search(r"^    Greenlight use: +not logged yet$", text, re.M)
    assert request.link is None and "http" not in text
    _, pdf = pdf_text(request_pdf(request))
    assert "not logged yet" in pdf and "Harbour Lights (HBL-S1)" in pdf


def test_a_low_level_request_asks_for_no_decision_and_lists_no_open_question():
    clear = {
        q: "yes"
        for q in (
            "outputs_original",
            "no_training_on_inputs",
            "enterprise_environment",
            "temporary_only",
            "no_performance_replacement",
        )
    }
    answers = parse_answers(
        {
            "title": "Moodboard",
            "use_case_type": "ideation",
            "principles": clear,
            "context": {
                "final_deliverable": False,
                "tool_tier": "enterprise",
                "vendor_pipeline": False,
            },
        },
        GUIDANCE,
    )
    result = ENGINE.assess(answers)
    assert result.level == GUIDANCE.levels[0].id and not result.unanswered
    request = build_request(
        answers, result, GUIDANCE, production=None, prepared_by="", requested_by=""
    )
    text = request_markdown(request)
    assert GUIDANCE.levels[0].asks in text and "still open" not in text
    assert "Open: not answered yet." not in text


def test_characters_no_font_has_are_named_on_the_page():
    answers = parse_answers({**ANSWERS, "title": "हिन्दी शीर्षक"}, GUIDANCE)
    request = build_request(
        answers, ENGINE.assess(answers), GUIDANCE, production=None, prepared_by="", requested_by=""
    )
    _, text = pdf_text(request_pdf(request))
    assert "no font for some characters" in text and "U+0939" in text
    assert "हिन्दी शीर्षक" in request_markdown(request)


def test_a_use_this_guidance_cannot_read_keeps_its_stored_outcome(logged, project_root):
    from greenlight.policy import load_guidance as load

    other = load(project_root / "tests" / "fixtures" / "guidance-alt")
    request = request_for_use(logged, other, Engine(other), requested_by="Ines", now=NOW, base=BASE)
    text = request_markdown(request)
    assert f"assessed under guidance {GUIDANCE.id} {GUIDANCE.version}" in text
    assert "cannot read its answers" in text
    assert request.groups is None and logged.level in text
    assert len(request.reasons) + len(request.notes) == len(logged.reasons)
    _, pdf = pdf_text(request_pdf(request))
    assert HOSTILE in pdf


def test_the_base_url_is_a_web_address(monkeypatch):
    monkeypatch.delenv(BASE_URL_ENV, raising=False)
    assert base_url() == DEFAULT_BASE_URL
    monkeypatch.setenv(BASE_URL_ENV, "https://gl.example.com/studio/")
    assert base_url() == "https://gl.example.com/studio"
    assert use_link("ab-1") == "https://gl.example.com/studio/log?use=ab-1"
    for bad in ("gl.example.com", "javascript:alert(1)", "https://gl.example.com/?x=1", "ftp://x"):
        monkeypatch.setenv(BASE_URL_ENV, bad)
        with pytest.raises(ValueError, match=BASE_URL_ENV):
            base_url()


def _answer_to(request, question: str) -> str:
    (row,) = [a for g in request.groups for a in g.answers if a.question == question]
    return row.shown_answer


@pytest.mark.parametrize(
    ("involves", "shown"),
    [
        # Not ticked: the kind of use answers it, as the reason says.
        ({}, "Yes (read from the kind of use: Final character designs or key visuals)"),
        # Ticked: as answered, nothing to add.
        ({"key_creative_element": True}, "Yes"),
        # Answered no against the kind chosen: said as answered, beside what the kind counts.
        (
            {"key_creative_element": False},
            "No, as answered; the kind of use chosen (Final character designs or key "
            "visuals) counts it as yes",
        ),
    ],
)
def test_no_answer_contradicts_a_reason_read_from_the_kind_of_use(involves, shown):
    """A key visual fires the key-creative-element reason whether or not the question was
    ticked: the request shows the answer the reason rests on, never a bare No beside it."""
    doc = {"title": "Poster", "use_case_type": "key_visual"}
    if involves:
        doc["involves"] = involves
    answers = parse_answers(doc, GUIDANCE)
    result = ENGINE.assess(answers)
    assert "key-creative-element" in result.rule_ids
    request = build_request(
        answers, result, GUIDANCE, production=None, prepared_by="", requested_by=""
    )
    assert _answer_to(request, "It creates a key creative element") == shown
    text = request_markdown(request)
    assert f"It creates a key creative element: {shown}" in " ".join(text.split())
