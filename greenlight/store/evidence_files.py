"""Receiving an evidence file: read in chunks, hashed (SHA-256), typed by its content (never
by its name), held to a size limit before it is all read, and its name kept as display text.

Only PDF, PNG, JPEG and plain text (valid UTF-8 without NUL) are kept: a signed rider, a
licence or an approval letter is one of these, and none of them runs anything when opened.
"""

from __future__ import annotations

import codecs
import hashlib
import os
import re
from dataclasses import dataclass
from typing import IO

from greenlight.store.records import StoreConfigError, StoreError
from greenlight.store.tables import NAME_LENGTH

MAX_MB_ENV = "GREENLIGHT_EVIDENCE_MAX_MB"
DEFAULT_MAX_MB = 20
_MB = 1024 * 1024
CHUNK = _MB  # how much of a stream is read at a time
TEXT = "text/plain"


@dataclass(frozen=True)
class Kind:
    """A kind of file kept as evidence, known by how its content begins."""

    media_type: str
    label: str
    signature: bytes


# The binary kinds by their first bytes; anything else must be plain text.
KINDS: tuple[Kind, ...] = (
    Kind("application/pdf", "PDF", b"%PDF-"),
    Kind("image/png", "PNG", b"\x89PNG\r\n\x1a\n"),
    Kind("image/jpeg", "JPEG", b"\xff\xd8\xff"),
)
LABELS = {kind.media_type: kind.label for kind in KINDS} | {TEXT: "plain text"}
ACCEPTED = "a PDF, PNG, JPEG or plain-text (UTF-8) file"


def max_bytes() -> int:
    """The largest file kept: $GREENLIGHT_EVIDENCE_MAX_MB megabytes (default 20)."""
    text = os.environ.get(MAX_MB_ENV, "").strip()
    if not text:
        return DEFAULT_MAX_MB * _MB
    try:
        mb = float(text)
    except ValueError:
        mb = -1.0
    if not 0 < mb <= 1024:
        raise StoreConfigError(f"{MAX_MB_ENV} is {text[:40]!r}: give 0.1 to 1024 (megabytes)")
    return int(mb * _MB)


@dataclass(frozen=True)
class Received:
    """A file read whole and checked: its bytes, their SHA-256 and the kind they are."""

    content: bytes
    sha256: str
    media_type: str

    @property
    def size(self) -> int:
        return len(self.content)


def _size_words(size: int) -> str:
    return f"{size / _MB:.1f} MB" if size >= _MB else f"{size} bytes"


def receive(stream: IO[bytes] | bytes, name: str, limit: int | None = None) -> Received:
    """Read `stream` (a binary file, or bytes) in chunks; StoreError, naming the file, if it
    is empty, larger than `limit` (max_bytes(): no more than one chunk past it is read) or
    not a PDF, PNG, JPEG or plain-text file by its content."""
    limit = max_bytes() if limit is None else limit
    shown = display_name(name)
    read = _reader(stream)
    digest = hashlib.sha256()
    text = codecs.getincrementaldecoder("utf-8")()
    is_text = True
    held = bytearray()
    while chunk := read(CHUNK):
        if len(held) + len(chunk) > limit:
            raise StoreError(
                f"{shown} is larger than the {_size_words(limit)} an evidence file may be "
                f"({MAX_MB_ENV}): nothing was stored"
            )
        digest.update(chunk)
        if is_text:
            is_text = b"\0" not in chunk and _decodes(text, chunk, final=False)
        held += chunk
    if not held:
        raise StoreError(f"{shown} is empty: nothing was stored")
    media_type = _kind_of(held, is_text and _decodes(text, b"", final=True))
    if media_type is None:
        raise StoreError(
            f"{shown} is not {ACCEPTED} by its content (its name does not count): "
            "nothing was stored"
        )
    content = bytes(held)
    del held  # the bytes are held once from here on
    return Received(content, digest.hexdigest(), media_type)


def _reader(stream: IO[bytes] | bytes):
    if isinstance(stream, bytes | bytearray | memoryview):
        view = memoryview(stream)
        offset = 0

        def read(size: int) -> bytes:
            nonlocal offset
            chunk = view[offset : offset + size].tobytes()
            offset += len(chunk)
            return chunk

        return read
    return stream.read


def _decodes(decoder: codecs.IncrementalDecoder, chunk: bytes, *, final: bool) -> bool:
    try:
        decoder.decode(chunk, final=final)
    except UnicodeDecodeError:
        return False
    return True


def _kind_of(head: bytearray, is_text: bool) -> str | None:
    for kind in KINDS:
        if head.startswith(kind.signature):
            return kind.media_type
    return TEXT if is_text else None


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


def display_name(name: str) -> str:
    """A file's name as display text only: its last part after any / or \\ (so "../../x"
    is "x"), without control or direction characters, at most NAME_LENGTH characters;
    "evidence" when nothing is left. It is never used as a path."""
    last = re.split(r"[\\/]", str(name or ""))[-1]
    cleaned = " ".join(_CONTROL.sub("", re.sub(r"\s", " ", last)).split()).strip(". ")
    return cleaned[:NAME_LENGTH] or "evidence"
