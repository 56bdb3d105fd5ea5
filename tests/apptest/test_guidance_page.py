"""The Guidance page: a reason's link opens its section first, a search highlights and
counts its matches, the search text never becomes Markdown, numbered points keep one marker."""

from __future__ import annotations

import re
import string

import pytest
from streamlit.testing.v1 import AppTest

from greenlight.present import count_matches, matching_sections, query_words, section_shown
from greenlight.ui.guidance_view import marked
from greenlight.ui.text import plain
from tests.apptest.helpers import GUIDANCE, fresh_log, start_app

HIGHLIGHT = re.compile(r"\*\*:orange-background\[(.*?)\]\*\*")
UNESCAPED = re.compile(r"(?<!\\)[" + re.escape(string.punctuation.replace("\\", "")) + "]")


@pytest.fixture
def guidance_page(tmp_path, monkeypatch) -> AppTest:
    fresh_log(tmp_path, monkeypatch)
    at = start_app("guidance")
    assert not at.exception
    return at


def _sections(at: AppTest) -> list:
    """The section expanders (the changelog's, one per version, are left out)."""
    return [e for e in at.expander if not e.label.startswith("Version ")]


def _search(at: AppTest, query: str) -> AppTest:
    at.text_input(key="guidance-search").input(query)
    at.run()
    assert not at.exception
    return at


def test_a_search_highlights_every_match_and_counts_them(guidance_page):
    at = _search(guidance_page, "Consent")
    words = query_words("consent")
    sections = matching_sections(GUIDANCE, "consent")
    passages = [text for s in sections for text in section_shown(GUIDANCE, s).passages()]
    matches = count_matches(passages, words)
    assert f"{matches} matches in {len(sections)} sections" in [c.value for c in at.caption]
    # Every section found is open, titled as the guidance titles it.
    assert [plain(HIGHLIGHT.sub(r"\1", e.label)).removeprefix("↳ ") for e in _sections(at)] == [
        s.title for s in sections
    ]
    assert all(e.proto.expanded for e in _sections(at))
    # Each match drawn is highlighted: as many highlights as matches, each one the word.
    bodies = [m.value for m in [*at.markdown, *at.caption]] + [e.label for e in _sections(at)]
    highlighted = [plain(h) for body in bodies for h in HIGHLIGHT.findall(body)]
    assert len(highlighted) == matches
    assert {h.lower() for h in highlighted} == {"consent"}


def test_one_match_in_one_section_is_said_in_the_singular(guidance_page):
    at = _search(guidance_page, "antagonist")  # once in the guidance
    assert "1 match in 1 section" in [c.value for c in at.caption]


def test_no_match_says_so_and_shows_no_count(guidance_page):
    at = _search(guidance_page, "zzzz-nowhere")
    assert [i.value for i in at.info] == ["No section mentions that. Try a shorter word."]
    assert not any("match" in c.value for c in at.caption)


@pytest.mark.parametrize("query", ["principle 1)", "(principle", '"unless', "studio's", "1."])
def test_matched_punctuation_is_highlighted_as_text(guidance_page, query):
    at = _search(guidance_page, query)
    bodies = [m.value for m in [*at.markdown, *at.caption]] + [e.label for e in _sections(at)]
    highlighted = [inside for body in bodies for inside in HIGHLIGHT.findall(body)]
    assert highlighted, query
    for inside in highlighted:
        assert not UNESCAPED.search(inside), inside
        assert plain(inside).lower() in query_words(query)


def test_search_text_that_matches_nothing_is_not_shown_anywhere(guidance_page):
    at = _search(guidance_page, "[x](https://evil.example) :red[y] <b>z</b>")
    assert not _sections(at)
    bodies = [str(e.proto) for e in at.main if not hasattr(e.proto, "placeholder")]
    assert not any("evil" in body for body in bodies)


@pytest.mark.parametrize("words", [("](", ":red[", "**"), ("<img", "1)"), ("x",)])
def test_marked_text_shows_the_text_exactly(words):
    text = "Source [a](https://e.example) :red[x] **y** <img src=x> (principle 1)."
    body = marked(text, words)
    assert HIGHLIGHT.findall(body), body
    outside = HIGHLIGHT.sub("", body)
    assert not UNESCAPED.search(outside.replace("\u2060", "")), outside
    assert plain(HIGHLIGHT.sub(r"\1", body)) == text


def test_a_reason_s_link_opens_its_section_first_and_open(guidance_page):
    at = guidance_page
    at.query_params["section"] = "written-approval.talent-performance"
    at.run()
    assert not at.exception
    wanted = GUIDANCE.section("written-approval.talent-performance")
    assert [i.value for i in at.info] == [
        f"Showing the section a reason pointed to: {wanted.title}."
    ]
    first = _sections(at)[0]
    assert plain(first.label) == f"↳ {wanted.title}" and first.proto.expanded
    # Then every section, as without the link, closed.
    assert [plain(e.label).removeprefix("↳ ") for e in _sections(at)[1:]] == [
        s.title for s in GUIDANCE.sections
    ]
    assert not any(e.proto.expanded for e in _sections(at)[1:])


def test_numbered_points_have_one_marker(guidance_page):
    bodies = [m.value for m in guidance_page.markdown]
    [points] = [b for b in bodies if re.search(r"^1\. ", b, re.MULTILINE)][:1]
    assert re.search(r"^1\. Outputs", points, re.MULTILINE), points
    assert not re.search(r"^- \d+\\?\.", points, re.MULTILINE), points
    assert not any(re.search(r"^- \d+\\?\. ", b, re.MULTILINE) for b in bodies)
