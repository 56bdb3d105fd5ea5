"""Loading guidance: the shipped set is whole and consistent; every broken set says file:line."""

from __future__ import annotations

from pathlib import Path

import pytest

from greenlight.policy import GuidanceError, load_guidance
from greenlight.policy.answers import parse_answers
from greenlight.policy.engine import Engine
from tests.unit.policy.build import broken_guidance

ALT = Path(__file__).resolve().parents[2] / "fixtures" / "guidance-alt"
G = load_guidance()


def test_shipped_guidance_covers_every_part_of_the_source():
    sections = {s.id for s in G.sections}
    assert {
        "introduction",
        "guiding-principles",
        "written-approval.data-use",
        "written-approval.creative-output",
        "written-approval.talent-performance",
        "written-approval.ethics-representation",
        "confidentiality",
        "final-vs-temporary",
        "talent-enhancement.digital-replicas",
        "talent-enhancement.digital-alterations",
        "talent-enhancement.model-usage",
        "talent-enhancement.quality-assurance",
        "custom-workflows",
        "use-case-matrix",
    } <= sections
    assert [q.number for q in G.group_questions("principles")] == [1, 2, 3, 4, 5]
    assert len(G.group_questions("involves")) == 11
    assert {q.category for q in G.group_questions("involves")} == {
        "written-approval.data-use",
        "written-approval.creative-output",
        "written-approval.talent-performance",
        "written-approval.ethics-representation",
    }
    assert len(G.matrix) == 6
    assert [level.id for level in G.levels] == ["low", "escalate", "approval"]
    assert G.source.publisher and G.source.retrieved and G.source.guidance_version


def test_every_question_is_used_and_every_reference_resolves():
    sections = {s.id for s in G.sections}
    used = set()
    from greenlight.policy.conditions import questions_of

    for rule in G.rules:
        assert rule.section in sections
        used |= questions_of(rule.when)
    assert used == {q.id for q in G.questions}
    for reading in G.readings:
        assert set(reading.sections) <= sections
        assert set(reading.rules) <= {r.id for r in G.rules}


def test_every_section_and_rule_cites_the_source():
    assert all(section.cites for section in G.sections)
    for q in G.questions:
        assert q.help and q.example, q.id


def test_a_second_guidance_set_loads_from_another_folder_and_assesses():
    alt = load_guidance(ALT)
    assert alt.id == "acme-pictures-ai" and alt.matrix == ()
    result = Engine(alt).assess(
        parse_answers({"title": "x", "involves": {"voice_clone": True}}, alt)
    )
    assert (result.level, result.rule_ids) == ("stop", ("voice-clone", "not-agreed"))
    assert result.unanswered == ("principles.everyone_agreed",)


def test_the_env_var_points_at_another_folder(monkeypatch):
    monkeypatch.setenv("GREENLIGHT_GUIDANCE_DIR", str(ALT))
    assert load_guidance().id == "acme-pictures-ai"


