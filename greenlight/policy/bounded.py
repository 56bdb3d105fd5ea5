"""A memo that cannot grow without bound: the one kind of cache the domain keeps."""

from __future__ import annotations

from typing import TypeVar

K = TypeVar("K")
V = TypeVar("V")


class BoundedMemo(dict[K, V]):
    """A dict that starts afresh when it holds `limit` entries. Reads are plain dict reads, so
    a hit costs what a dict look-up costs (the engine reads one per assessed use); a log's
    answers repeat, so the few entries that matter come back at once after a clear."""

    def __init__(self, limit: int):
        super().__init__()
        self.limit = limit

    def put(self, key: K, value: V) -> V:
        """Remember `value` under `key` (emptying the memo first when it is full); return it."""
        if len(self) >= self.limit:
            self.clear()
        self[key] = value
        return value
