"""The talent consent ledger's rules, pure: performers, their consents, and what a use's
answers need of them; `consent_facts` answers the consent question from the ledger.

A use that creates a digital replica (or is talent replication) needs, for every performer it
names, a consent to a replica (employment-based or independently created, covering likeness,
voice or body); one that alters a performance needs a consent to the alteration. Either must
be active, in date on the day of the assessment, described, cover this production and the
media (final deliverables, or temporary use). The guidance sections each rule follows are
named in the README's "Talent consent" section.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from greenlight.policy import Fact

CATEGORIES = ("principal", "background", "voice", "stunt")
COVERS = ("likeness", "voice", "body", "alteration")
KINDS = ("employment_based", "independently_created", "alteration")
MEDIA = ("temporary", "final", "promotion")
SIGNERS = ("performer", "representative", "estate", "union")
STATES = ("active", "suspended", "revoked")
ACTIVE, SUSPENDED, REVOKED, EXPIRED = "active", "suspended", "revoked", "expired"

# How a kind and a medium read in a sentence.
KIND_WORDS = {
    "employment_based": "an employment-based replica",
    "independently_created": "an independently created replica",
    "alteration": "a digital alteration",
}
MEDIA_WORDS = {
    "temporary": "temporary use",
    "final": "final deliverables",
    "promotion": "promotion",
}

# The guidance questions the ledger reads and answers (declared once).
CONSENT_QUESTION = "context.talent_consent"
MODEL_REUSE_QUESTION = "involves.talent_model_reuse"
REPLICA_QUESTION = "involves.digital_replica"
ALTERATION_QUESTION = "involves.performance_alteration"
USE_CASE_QUESTION = "use_case_type"
REPLICA_USE_CASE = "talent_replication"
FINAL_QUESTION = "context.final_deliverable"
TEMPORARY_QUESTION = "principles.temporary_only"

REPLICA_KINDS = ("employment_based", "independently_created")
REPLICA_COVERS = ("likeness", "voice", "body")
# Who may sign for a deceased performer.
DECEASED_SIGNERS = ("representative", "estate")


@dataclass(frozen=True)
class Performer:
    """A performer as the ledger knows them; `id` is written "P-12"."""

    id: str
    name: str
    category: str = "principal"  # CATEGORIES
    union: str = ""  # e.g. SAG-AFTRA, Equity; "" for none
    minor: bool = False
    deceased: bool = False
    estate: str = ""  # the estate or authorised representative, and their contact
    representative: str = ""  # agent or representative
    productions: tuple[str, ...] = ()  # codes of the productions they work on


@dataclass(frozen=True)
class Consent:
    """One consent of one performer; `id` is written "C-3". Expired is derived from
    `expires_on`, never stored."""

    id: str
    performer_id: str
    covers: tuple[str, ...]  # COVERS
    kind: str  # KINDS
    description: str  # the reasonably specific intended use; none: not valid
    productions: tuple[str, ...]  # codes it covers
    media: tuple[str, ...]  # MEDIA
    signed_on: date
    valid_from: date
    expires_on: date | None = None
    signed_by: str = "performer"  # SIGNERS
    counsel: bool = False  # represented by counsel or a union when signing
    scan_notice_on: date | None = None
    compensation: bool = False
    compensation_note: str = ""
    state: str = ACTIVE  # STATES
    state_on: date | None = None  # when it was suspended or revoked
    state_note: str = ""

    def state_on_day(self, day: date) -> str:
        """active, suspended, revoked or expired, on `day`."""
        if self.state != ACTIVE:
            return self.state
        if self.expires_on is not None and self.expires_on < day:
            return EXPIRED
        return ACTIVE


@dataclass(frozen=True)
class Need:
    """What a use's answers need of a consent: a replica, an alteration, or both, and the
    medium (final or temporary)."""

    replica: bool
    alteration: bool
    medium: str  # "final" or "temporary"

    @property
    def parts(self) -> tuple[str, ...]:
        return (("replica",) if self.replica else ()) + (("alteration",) if self.alteration else ())


def need_of(values: Mapping[str, object]) -> Need | None:
    """What the answers (by question id, defaults filled in) need of a consent; None when
    they involve no replica and no alteration."""
    replica = values.get(REPLICA_QUESTION) is True or (
        values.get(USE_CASE_QUESTION) == REPLICA_USE_CASE
    )
    alteration = values.get(ALTERATION_QUESTION) is True
    if not (replica or alteration):
        return None
    final = values.get(FINAL_QUESTION) is True or values.get(TEMPORARY_QUESTION) != "yes"
    return Need(replica, alteration, "final" if final else "temporary")


def _listed(items: Iterable[str]) -> str:
    return ", ".join(items)


def gaps(consent: Consent, performer: Performer, part: str, need: Need, production: str,
         day: date) -> list[str]:  # fmt: skip
    """What keeps `consent` from covering `part` ("replica" or "alteration") of the use, in
    words, each beginning with the consent's id; empty when it covers it."""
    c = consent.id
    found = []
    state = consent.state_on_day(day)
    if state == REVOKED:
        when = f" on {consent.state_on.isoformat()}" if consent.state_on else ""
        note = f" ({consent.state_note})" if consent.state_note else ""
        found.append(f"consent {c} was revoked{when}{note}")
    elif state == SUSPENDED:
        found.append(f"consent {c} is suspended")
    elif state == EXPIRED:
        found.append(f"consent {c} expired on {consent.expires_on.isoformat()}")
    if consent.valid_from > day:
        found.append(f"consent {c} is valid from {consent.valid_from.isoformat()}")
    if not consent.description.strip():
        found.append(f"consent {c} has no description of the intended use")
    if performer.deceased and consent.signed_by not in DECEASED_SIGNERS:
        found.append(
            f"{performer.name} is deceased and no estate or authorised representative "
            f"signed consent {c}"
        )
    if part == "replica" and consent.kind not in REPLICA_KINDS:
        found.append(f"consent {c} is for {KIND_WORDS[consent.kind]}, not a digital replica")
    elif part == "replica" and not set(consent.covers) & set(REPLICA_COVERS):
        found.append(f"consent {c} covers {_listed(consent.covers)}, not a likeness, voice or body")
    if part == "alteration" and consent.kind != "alteration" and "alteration" not in consent.covers:
        found.append(f"consent {c} does not cover a performance alteration")
    if need.medium not in consent.media and not (
        need.medium == "temporary" and "final" in consent.media
    ):
        shown = _listed(MEDIA_WORDS[m] for m in consent.media)
        found.append(f"consent {c} covers {shown} only, not {MEDIA_WORDS[need.medium]}")
    if production not in consent.productions:
        found.append(f"consent {c} covers {_listed(consent.productions)}, not {production}")
    return found


