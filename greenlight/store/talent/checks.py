"""The checks of what a person records in the talent ledger: every problem at once, each
naming the field and how to put it right; nothing is written while any remains."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from greenlight.ledger import CATEGORIES, COVERS, KINDS, MEDIA, SIGNERS
from greenlight.store.records import StoreError
from greenlight.store.rows import CODE_PATTERN
from greenlight.store.tables import CODE_LENGTH, NAME_LENGTH
from greenlight.store.talent.rows import joined

MAX_TEXT = 2000  # a description, a contact, a note
MAX_PRODUCTIONS = 50


def _text(problems: list[str], what: str, value: Any, limit: int, *, required=False) -> str:
    text = " ".join(str(value or "").split()) if limit <= NAME_LENGTH else str(value or "").strip()
    if required and not text:
        problems.append(f"{what} is missing")
    elif len(text) > limit:
        problems.append(f"{what} is {len(text)} characters: keep it to {limit}")
    return text


def _one_of(problems: list[str], what: str, value: Any, allowed: tuple[str, ...]) -> str:
    text = str(value or "").strip()
    if text not in allowed:
        problems.append(f"{what} {text[:40]!r} is not one of {', '.join(allowed)}")
    return text


def _some_of(problems: list[str], what: str, values: Any, allowed: tuple[str, ...]) -> str:
    items = [v.strip() for v in _items(values)]
    unknown = [v for v in items if v not in allowed]
    if not items:
        problems.append(f"{what} is missing: give one or more of {', '.join(allowed)}")
    elif unknown:
        shown = ", ".join(repr(v[:40]) for v in unknown)
        problems.append(f"{what}: {shown} is not one of {', '.join(allowed)}")
    # In the vocabulary's order, once each.
    return joined(v for v in allowed if v in items)


def _items(values: Any) -> list[str]:
    if isinstance(values, str):
        return [v for v in values.split(",") if v.strip()]
    return [str(v) for v in (values or ()) if str(v).strip()]


def _day(problems: list[str], what: str, value: Any, *, required=False) -> date | None:
    if value is None or value == "":
        if required:
            problems.append(f"{what} is missing: give a date as YYYY-MM-DD")
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        problems.append(f"{what} {str(value)[:40]!r} is not a date: give YYYY-MM-DD")
        return None


def _refuse(problems: list[str], what: str) -> None:
    if problems:
        raise StoreError(f"{what}: {'; '.join(problems)}; nothing was saved")


def performer_values(
    name: str, category: str, union: str, minor: bool, deceased: bool, estate: str,
    representative: str,
) -> dict[str, Any]:  # fmt: skip
    """The performers row's columns from what was given; StoreError naming every problem."""
    problems: list[str] = []
    values = {
        "name": _text(problems, "the name", name, NAME_LENGTH, required=True),
        "category": _one_of(problems, "category", category, CATEGORIES),
        "union_name": _text(problems, "the union", union, NAME_LENGTH),
        "minor": bool(minor),
        "deceased": bool(deceased),
        "estate": _text(problems, "the estate or representative", estate, MAX_TEXT),
        "representative": _text(
            problems, "the agent or representative", representative, MAX_TEXT
        ),  # fmt: skip
    }
    if values["deceased"] and not values["estate"]:
        problems.append(
            "a deceased performer needs their estate or authorised representative and their "
            "contact (--estate)"
        )
    _refuse(problems, "the performer was not added")
    return values


def production_codes(problems: list[str], codes: Any) -> list[str]:
    """The production codes a consent covers, in order, once each."""
    found: list[str] = []
    for code in _items(codes):
        code = code.strip()
        if not CODE_PATTERN.fullmatch(code) or len(code) > CODE_LENGTH:
            problems.append(f"production code {code[:60]!r} is not a production code")
        elif code not in found:
            found.append(code)
    if not found and not problems:
        problems.append("the productions it covers are missing: name one or more codes")
    if len(found) > MAX_PRODUCTIONS:
        problems.append(f"it names {len(found)} productions: at most {MAX_PRODUCTIONS}")
    return found


def consent_values(
    *, covers: Any, kind: Any, description: Any, productions: Any, media: Any, signed_on: Any,
    valid_from: Any, expires_on: Any, signed_by: Any, counsel: bool, scan_notice_on: Any,
    compensation: bool, compensation_note: Any,
) -> tuple[dict[str, Any], list[str]]:  # fmt: skip
    """The consents row's columns and the productions it covers; StoreError naming every
    problem (a consent without a description of the intended use is not valid)."""
    problems: list[str] = []
    values: dict[str, Any] = {
        "covers": _some_of(problems, "covers", covers, COVERS),
        "kind": _one_of(problems, "kind", kind, KINDS),
        "description": _text(problems, "the description", description, MAX_TEXT),
        "media": _some_of(problems, "media", media, MEDIA),
        "signed_on": _day(problems, "signed on", signed_on, required=True),
        "valid_from": _day(problems, "valid from", valid_from),
        "expires_on": _day(problems, "expires on", expires_on),
        "signed_by": _one_of(problems, "signed by", signed_by or "performer", SIGNERS),
        "counsel": bool(counsel),
        "scan_notice_on": _day(problems, "notice before a scan", scan_notice_on),
        "compensation": bool(compensation),
        "compensation_note": _text(
            problems, "the compensation note", compensation_note, MAX_TEXT
        ),  # fmt: skip
    }
    if not values["description"]:
        problems.insert(
            0,
            "the description of the intended use is missing: a consent without a reasonably "
            "specific description is not valid",
        )
    codes = production_codes(problems, productions)
    values["valid_from"] = values["valid_from"] or values["signed_on"]
    start, end = values["valid_from"], values["expires_on"]
    if start and end and end < start:
        problems.append(
            f"it expires on {end.isoformat()}, before it is valid ({start.isoformat()})"
        )
    _refuse(problems, "the consent was not added")
    return values, codes


def state_note(note: Any, *, required: bool, doing: str) -> str:
    """The note of a consent's suspension, revocation or reactivation."""
    problems: list[str] = []
    text = _text(problems, "the note", note, MAX_TEXT, required=required)
    _refuse(problems, f"the consent was not {doing}")
    return text


def listed(items: Iterable[str]) -> str:
    return ", ".join(items)