def _line_of(folder: Path, filename: str, needle: str) -> int:
    for number, line in enumerate((folder / filename).read_text().splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(needle)


BROKEN = {
    "unknown key": (
        "rules.yaml",
        "    level: escalate\n    section: guiding-principles\n    when: {question: principles.outputs_original",
        "    levle: escalate\n    section: guiding-principles\n    when: {question: principles.outputs_original",
        "levle: escalate",
        "unknown key 'levle' (did you mean 'level'?)",
    ),
    "wrong type": (
        "questions.yaml",
        "    number: 1\n",
        "    number: one\n",
        "number: one",
        "must be a whole number, not text",
    ),
    "rule names a missing question": (
        "rules.yaml",
        "when: {question: involves.misleading_content, op: eq, value: true}",
        "when: {question: involves.misleading_contents, op: eq, value: true}",
        "  - id: misleading-content",
        "question 'involves.misleading_contents' does not exist (did you mean 'involves.misleading_content'?)",
    ),
    "undefined level": (
        "rules.yaml",
        "  - id: union-work-impact\n    level: approval",
        "  - id: union-work-impact\n    level: approve",
        "  - id: union-work-impact",
        "level 'approve' is not defined (did you mean 'approval'?)",
    ),
    "unknown operator": (
        "rules.yaml",
        "when: {question: context.vendor_pipeline, op: eq, value: true}",
        "when: {question: context.vendor_pipeline, op: equals, value: true}",
        "question: context.vendor_pipeline, op: equals",
        "unknown operator 'equals'",
    ),
    "a riskier answer would switch a rule off": (
        "rules.yaml",
        "when: {question: principles.outputs_original, op: at_least, value: unsure}",
        "when: {question: principles.outputs_original, op: eq, value: unsure}",
        "  - id: principle-1-unsure",
        "holds for principles.outputs_original='unsure' but not for the riskier 'no'",
    ),
    "a value that is no answer": (
        "rules.yaml",
        "when: {question: context.tool_tier, op: eq, value: unknown}",
        "when: {question: context.tool_tier, op: eq, value: consumer}",
        "  - id: tool-terms-unknown",
        "'consumer' is not an answer of context.tool_tier",
    ),
    "section that does not exist": (
        "rules.yaml",
        "    level: low\n    section: custom-workflows",
        "    level: low\n    section: custom-workflow",
        "  - id: vendor-pipeline",
        "section 'custom-workflow' is not defined (did you mean 'custom-workflows'?)",
    ),
    "a rule without a short label": (
        "rules.yaml",
        "    short: Chained tools\n",
        "",
        "  - id: vendor-pipeline",
        "missing key 'short' (a label for charts, at most 32 characters)",
    ),
    "a short label too long": (
        "rules.yaml",
        "    short: Chained tools\n",
        "    short: Several tools chained into one pipeline\n",
        "  - id: vendor-pipeline",
        "rule vendor-pipeline: short 'Several tools chained into one pipeline' has 39 "
        "characters; shorten it to 32 or fewer",
    ),
    "two rules with one short label": (
        "rules.yaml",
        "    short: Chained tools\n",
        "    short: tool terms UNKNOWN\n",
        "  - id: vendor-pipeline",
        "rule vendor-pipeline: short 'tool terms UNKNOWN' is also rule tool-terms-unknown's",
    ),
    "duplicate key": (
        "guidance.yaml",
        '  version: "2026.12.1"\n',
        '  version: "2026.12.1"\n  version: "2026.13"\n',
        'version: "2026.13"',
        "key 'version' appears twice",
    ),
    "bad YAML": (
        "matrix.yaml",
        "  question: use_case_type\n",
        "  question: use_case_type: x\n",
        "question: use_case_type: x",
        "not valid YAML",
    ),
    "a python tag": (
        "guidance.yaml",
        "  title: Generative AI in content production\n",
        "  title: !!python/object/apply:os.system [echo]\n",
        "title: !!python",
        "is not allowed",
    ),
}


@pytest.mark.parametrize(
    ("filename", "old", "new", "line_needle", "message"), BROKEN.values(), ids=BROKEN.keys()
)
def test_broken_guidance_names_file_line_and_fix(
    tmp_path, filename, old, new, line_needle, message
):
    folder = broken_guidance(tmp_path, filename, old, new)
    with pytest.raises(GuidanceError) as caught:
        load_guidance(folder)
    line = _line_of(folder, filename, line_needle)
    matching = [p for p in caught.value.problems if message in p]
    assert matching, caught.value.problems
    assert matching[0].startswith(f"{filename}:{line}: "), matching[0]


def test_an_unused_question_is_an_error(tmp_path):
    folder = broken_guidance(
        tmp_path,
        "rules.yaml",
        "  - id: vendor-pipeline",
        "  - id: vendor-pipeline-gone\n    level: low\n    section: custom-workflows\n"
        "    when: {question: context.tool_tier, op: eq, value: unknown}\n    short: Gone\n    text: x.\n"
        "  - id: vendor-pipeline-x",
    )
    text = (folder / "rules.yaml").read_text()
    (folder / "rules.yaml").write_text(
        text.replace(
            "when: {question: context.vendor_pipeline, op: eq, value: true}",
            "when: {question: context.tool_tier, op: eq, value: unknown}",
        )
    )
    with pytest.raises(GuidanceError) as caught:
        load_guidance(folder)
    line = _line_of(folder, "questions.yaml", "id: context.vendor_pipeline")
    assert (
        f"questions.yaml:{line}: question context.vendor_pipeline is used by no rule; add a rule or remove it"
        in caught.value.problems
    )


def test_a_missing_folder_and_an_empty_folder(tmp_path):
    with pytest.raises(GuidanceError, match="no such folder"):
        load_guidance(tmp_path / "nope")
    with pytest.raises(GuidanceError, match=r"no \*\.yaml files"):
        load_guidance(tmp_path)


def test_all_problems_are_reported_at_once(tmp_path):
    folder = broken_guidance(
        tmp_path, "rules.yaml", "    level: approval\n", "    level: approve\n"
    )
    text = (folder / "questions.yaml").read_text()
    (folder / "questions.yaml").write_text(text.replace("    number: 2\n", "    number: two\n"))
    with pytest.raises(GuidanceError) as caught:
        load_guidance(folder)
    # structure is checked first, across every file, before meaning
    assert any("questions.yaml" in p and "whole number" in p for p in caught.value.problems)
