"""The command line, python -m greenlight COMMAND: `main` runs one command, `build_parser`
describes them all (the docs test reads it)."""

from greenlight.cli.main import COMMANDS, build_parser, main

__all__ = ["COMMANDS", "build_parser", "main"]
