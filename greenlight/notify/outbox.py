"""Sending what the store's outbox holds: claim the notices, send them, record each one sent
or failed with the reason, and write every failure to the server's log.

Takes any store with claim_notices and mark_notices (greenlight.store.UseCaseStore), so this
package needs nothing of the store's but its records.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from greenlight.notify.messages import Notice, use_link
from greenlight.notify.settings import MailSettings
from greenlight.notify.smtp import Delivery, deliver

log = logging.getLogger("greenlight")


def send_pending(
    store: Any,
    settings: MailSettings,
    base_url: str,
    level_label: Callable[[str], str] = str,
    *,
    retry_failed: bool = False,
    batch: int = 100,
) -> list[Delivery]:
    """Send every notice the outbox holds for sending (failed ones too with `retry_failed`),
    `batch` at a time; return what became of each. Never raises a sending failure."""
    results: list[Delivery] = []
    while True:
        claimed = store.claim_notices(limit=batch, retry_failed=retry_failed)
        if not claimed:
            return results
        notices = [
            Notice(
                kind=row.kind,
                recipient=row.recipient,
                use_id=row.use_id,
                title=row.title,
                level=level_label(row.level),
                production=row.production,
                link=use_link(base_url, row.use_id),
                decision=row.decision,
            )
            for row in claimed
        ]
        done = deliver(settings, notices)
        store.mark_notices((row.id, d.sent, d.error) for row, d in zip(claimed, done, strict=True))
        for row, d in zip(claimed, done, strict=True):
            if not d.sent:
                log.error(
                    "A notification e-mail (%s, use %s, to %s) was not sent: %s. It stays in the "
                    "outbox as failed; `python -m greenlight notify send --retry` sends it again.",
                    row.kind, row.use_id, row.recipient, d.error,
                )  # fmt: skip
        results.extend(done)
        retry_failed = False  # a failure of this run is not tried again in the same run
