"""Child Python processes for the store tests that race writes across processes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def start_racers(script: str, *args: str, count: int = 4) -> list[subprocess.Popen]:
    """`count` processes running `python -c script *args` in the project's folder, each
    waiting on its stdin (text) for the go signal the script reads."""
    return [
        subprocess.Popen(
            [sys.executable, "-c", script, *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        for _ in range(count)
    ]
