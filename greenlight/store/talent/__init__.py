"""The talent consent ledger's part of the store: its tables (schema 11), who may see it,
its rows as greenlight.ledger records, the checks of what is recorded, UseCaseStore's
TalentMixin (performers, consents, their states) and TalentChangesMixin (what a change
does to the uses that rely on a consent, the expiry sweep, the desk's list).

Import the modules themselves (greenlight.store.talent.tables, ...): this face imports
nothing, so the store's modules can reach the tables without loading the mixins.
"""

__all__: list[str] = []
