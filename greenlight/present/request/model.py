"""The escalation request as one structure, built once and rendered as text or PDF.

Everything a studio contact needs to file the request: who asks, about which use of which
production, the outcome and each reason with its guidance section, what the studio is asked
to decide, and the questions that apply to the use with their answers or as open.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import quote, urlsplit

from greenlight import workflow
from greenlight.policy import (
    FIELDS,
    Answers,
    AnswersError,
    Assessment,
    Engine,
    Guidance,
    parse_answers,
    resolve,
)
from greenlight.policy import Fact as RegistryFact
from greenlight.present.documents import read_from_kind, row_contradiction
from greenlight.present.registry import question_name, source_name

BASE_URL_ENV = "GREENLIGHT_BASE_URL"
DEFAULT_BASE_URL = "http://localhost:8501"
NOT_GIVEN = "not given"
OPEN_ANSWER = "Open: not answered yet."
# What a request asks when the guidance set does not say (its levels have no `asks`).
DEFAULT_ASKS = "Please review this use and tell the production how it may proceed."

# Characters that act rather than show, in a terminal, a PDF viewer or a mail client: C0 and
# C1 controls (newlines and tabs are kept), line and paragraph separators, and the
# bidirectional overrides and isolates that reorder the text after them.
_UNSHOWN = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]"
)


def shown_text(text: str) -> str:
    """User text as a document shows it: line ends as newlines, tabs as spaces, and every
    character that acts rather than shows replaced by U+FFFD."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", "    ")
    return _UNSHOWN.sub("\ufffd", text)


def base_url() -> str:
    """The app's address for links: $GREENLIGHT_BASE_URL or http://localhost:8501.

    Raises ValueError naming the setting when it is not an http(s) address."""
    value = os.environ.get(BASE_URL_ENV, "").strip() or DEFAULT_BASE_URL
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise ValueError(
            f"{BASE_URL_ENV} must be the app's web address, such as "
            f"https://greenlight.example.com (it is {value!r})"
        )
    return value.rstrip("/")


def use_link(use_id: str, base: str | None = None) -> str:
    """The address of a logged use on the log page: <base URL>/log?use=ID."""
    return f"{base or base_url()}/log?use={quote(use_id, safe='')}"


@dataclass(frozen=True)
class Fact:
    label: str
    value: str


@dataclass(frozen=True)
class RequestReason:
    level: str  # the level's label
    text: str
    section: str  # the title of the guidance section it comes from


@dataclass(frozen=True)
class RequestAnswer:
    question: str
    answer: str | None  # None: the question applies and is still open

    @property
    def shown_answer(self) -> str:
        return self.answer if self.answer is not None else OPEN_ANSWER

    @property
    def line(self) -> str:
        """The question and its answer as one line of text."""
        joint = " " if self.question.rstrip().endswith("?") else ": "
        return f"{self.question.rstrip()}{joint}{self.shown_answer}"


@dataclass(frozen=True)
class AnswerGroup:
    title: str
    answers: tuple[RequestAnswer, ...]


@dataclass(frozen=True)
class RequestReading:
    question: str  # where the guidance is unclear
    reading: str  # how Greenlight reads it


@dataclass(frozen=True)
class EscalationRequest:
    """One escalation request: every part both renderings show, in reading order."""

    title: str
    header: tuple[Fact, ...]  # use, production, use id, who, when, guidance
    link: str | None  # the logged use in the app; None before it is logged
    level: str
    meaning: str
    asks: str
    open_note: str  # the questions still open, said plainly ("" when none)
    reasons: tuple[RequestReason, ...]
    notes: tuple[RequestReason, ...]  # reasons at the lowest level: they raise nothing
    use: tuple[Fact, ...]  # the use as described, and its kind of use
    kind_warning: str  # the answers contradict the kind of use chosen ("" when they fit)
    steps: tuple[str, ...]  # what the guidance asks of the production for these reasons
    groups: tuple[AnswerGroup, ...] | None  # None: this guidance cannot read the answers
    readings: tuple[RequestReading, ...]
    stored_note: str  # a logged use assessed under another guidance version, said so
    source: str  # the guidance and the source it encodes
    language: str = "en"
    # What the studio's registries answered (the question, then the record that says so).
    records: tuple[Fact, ...] = ()

    @property
    def document_title(self) -> str:
        return f"Escalation request: {self.title}"


@dataclass(frozen=True)
class _Outcome:
    """What the request reports as the outcome: from an assessment, or as a use stored it."""

    level: str
    reasons: tuple[tuple[str, str, str, str], ...]  # (rule, level, section id, text)
    matrix_row: str | None
    assessed_under: str  # "guidance-id version"


def _outcome(result: Assessment) -> _Outcome:
    return _Outcome(
        level=result.level,
        reasons=tuple((r.rule, r.level, r.section, r.text) for r in result.reasons),
        matrix_row=result.matrix_row,
        assessed_under=f"{result.guidance_id} {result.guidance_version}",
    )


