"""UseCaseStore's part for the talent consent ledger, in one class: the ledger itself
(performers, consents, their states) and what a change does to the uses that rely on it."""

from greenlight.store.talent.changes import TalentChangesMixin
from greenlight.store.talent.ledger import TalentMixin


class TalentLedgerMixin(TalentMixin, TalentChangesMixin):
    """Performers, consents and their evidence; re-assessment on a change; the sweep."""
