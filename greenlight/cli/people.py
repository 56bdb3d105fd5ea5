"""People and their roles from the shell: python -m greenlight people list|grant|revoke.

The command line acts as the local administrator (whoever runs it holds the log's
database) and records itself as such in the log's events. Naming the first studio admin
here turns the log's studio mode on.
"""

from __future__ import annotations

import argparse
import json
from typing import TextIO

from greenlight.cli.common import (
    EXIT_OK,
    _database_argument,
    _Parser,
    cli_viewer,
    open_store,
    store_errors,
    terminal_safe,
)


def _people_arguments(parser: argparse.ArgumentParser) -> None:
    from greenlight.store import ROLES

    roles = ", ".join(role.id for role in ROLES)
    sub = parser.add_subparsers(dest="action", required=True, parser_class=_Parser)
    listing = sub.add_parser("list", help="list people and roles", description="list them")
    listing.add_argument("--json", action="store_true", help="print one JSON array")
    _database_argument(listing)
    for action, words in (("grant", "give a person a role"), ("revoke", "take a role away")):
        command = sub.add_parser(action, help=words, description=words)
        command.add_argument("email", metavar="EMAIL", help="the person's e-mail address")
        command.add_argument("role", metavar="ROLE", help=f"one of {roles}")
        command.add_argument(
            "--production", metavar="CODE", help="the production (every role but admin)"
        )
        if action == "grant":
            command.add_argument("--name", metavar="NAME", help="their name, until they sign in")
        _database_argument(command)


def _roles_text(person) -> str:
    if not person.grants:
        return "no role"
    return ", ".join(
        g.role if g.production is None else f"{g.role} {g.production}" for g in person.grants
    )


def run_people(args: argparse.Namespace, out: TextIO) -> int:
    store = open_store(args)
    me = cli_viewer()
    if args.action == "list":
        with store_errors():
            found = store.list_people(me)
            studio = store.studio_mode()
        if args.json:
            rows = [
                {
                    "email": p.email,
                    "name": p.name,
                    "signed_in": p.issuer is not None,
                    "roles": [{"role": g.role, "production": g.production} for g in p.grants],
                }
                for p in found
            ]
            out.write(json.dumps(rows, ensure_ascii=False) + "\n")
            return EXIT_OK
        out.write(f"mode: {'studio' if studio else 'local (no studio admin named)'}\n")
        for p in found:
            name = f"  {p.name}" if p.name else ""
            seen = "" if p.issuer is not None else "  (not signed in yet)"
            out.write(terminal_safe(f"{p.email}{name}  {_roles_text(p)}{seen}") + "\n")
        return EXIT_OK
    with store_errors():
        was_studio = store.studio_mode()
        if args.action == "grant":
            person = store.grant(
                args.email, args.role, args.production, actor=me, name=args.name or ""
            )
        else:
            person = store.revoke(args.email, args.role, args.production, actor=me)
        studio = store.studio_mode()
    done = "granted" if args.action == "grant" else "revoked"
    out.write(terminal_safe(f"{done}: {person.email} now holds {_roles_text(person)}") + "\n")
    if studio and not was_studio:
        out.write(
            "the log is now in studio mode: every change is made by a signed-in person "
            "(or this command line, as the local administrator)\n"
        )
    return EXIT_OK