def _scope_gap(consent: Consent, production: str) -> str:
    return f"consent {consent.id} covers {_listed(consent.productions)}, not {production}"


@dataclass(frozen=True)
class Finding:
    """One performer's standing for one use: the consents that cover it, or the gaps of the
    nearest one, and whether only the production is missing (a model reused elsewhere)."""

    performer: Performer
    covering: tuple[str, ...]  # consent ids, one per part, when every part is covered
    missing: tuple[str, ...]  # what is missing, in words, when not
    nearest: str | None  # the consent the words are about
    # When a consent would cover it but for the production: the productions it covers.
    reused_outside: tuple[str, ...] = ()


def finding(performer: Performer, consents: Sequence[Consent], need: Need, production: str,
            day: date) -> Finding:  # fmt: skip
    """How `performer`'s consents (theirs only) stand for a use with `need` in `production`."""
    if performer.deceased and not performer.estate.strip():
        words = (
            f"{performer.name} is deceased and no estate or authorised representative is on file"
        )
        return Finding(performer, (), (words,), None)
    if not consents:
        return Finding(performer, (), ("no consent on file",), None)
    covering: list[str] = []
    for part in need.parts:
        found = [(gaps(c, performer, part, need, production, day), c) for c in consents]
        fits = [c for g, c in found if not g]
        if fits:
            covering.append(max(fits, key=_newest).id)
            continue
        # The nearest: fewest gaps, then the newest consent.
        words, nearest = min(found, key=lambda item: (len(item[0]), -_order(item[1])))
        outside = nearest.productions if words == [_scope_gap(nearest, production)] else ()
        return Finding(performer, (), tuple(words), nearest.id, outside)
    return Finding(performer, tuple(dict.fromkeys(covering)), (), None)


def _newest(consent: Consent) -> tuple[date, int]:
    return consent.signed_on, _order(consent)


def _order(consent: Consent) -> int:
    digits = consent.id.rpartition("-")[2]
    return int(digits) if digits.isdigit() else 0


def consent_facts(
    values: Mapping[str, object],
    production_code: str,
    day: date,
    performers: Sequence[Performer],
    consents: Sequence[Consent],
) -> tuple[Fact, ...]:
    """The ledger's answers for a use of `production_code` on `day` naming `performers`
    (with every consent of theirs in `consents`): one fact on the consent question per
    performer (True only when an active, in-date, described consent covers this production,
    the kind of use and the medium), and one on model reuse per performer whose consent
    covers every part but this production. None when the answers involve no replica or
    alteration, or name no performer."""
    need = need_of(values)
    if need is None or not performers:
        return ()
    by_performer: dict[str, list[Consent]] = {}
    for consent in consents:
        by_performer.setdefault(consent.performer_id, []).append(consent)
    facts: list[Fact] = []
    for performer in performers:
        found = finding(performer, by_performer.get(performer.id, ()), need, production_code, day)
        facts.extend(_facts_of(found, production_code))
    return tuple(facts)


def _facts_of(found: Finding, production: str) -> list[Fact]:
    p = found.performer
    if found.covering:
        ids = " and ".join(found.covering)
        subject = f"consent:{found.covering[0]}"
        holds = (
            "is active and covers this use"
            if len(found.covering) == 1
            else ("are active and cover this use")
        )
        return [Fact(CONSENT_QUESTION, True, f"{p.name}: consent {ids} {holds}", subject)]
    subject = f"consent:{found.nearest}" if found.nearest else f"performer:{p.id}"
    text = "; ".join(found.missing)
    # "Jane Roe is deceased and ..." names her already.
    source = text if text.startswith(f"{p.name} ") else f"{p.name}: {text}"
    facts = [Fact(CONSENT_QUESTION, False, source, subject)]
    if found.reused_outside:
        words = (
            f"reusing a model of {p.name} outside {_listed(found.reused_outside)} needs a new "
            "consent and written approval"
        )
        facts.append(Fact(MODEL_REUSE_QUESTION, True, words, subject))
    return facts