def _stored_outcome(guidance: Guidance, record) -> _Outcome:
    """A logged use's stored outcome; each reason's text from this guidance, by rule id."""
    rules = {rule.id: rule for rule in guidance.rules}
    return _Outcome(
        level=record.level,
        reasons=tuple(
            (
                r.rule,
                r.level,
                r.section,
                rules[r.rule].text if r.rule in rules else f"Rule {r.rule} of that version.",
            )
            for r in record.reasons
        ),
        matrix_row=record.matrix_row,
        assessed_under=f"{record.guidance_id} {record.guidance_version}",
    )


def build_request(
    answers: Answers,
    result: Assessment,
    guidance: Guidance,
    *,
    production: tuple[str, str] | None,
    prepared_by: str,
    requested_by: str,
    now: datetime | None = None,
    facts: Sequence[RegistryFact] = (),
) -> EscalationRequest:
    """The request for an assessment not logged yet; production is (name, code) or None.
    `facts`: what the registries answered for it (`result` assesses them folded in)."""
    answers = resolve(answers, facts, guidance).answers
    return _assemble(
        guidance,
        _outcome(result),
        title=answers.title,
        fields=answers.fields,
        production=production,
        use_line="not logged yet",
        link=None,
        prepared_by=prepared_by,
        requested_by=requested_by,
        now=now,
        answered=(answers, result),
        kind_warning=_kind_warning(guidance, result),
        records=_records(guidance, facts),
    )


def request_for_use(
    record,
    guidance: Guidance,
    engine: Engine,
    *,
    requested_by: str,
    now: datetime | None = None,
    base: str | None = None,
) -> EscalationRequest:
    """The request for a logged use (a store UseRecord), for the assessment it has stored.

    Under the guidance it was assessed with, that is the assessment of its answers with what
    the registries answered then (record.facts); under another one, its stored level and
    reasons, and a note saying so."""
    facts = getattr(record, "facts", ())
    answers, fresh = record_assessment(record, guidance, engine) or (None, None)
    current = fresh is not None and (record.guidance_id, record.guidance_version, record.level) == (
        guidance.id,
        guidance.version,
        fresh.level,
    )
    status = workflow.status(record.status).label
    if record.approval_ref:
        status += f", approval reference {record.approval_ref}"
    return _assemble(
        guidance,
        _outcome(fresh) if current else _stored_outcome(guidance, record),
        title=record.title,
        fields=record.fields,
        production=(record.production_name, record.production_code),
        use_line=f"{record.id} ({status})",
        link=use_link(record.id, base),
        prepared_by=record.created_by,
        requested_by=requested_by,
        now=now,
        answered=(answers, fresh) if answers is not None and fresh is not None else None,
        kind_warning=_kind_warning(guidance, fresh) if current else "",
        stored_note="" if current else _stored_note(guidance, record, fresh),
        records=_records(guidance, facts),
    )


def record_assessment(
    record, guidance: Guidance, engine: Engine
) -> tuple[Answers, Assessment] | None:
    """A logged use's answers as they counted (with what the registries answered when it was
    last assessed, record.facts) and their assessment under this guidance; None when this
    guidance cannot read them."""
    try:
        answers = resolve(
            parse_answers(record.answers, guidance), getattr(record, "facts", ()), guidance
        ).answers
    except AnswersError:
        return None
    return answers, engine.assess(answers)


def _records(guidance: Guidance, facts: Sequence[RegistryFact]) -> tuple[Fact, ...]:
    """Each registry answer as a label (the question and the registry) and its record."""
    shown = []
    for fact in facts:
        question = guidance.questions_by_id.get(fact.question)
        if question is None:
            continue
        answer = question.label_of(fact.value)
        shown.append(
            Fact(f"{question_name(question)}: {answer} ({source_name(fact)})", fact.source)
        )
    return tuple(shown)


