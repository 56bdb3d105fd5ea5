"""A studio with a talent ledger, for the talent store tests: productions A and B and their
people (test_access's CAST), and a consent rider's fields."""

from __future__ import annotations

from datetime import date

PDF = b"%PDF-1.7\n% signed rider\n%%EOF\n"
RIDER = {
    "covers": "likeness,voice",
    "kind": "employment_based",
    "description": "Re-ageing of the lead in the flashback scenes of episode 4",
    "productions": "A",
    "media": "temporary,final",
    "signed_on": date(2026, 6, 1),
    "expires_on": date(2027, 3, 31),
}
