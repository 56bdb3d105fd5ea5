"""`python -m greenlight request USE_ID`: a logged use's escalation request, as text
(Markdown that reads as plain text) or as PDF, for its stored assessment."""

from __future__ import annotations

import argparse
from typing import TextIO

from greenlight.cli.common import (
    EXIT_OK,
    UserError,
    _database_argument,
    _guidance_argument,
    _login,
    cli_viewer,
    database_errors,
    guidance_from,
    open_store,
    terminal_safe,
)
from greenlight.policy import Engine

FORMATS = ("md", "pdf")
SHOWN_ID = 60  # characters of a bad id repeated in its error line


def _request_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("use_id", metavar="USE_ID", help="the id of a logged use")
    parser.add_argument(
        "--format", choices=FORMATS, default="md", help="md: text to paste into an e-mail (default)"
    )
    parser.add_argument(
        "-o", "--output", metavar="FILE", default="-", help="the file to write (default: stdout)"
    )
    parser.add_argument("--by", metavar="NAME", help="who makes the request (default: your login)")
    _guidance_argument(parser)
    _database_argument(parser)


def run_request(args: argparse.Namespace, out: TextIO) -> int:
    from greenlight.present import base_url, request_for_use, request_markdown, request_pdf
    from greenlight.store import USE_ID_PATTERN, NotFound

    if not USE_ID_PATTERN.fullmatch(args.use_id):
        shown = terminal_safe(args.use_id[:SHOWN_ID]) + (
            "..." if len(args.use_id) > SHOWN_ID else ""
        )
        raise UserError(f"{shown!r} is not a use id: ids are 1 to 40 letters, digits, - or _")
    to_stdout = args.output == "-"
    binary = getattr(out, "buffer", None)
    if args.format == "pdf" and to_stdout and (out.isatty() or binary is None):
        raise UserError("a PDF is not for the terminal: write it to a file with -o FILE")
    try:
        base = base_url()
    except ValueError as exc:
        raise UserError(str(exc)) from None
    guidance = guidance_from(args)
    store = open_store(args)
    try:
        with database_errors():
            record = store.get_use(args.use_id, viewer=cli_viewer())
    except NotFound as exc:
        raise UserError(f"{exc}: see `python -m greenlight log` or the app's log") from None
    request = request_for_use(
        record, guidance, Engine(guidance), requested_by=args.by or _login(), base=base
    )
    data = request_pdf(request) if args.format == "pdf" else request_markdown(request).encode()
    if to_stdout:
        if binary is None:  # text to an in-memory stream
            out.write(data.decode())
        else:
            out.flush()
            binary.write(data)
            binary.flush()
        return EXIT_OK
    try:
        with open(args.output, "wb") as handle:
            handle.write(data)
    except OSError as exc:
        raise UserError(f"{args.output}: cannot write the file: {exc.strerror}") from None
    return EXIT_OK