def _assemble(
    guidance: Guidance,
    outcome: _Outcome,
    *,
    title: str,
    fields: Mapping[str, str],
    production: tuple[str, str] | None,
    use_line: str,
    link: str | None,
    prepared_by: str,
    requested_by: str,
    now: datetime | None,
    answered: tuple[Answers, Assessment] | None,
    kind_warning: str,
    stored_note: str = "",
    records: tuple[Fact, ...] = (),
) -> EscalationRequest:
    when = (now or datetime.now(UTC)).astimezone(UTC)
    name, code = production or ("", "")
    header = (
        Fact("Use", title),
        Fact("Production", f"{name} ({code})" if code else "none chosen"),
        Fact("Greenlight use", use_line),
        Fact("Prepared by", prepared_by or NOT_GIVEN),
        Fact("Request made by", requested_by or NOT_GIVEN),
        Fact("Date", when.strftime("%Y-%m-%d %H:%M UTC")),
        Fact("Guidance", f"{guidance.title}, {outcome.assessed_under}"),
    )
    levels = {level.id: level for level in guidance.levels}
    level = levels.get(outcome.level)
    reasons = [
        (
            lvl,
            RequestReason(
                levels[lvl].label if lvl in levels else lvl,
                text,
                guidance.sections_by_id[section].title
                if section in guidance.sections_by_id
                else section,
            ),
        )
        for _, lvl, section, text in outcome.reasons
    ]
    lowest = guidance.levels[0].id
    row = guidance.matrix_row(outcome.matrix_row)
    use = tuple(
        Fact(spec.label, shown_text(fields.get(spec.name, "")))
        for spec in FIELDS[1:]
        if fields.get(spec.name, "").strip()
    ) + ((Fact("Kind of use", row.label),) if row else ())
    rule_ids = [rule for rule, _, _, _ in outcome.reasons]
    return EscalationRequest(
        title=shown_text(title),
        header=tuple(Fact(f.label, shown_text(f.value)) for f in header),
        link=link,
        level=level.label if level else outcome.level,
        meaning=level.meaning if level else "",
        asks=level.asks if level and level.asks else DEFAULT_ASKS,
        open_note=_open_note(len(answered[1].unanswered) if answered else 0),
        reasons=tuple(reason for lvl, reason in reasons if lvl != lowest),
        notes=tuple(reason for lvl, reason in reasons if lvl == lowest),
        use=use,
        kind_warning=kind_warning,
        steps=_steps(guidance, outcome.level, rule_ids),
        groups=_groups(guidance, *answered) if answered else None,
        readings=tuple(
            RequestReading(" ".join(r.question.split()), " ".join(r.reading.split()))
            for r in guidance.readings_for_rules(rule_ids)
        ),
        stored_note=stored_note,
        source=_source(guidance),
        records=tuple(Fact(shown_text(f.label), shown_text(f.value)) for f in records),
    )


def _open_note(count: int) -> str:
    if not count:
        return ""
    which = (
        "1 question that applies to this use is"
        if count == 1
        else f"{count} questions that apply to this use are"
    )
    return (
        f"{which} still open (listed below). Until the production answers, each counts as "
        "its riskier answer: the answers can keep the outcome as it is or lower it, never "
        "raise it."
    )


def _kind_warning(guidance: Guidance, result: Assessment) -> str:
    if not result.row_contradicted:
        return ""
    sentence = row_contradiction(guidance, result)
    return sentence[:1].upper() + sentence[1:]


def _steps(guidance: Guidance, level_id: str, rule_ids: list[str]) -> tuple[str, ...]:
    """What the guidance asks of the production for these reasons, in rule order. The
    level's standing actions are left out: they tell the sender to send this request."""
    rules = {rule.id: rule for rule in guidance.rules}
    steps: dict[str, None] = {}
    for rule_id in rule_ids:
        if rule_id in rules:
            steps.update(dict.fromkeys(rules[rule_id].actions))
    return tuple(steps)


def _groups(guidance: Guidance, answers: Answers, result: Assessment) -> tuple[AnswerGroup, ...]:
    """The questions that apply to the use, by group, each with its answer or as open.

    A question not given that the assessment does not ask (a situation not ticked) has its
    default as its answer; one it asks and that is not given is open."""
    skipped, gaps = set(result.not_applicable), set(result.unanswered)
    read = read_from_kind(guidance, answers, result)
    groups = []
    for group in guidance.groups:
        rows = tuple(
            RequestAnswer(
                q.label,
                None if q.id in gaps else read.get(q.id, q.label_of(answers.values[q.id])),
            )
            for q in guidance.group_questions(group.id)
            if q.id not in skipped
        )
        if rows:
            groups.append(AnswerGroup(group.title, rows))
    return tuple(groups)


def _stored_note(guidance: Guidance, record, fresh: Assessment | None) -> str:
    said = (
        f"This use was assessed under guidance {record.guidance_id} "
        f"{record.guidance_version}; the outcome below is the one stored then."
    )
    if fresh is None:
        return (
            f"{said} The guidance in use now ({guidance.id} {guidance.version}) cannot read "
            "its answers; the production will answer the questions again."
        )
    level = next((lv.label for lv in guidance.levels if lv.id == fresh.level), fresh.level)
    return (
        f"{said} Under the guidance in use now ({guidance.id} {guidance.version}) its level "
        f"would be {level}; the production will re-assess it."
    )


def _source(guidance: Guidance) -> str:
    source = guidance.source
    return (
        f"Prepared with Greenlight against {guidance.title} ({guidance.id} "
        f"{guidance.version}), encoded from {source.publisher}, {source.title}, "
        f"{source.guidance_version}, read {source.retrieved}."
    )
