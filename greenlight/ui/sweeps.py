"""The registries' dates, kept current by the app itself: once a day per server, the first
page run re-assesses the uses whose consents expired (or came into force) and whose tools'
reviews fell past due since the last sweep. The store remembers the last day swept, so a day
already swept costs a query, and every server and the command line may sweep alike."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime

from greenlight.ui.shell import guidance_and_engine, log_database_trouble

_swept: dict[str, date] = {}  # database URL -> the day this server swept it
_consents_swept: dict[str, object] = {}  # database URL -> what today's consent sweep did
_lock = threading.Lock()


def keep_registries_current(use_log) -> None:
    """Sweep the consent ledger and the tool registry once a day (see the module)."""
    import sqlalchemy as sa

    from greenlight.store import StoreError

    today = datetime.now(UTC).date()
    with _lock:
        if _swept.get(use_log.url) == today:
            return
        _swept[use_log.url] = today
    _, engine = guidance_and_engine()
    try:
        _consents_swept[use_log.url] = use_log.sweep_consents(engine, today=today)
        use_log.sweep_tool_reviews(engine, today=today)
    except (StoreError, sa.exc.SQLAlchemyError) as exc:
        # The page still opens. Said once a day per server, not at every page run (a log on
        # a read-only disk would fill the server's log): tomorrow's first run tries again,
        # and `consents sweep` and `tools sweep` remain.
        log_database_trouble(
            exc, "Today's sweep of expired consents and lapsed tool reviews was not saved."
        )


def todays_consent_sweep(use_log):
    """What this server's consent sweep did today (a store SweepResult), or None."""
    found = _consents_swept.get(use_log.url)
    today = datetime.now(UTC).date()
    return found if found is not None and getattr(found, "day", None) == today else None
