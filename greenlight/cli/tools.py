"""The tool and vendor registry from the shell: python -m greenlight tools add|list|review|sweep
and python -m greenlight workflows add.

`tools add` and `workflows add` print the new id; `tools review` and `tools sweep`
re-assess the uses that name the tool (or a workflow containing it) and say what moved.
"""

from __future__ import annotations

import argparse
import json
from contextlib import ExitStack
from datetime import date
from typing import TextIO

from greenlight.cli.common import (
    EXIT_OK,
    UserError,
    _database_argument,
    _guidance_argument,
    _Parser,
    cli_actor,
    cli_viewer,
    guidance_from,
    open_store,
    opened,
    store_errors,
    terminal_safe,
)
from greenlight.ledger import TOOL_STATES, TOOL_TIERS


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text[:40]!r} is not a date: write YYYY-MM-DD") from None


def _common(command: argparse.ArgumentParser, *, guidance: bool = False) -> None:
    if guidance:
        _guidance_argument(command)
    command.add_argument("--actor", metavar="NAME", help="who acts (local log; default: login)")
    _database_argument(command)


def _tools_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", required=True, parser_class=_Parser)
    add = sub.add_parser("add", help="register a tool", description="register a tool")
    add.add_argument("--name", required=True, metavar="NAME")
    add.add_argument("--tier", required=True, choices=tuple(TOOL_TIERS))
    add.add_argument("--vendor", default="", metavar="V")
    add.add_argument("--review-due", type=_day, metavar="DATE", help="default: 12 months on")
    add.add_argument("--evidence", metavar="FILE", help="the terms or agreement (PDF, ...)")
    add.add_argument("--production", metavar="CODE", help="a production's own tool")
    _common(add)
    listing = sub.add_parser("list", help="list the registry", description="list the tools")
    listing.add_argument("--json", action="store_true", help="print one JSON array")
    _database_argument(listing)
    review = sub.add_parser("review", help="record a review", description="record a review")
    review.add_argument("id", metavar="ID")
    review.add_argument("--tier", choices=tuple(TOOL_TIERS))
    review.add_argument("--state", choices=tuple(TOOL_STATES))
    review.add_argument("--review-due", type=_day, metavar="DATE")
    review.add_argument(
        "--note", default="", metavar="TEXT", help="why (its history; with --state, its reason)"
    )
    _common(review, guidance=True)
    sweep = sub.add_parser(
        "sweep", help="re-assess uses of tools past review", description="the review-due sweep"
    )
    _guidance_argument(sweep)
    _database_argument(sweep)


def _workflows_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", required=True, parser_class=_Parser)
    add = sub.add_parser("add", help="register a vendor's workflow", description="a workflow")
    add.add_argument("--name", required=True, metavar="NAME")
    add.add_argument("--vendor", required=True, metavar="V")
    add.add_argument("--steps", required=True, metavar="ID,ID,...", help="tool ids in order")
    add.add_argument("--production", metavar="CODE", help="a production's own workflow")
    _common(add)


def _moved(result, out: TextIO) -> None:
    out.write(
        f"re-assessed {result.checked:,} uses: {result.level_changed:,} changed level, "
        f"{result.reopened:,} approvals reopened\n"
    )
    for problem in result.problems[:20]:
        out.write(terminal_safe(f"  not re-assessed: {problem}") + "\n")


def run_tools(args: argparse.Namespace, out: TextIO) -> int:
    from greenlight.policy import Engine

    store = open_store(args)
    if args.action == "list":
        with store_errors():
            found = store.list_tools(viewer=cli_viewer())
        if args.json:
            out.write(json.dumps([_as_json(r) for r in found], ensure_ascii=False) + "\n")
            return EXIT_OK
        for r in found:
            t = r.tool
            due = t.review_due.isoformat() if t.review_due else "-"
            where = t.production or "studio"
            line = f"{t.id}  {t.name}  {t.tier}  {t.state}  review due {due}  {where}"
            out.write(terminal_safe(line) + "\n")
        return EXIT_OK
    if args.action == "sweep":
        with store_errors():
            _moved(store.sweep_tool_reviews(Engine(guidance_from(args))), out)
        return EXIT_OK
    actor = cli_actor(args, store)
    if args.action == "add":
        with store_errors(), ExitStack() as files:
            evidence = None
            if args.evidence:
                evidence = (args.evidence, files.enter_context(opened(args.evidence, "rb")))
            record = store.add_tool(
                args.name, args.tier, actor=actor, vendor=args.vendor, evidence=evidence,
                review_due=args.review_due, production=args.production,
            )  # fmt: skip
        out.write(f"{record.id}\n")
        return EXIT_OK
    changes = {
        name: value
        for name, value in (
            ("tier", args.tier),
            ("state", args.state),
            ("review_due", args.review_due),
        )  # fmt: skip
        if value is not None
    }
    if args.state:  # why it is under review or not allowed: the reason a use shows
        changes["state_note"] = args.note
    engine = Engine(guidance_from(args))
    with store_errors():
        review = store.review_tool(args.id, engine, actor=actor, note=args.note, **changes)
    t = review.tool.tool
    out.write(
        terminal_safe(f"{t.id} {t.name}: {t.tier}, {t.state}, review due {t.review_due}") + "\n"
    )
    _moved(review.result, out)
    return EXIT_OK


def _as_json(record) -> dict:
    t = record.tool
    return {
        "id": t.id, "name": t.name, "vendor": t.vendor, "version": t.version, "tier": t.tier,
        "state": t.state, "production": t.production, "reviewed_by": t.reviewed_by,
        "reviewed_on": t.reviewed_on.isoformat() if t.reviewed_on else None,
        "review_due": t.review_due.isoformat() if t.review_due else None,
        "stores_inputs": t.stores_inputs, "reuses_inputs": t.reuses_inputs,
        "trains_on_inputs": t.trains_on_inputs, "enterprise_secured": t.enterprise_secured,
        "retention": t.retention, "runs_in": t.runs_in,
    }  # fmt: skip


def run_workflows(args: argparse.Namespace, out: TextIO) -> int:
    store = open_store(args)
    actor = cli_actor(args, store)
    steps = [s.strip() for s in args.steps.split(",")]
    if any(not s for s in steps):
        raise UserError("--steps: give tool ids separated by commas, with none empty")
    with store_errors():
        workflow = store.add_workflow(
            args.name, args.vendor, steps, actor=actor, production=args.production
        )
    out.write(f"{workflow.id}\n")
    return EXIT_OK
