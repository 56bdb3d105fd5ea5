"""The talent ledger's commands: performers (add, link, list) and consents (add, list,
revoke, suspend, reactivate, sweep). Consents are personal data: on a studio log the command
line reads and writes them as the local administrator.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
from contextlib import ExitStack
from datetime import date
from typing import Any, TextIO

from greenlight.cli.common import (
    EXIT_OK,
    UserError,
    _actor_argument,
    _database_argument,
    _guidance_argument,
    cli_actor,
    cli_viewer,
    guidance_from,
    open_store,
    opened,
    store_errors,
    terminal_safe,
)
from greenlight.ledger import CATEGORIES, KINDS, SIGNERS
from greenlight.policy import Engine


def _performers_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", required=True, parser_class=type(parser))
    add = sub.add_parser("add", help="add a performer to a production; prints the id")
    add.add_argument("--production", metavar="CODE", required=True)
    add.add_argument("--name", required=True)
    add.add_argument("--category", choices=CATEGORIES, default="principal")
    add.add_argument("--union", default="", help="e.g. SAG-AFTRA, Equity (default: none)")
    add.add_argument("--minor", action="store_true")
    add.add_argument("--deceased", action="store_true")
    add.add_argument("--estate", metavar="CONTACT", default="",
                     help="the estate or authorised representative and their contact")  # fmt: skip
    add.add_argument("--representative", default="", help="agent or representative")
    link = sub.add_parser("link", help="record that a performer works on another production")
    link.add_argument("id", metavar="ID")
    link.add_argument("--production", metavar="CODE", required=True)
    listing = sub.add_parser("list", help="list a production's performers")
    listing.add_argument("--production", metavar="CODE", required=True)
    listing.add_argument("--json", action="store_true", help="one JSON array")
    for command in (add, link, listing):
        _actor_argument(command)
        _database_argument(command)


def run_performers(args: argparse.Namespace, out: TextIO) -> int:
    store = open_store(args)
    with store_errors():
        if args.action == "add":
            performer = store.add_performer(
                args.production, args.name, actor=cli_actor(args, store),
                category=args.category, union=args.union, minor=args.minor,
                deceased=args.deceased, estate=args.estate, representative=args.representative,
            )  # fmt: skip
            out.write(f"{performer.id}\n")
        elif args.action == "link":
            performer = store.link_performer(args.id, args.production, actor=cli_actor(args, store))
            out.write(f"{performer.id} works on {', '.join(performer.productions)}\n")
        else:
            found = store.performers(args.production, viewer=cli_viewer())
            if args.json:
                out.write(json.dumps([_plain(p) for p in found], ensure_ascii=False) + "\n")
            for p in () if args.json else found:
                flags = [w for w, on in (("minor", p.minor), ("deceased", p.deceased)) if on]
                out.write(terminal_safe("  ".join([
                    p.id, p.name, p.category, p.union or "no union", ", ".join(p.productions),
                    *flags,
                ])) + "\n")  # fmt: skip
    return EXIT_OK


def _consents_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", required=True, parser_class=type(parser))
    add = sub.add_parser("add", help="record a performer's consent; prints the id")
    add.add_argument("--performer", metavar="ID", required=True)
    add.add_argument("--covers", required=True, help="likeness,voice,body,alteration (some)")
    add.add_argument("--kind", choices=KINDS, required=True)
    add.add_argument("--use", required=True, help="the reasonably specific intended use")
    add.add_argument("--productions", metavar="CODE[,CODE]", required=True)
    add.add_argument("--media", required=True, help="temporary,final,promotion (some)")
    add.add_argument("--signed-on", metavar="DATE", required=True)
    add.add_argument("--valid-from", metavar="DATE", help="default: the day it was signed")
    add.add_argument("--expires", metavar="DATE")
    add.add_argument("--signed-by", choices=SIGNERS, default="performer")
    add.add_argument("--counsel", action="store_true",
                     help="the performer was represented by counsel or a union")  # fmt: skip
    add.add_argument("--scan-notice", metavar="DATE", help="notice given before a scan")
    add.add_argument("--compensation", action="store_true", help="compensation recorded")
    add.add_argument("--compensation-note", default="")
    add.add_argument("--evidence", metavar="FILE", action="append", default=[],
                     help="a signed rider, licence or letter (PDF, PNG, JPEG, text); repeatable")  # fmt: skip
    listing = sub.add_parser("list", help="list consents (every one you may see by default)")
    listing.add_argument("--performer", metavar="ID")
    listing.add_argument("--production", metavar="CODE")
    listing.add_argument("--json", action="store_true", help="one JSON array")
    changes = []
    for action, words in (
        ("revoke", "revoke a consent for good; its performer's uses are re-assessed"),
        ("suspend", "suspend a consent; its performer's uses are re-assessed"),
        ("reactivate", "make a suspended consent active again"),
    ):
        change = sub.add_parser(action, help=words)
        change.add_argument("id", metavar="ID")
        change.add_argument("--note", required=True)
        if action == "revoke":
            change.add_argument("--on", metavar="DATE", help="the day it was revoked (today)")
        changes.append(change)
    sweep = sub.add_parser(
        "sweep", help="re-assess the uses of consents that expired or came into force"
    )
    for command in (add, listing, *changes, sweep):
        _actor_argument(command)
        _database_argument(command)
    for command in (*changes, sweep):
        _guidance_argument(command)


def run_consents(args: argparse.Namespace, out: TextIO) -> int:
    store = open_store(args)
    with store_errors():
        if args.action == "add":
            consent = _add_consent(store, args)
            out.write(f"{consent.id}\n")
        elif args.action == "list":
            found = store.consents(
                viewer=cli_viewer(), performer_id=args.performer, production=args.production
            )
            if args.json:
                out.write(json.dumps([_plain(c) for c in found], ensure_ascii=False) + "\n")
            for c in () if args.json else found:
                out.write(terminal_safe(_consent_line(c)) + "\n")
        elif args.action == "sweep":
            result = store.sweep_consents(Engine(guidance_from(args)))
            out.write(
                f"swept {result.day.isoformat()}: consents past a date: "
                f"{', '.join(result.consents) or 'none'}; uses re-assessed: "
                f"{result.reassessed.checked}; approvals reopened: {result.reassessed.reopened}\n"
            )
        else:
            engine = Engine(guidance_from(args))
            actor = cli_actor(args, store)
            if args.action == "revoke":
                on = _day(args.on) if args.on else None
                consent = store.revoke_consent(args.id, note=args.note, actor=actor,
                                               engine=engine, on=on)  # fmt: skip
            elif args.action == "suspend":
                consent = store.suspend_consent(args.id, note=args.note, actor=actor, engine=engine)
            else:
                consent = store.reactivate_consent(args.id, note=args.note, actor=actor,
                                                   engine=engine)  # fmt: skip
            out.write(terminal_safe(_consent_line(consent)) + "\n")
    return EXIT_OK


def _add_consent(store: Any, args: argparse.Namespace):
    from greenlight.store import NewEvidence

    with ExitStack() as files:
        evidence = [
            NewEvidence(path, files.enter_context(opened(path, "rb"))) for path in args.evidence
        ]
        return store.add_consent(
            args.performer, actor=cli_actor(args, store), covers=args.covers, kind=args.kind,
            description=args.use, productions=args.productions, media=args.media,
            signed_on=args.signed_on, valid_from=args.valid_from, expires_on=args.expires,
            signed_by=args.signed_by, counsel=args.counsel, scan_notice_on=args.scan_notice,
            compensation=args.compensation, compensation_note=args.compensation_note,
            evidence=evidence,
        )  # fmt: skip


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UserError(f"--on {text[:40]!r} is not a date: give YYYY-MM-DD") from None


def _consent_line(c) -> str:
    until = f"until {c.expires_on.isoformat()}" if c.expires_on else "no expiry"
    state = c.state_on_day(date.today())
    if c.state_on:
        state += f" on {c.state_on.isoformat()}"
    if c.state_note:
        state += f" ({c.state_note})"
    return "  ".join([
        c.id, c.performer_id, c.kind, ",".join(c.covers), ",".join(c.media),
        ",".join(c.productions), f"from {c.valid_from.isoformat()}", until, state,
    ])  # fmt: skip


def _plain(record: Any) -> dict[str, Any]:
    data = dataclasses.asdict(record)
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in data.items()}
