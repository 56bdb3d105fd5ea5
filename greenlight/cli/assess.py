"""The guidance's commands: assess one answers document, check a guidance folder, and
re-assess the log under another guidance version.
"""

from __future__ import annotations

import argparse
import json
from typing import TextIO

from greenlight.cli.common import (
    EXIT_OK,
    MAX_PROBLEMS_SHOWN,
    UserError,
    _database_argument,
    _guidance_argument,
    cli_actor,
    cli_viewer,
    database_errors,
    guidance_from,
    open_store,
    read_input,
    store_errors,
    terminal_safe,
)
from greenlight.policy import (
    AnswersError,
    Assessment,
    Engine,
    Guidance,
    load_answers,
    resolve,
)


def format_assessment(title: str, result: Assessment, guidance: Guidance) -> str:
    """A readable summary of an assessment for the terminal."""
    level = guidance.level(result.level)
    lines = [title, f"Level: {level.label.upper()} - {level.meaning}"]
    row = guidance.matrix_row(result.matrix_row)
    lines.append(f"Matrix row: {row.label if row else 'none (other use)'}")
    if result.row_contradicted:
        lines.append(f"Kind of use: {_row_contradiction(guidance, result)}")
    lines.append("Reasons:" if result.raising else "Reasons: none")
    for reason in result.raising:
        lines.append(f"  [{reason.level}] {reason.text} ({reason.rule}; section {reason.section})")
    if result.notes:
        lines.append("Notes (these raise nothing):")
        lines.extend(f"  - {note.text} ({note.rule})" for note in result.notes)
    lines.append("Next actions:")
    lines.extend(f"  - {action}" for action in result.actions)
    if result.unanswered:
        lines.append("Unanswered (each counts as its riskiest answer):")
        lines.extend(
            f"  - {qid}: {guidance.question(qid).label} (counts as {guidance.question(qid).riskiest})"
            for qid in result.unanswered
        )
    for reading in guidance.readings:
        if reading.id in result.readings:
            lines.append(f"Reading applied ({reading.id}): {' '.join(reading.reading.split())}")
    lines.append(f"Guidance: {result.guidance_id} {result.guidance_version}")
    return "\n".join(lines)


def _assess_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", help="an answers document (YAML or JSON), or - for stdin")
    parser.add_argument("--json", action="store_true", help="print the result as one JSON object")
    parser.add_argument(
        "--production",
        metavar="CODE",
        help="answer from the production's registries for the performers and tools the document names",
    )
    _guidance_argument(parser)
    _database_argument(parser)


def run_assess(args: argparse.Namespace, out: TextIO) -> int:
    guidance = guidance_from(args)
    try:
        answers = load_answers(read_input(args.file), guidance)
    except AnswersError as exc:
        name = "stdin" if args.file == "-" else args.file
        raise UserError([f"{name}: {problem}" for problem in exc.problems]) from None
    facts = _ledger_facts(args, answers) if args.production else ()
    resolved = resolve(answers, facts, guidance).answers if facts else answers
    result = Engine(guidance).assess(resolved)
    if args.json:
        data = result.to_dict()
        data["answers_notes"] = list(answers.notes)
        if args.production:
            data["facts"] = [fact.to_dict() for fact in facts]
        out.write(json.dumps(data, ensure_ascii=False) + "\n")
    else:
        out.write(format_assessment(answers.title, result, guidance) + "\n")
        out.writelines(f"Note on the answers: {note}\n" for note in answers.notes)
        out.writelines(
            terminal_safe(f"Answered from the ledger: {fact.question} = {fact.value} "
                          f"({fact.source})") + "\n"
            for fact in facts
        )  # fmt: skip
    return EXIT_OK


def _ledger_facts(args: argparse.Namespace, answers) -> tuple:
    """What the production's registries answer for the ids the document names."""
    store = open_store(args)
    with store_errors():
        return store.ledger_facts(args.production, answers, viewer=cli_viewer())


def _row_contradiction(guidance: Guidance, result: Assessment) -> str:
    from greenlight.present import row_contradiction

    return row_contradiction(guidance, result)


def _check_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "guidance", nargs="?", metavar="DIR", help="the folder to check (default: guidance/)"
    )


def run_check_guidance(args: argparse.Namespace, out: TextIO) -> int:
    guidance = guidance_from(args)
    out.write(
        f"{guidance.path}: valid - {guidance.id} {guidance.version}: {len(guidance.sections)} sections, "
        f"{len(guidance.questions)} questions, {len(guidance.rules)} rules, "
        f"{len(guidance.matrix)} matrix rows\n"
    )
    return EXIT_OK


def _reassess_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--production",
        metavar="CODE",
        action="append",
        default=[],
        help="a production to re-assess (repeat for several; default: all)",
    )
    _guidance_argument(parser)
    parser.add_argument("--actor", metavar="NAME", help="who re-assesses (default: your login)")
    _database_argument(parser)


def run_reassess(args: argparse.Namespace, out: TextIO) -> int:
    """Move every use logged under another guidance version to this one, in batches."""
    from greenlight.store import NotFound

    guidance = guidance_from(args)
    store = open_store(args)
    with database_errors():
        for code in args.production:
            try:
                store.get_production(code, viewer=cli_viewer())
            except NotFound as exc:
                raise UserError(str(exc)) from None

        def progress(done: int, total: int) -> None:
            out.write(f"  re-assessed {done:,} of {total:,} uses\n")
            out.flush()

        out.write(f"Re-assessing the log under guidance {guidance.id} {guidance.version}:\n")
        result = store.reassess(
            Engine(guidance),
            actor=cli_actor(args, store),
            codes=tuple(args.production),
            progress=progress,
        )
    out.write(
        f"uses moved: {result.checked}; levels raised: {result.raised}; "
        f"approvals reopened: {result.reopened}; "
        f"uses the new guidance cannot read: {len(result.unreadable)}\n"
    )
    if result.unreadable:
        out.write(f"cannot read (left as they were): {', '.join(result.unreadable)}\n")
        out.writelines(f"  {problem}\n" for problem in result.problems[:MAX_PROBLEMS_SHOWN])
    return EXIT_OK
