"""Unusable records: what breaks in real agency exports, rarely, and the truth of it.

Real exports carry records that no system can store as given: a phone field that had to
be filled in (``n/a``, ``unbekannt``, ``inconnu``, ``onbekend``) or that a migrant only
half remembered (``07911 12``), a birth date ``00.00.1988`` (German registers' "day and
month unknown") or ``31/02/1990``, a ledger amount keyed as ``EUR ???`` or with the
decimal separator typed as the grouping one (``4.500.00``), a property name misspelt
in a hand-edited export (``nationalty``), a JSON line cut off mid-object by a broken
export, a CSV row that lost a field, a spreadsheet's ``########`` saved as a date.
Ingest quarantines each record whole; ``truth.json`` lists each under ``unusable`` with
its file, line and the reason code ingest should give.

Agencies differ: a hand-typed border check or debriefing breaks more often than an NCA
database export, and each has its own words and habits. Defects are drawn from their
own random stream, so they leave the rest of the generated world unchanged.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from undertow.synth.profiles import Noise
from undertow.synth.reports import Report
from undertow.synth.truth import TruthWriter
from undertow.synth.writer import COLUMNS, entity_line

# Defect -> the quarantine reason code ingest gives the record.
EXPECTED = {
    "phone_placeholder": "invalid_value",
    "phone_truncated": "invalid_value",
    "dob_impossible": "invalid_value",
    "dob_zeroed": "invalid_value",
    "amount_garbled": "invalid_value",
    "date_unreadable": "invalid_value",
    "date_month_first": "invalid_value",
    "property_misspelt": "unknown_property",
    "json_truncated": "malformed_json",
    "row_ragged": "malformed_csv",
}
_PHONES = ("phone", "callerNumber", "receiverNumber")
_MISSPELT = {
    "nationality": ("nationalty", "nationallity"),
    "birthDate": ("birthdate", "dateOfBirth"),
    "address": ("adress",),
    "passportNumber": ("pasportNumber",),
}
# People's and companies' details are typed in by hand; payments and calls come out of
# systems, and links are made by the export itself.
_TYPED_BY_HAND = {"Person": 3.0, "Company": 2.0}
_IMPOSSIBLE = ((31, 2), (30, 2), (31, 4), (31, 6), (31, 9), (31, 11))
_YEAR = re.compile(r"\d{4}")
# The properties each value defect can break, in order of preference.
_NAMES = {
    "phone_placeholder": _PHONES,
    "phone_truncated": _PHONES,
    "dob_impossible": ("birthDate",),
    "dob_zeroed": ("birthDate",),
    "amount_garbled": ("amount",),
}
_DATE_COLUMN = {
    "bank_statement": "booking_date",
    "money_transfer": "send_date",
    "call_records": "start_time",
}
# A spreadsheet's column too narrow for the date, saved as shown; a null timestamp.
_UNREADABLE = {"bank_statement": "########", "call_records": "00.00.0000 00:00"}


@dataclass(frozen=True)
class Habits:
    """How often (times ``Noise.unusable``) and how one agency's or export's records break."""

    rate: float
    kinds: dict[str, float]
    """Relative weight of each defect (keys of :data:`EXPECTED`)."""
    unknown: tuple[str, ...] = ("n/a",)
    """What is written in a phone field that may not stay empty."""
    sep: str = "/"
    """The separator of the agency's day-first dates."""


# FtM JSON-lines files, by agency.
AGENCY_HABITS = {
    "UK-NCA": Habits(
        0.4,
        {"phone_placeholder": 1, "phone_truncated": 1, "dob_impossible": 1, "amount_garbled": 1},
        ("n/a", "N/A", "unknown"),
    ),
    "UK-HOIE": Habits(
        1.0,
        {"phone_placeholder": 2, "phone_truncated": 1, "dob_impossible": 1, "property_misspelt": 1},
        ("n/a", "N/A", "none"),
    ),
    "DE-BKA": Habits(
        0.6,
        {"phone_placeholder": 1, "dob_zeroed": 2, "amount_garbled": 1, "json_truncated": 0.5},
        ("unbekannt", "k.A."),
        ".",
    ),
    "DE-BPOL": Habits(
        2.0,
        {"phone_placeholder": 2, "dob_zeroed": 3, "dob_impossible": 1, "property_misspelt": 1},
        ("unbekannt", "k.A."),
        ".",
    ),
    "FR-OLTIM": Habits(
        1.2,
        {
            "phone_placeholder": 2,
            "phone_truncated": 1,
            "dob_zeroed": 1,
            "amount_garbled": 1,
            "json_truncated": 1,
        },
        ("inconnu", "néant"),
    ),
    "NL-KMAR": Habits(
        1.0,
        {"phone_placeholder": 2, "dob_impossible": 1, "property_misspelt": 1},
        ("onbekend", "n.v.t."),
        "-",
    ),
    "BE-FJP": Habits(
        1.5,
        {"phone_placeholder": 2, "dob_impossible": 1, "amount_garbled": 1},
        ("inconnu", "onbekend"),
    ),
    # Cross-checking data merged by hand from partners' contributions.
    "EU-EUROPOL": Habits(0.5, {"json_truncated": 2, "property_misspelt": 2}),
    # Debriefing notes: a migrant remembers half a smuggler's number, or none.
    "EU-FRONTEX": Habits(
        3.0, {"phone_truncated": 3, "phone_placeholder": 1}, ("n/a", "unknown", "none")
    ),
}
# CSV exports, by mapping.
EXPORT_HABITS = {
    # Banks answer production orders from their systems, sometimes via a spreadsheet.
    "bank_statement": Habits(
        0.4, {"amount_garbled": 1, "date_unreadable": 1, "row_ragged": 2}, sep="/"
    ),
    # Seized ledgers keyed by hand in the shop.
    "money_transfer": Habits(
        2.0, {"amount_garbled": 3, "date_month_first": 1, "row_ragged": 1}, sep="/"
    ),
    # The operator writes a withheld caller as a word.
    "call_records": Habits(
        0.5,
        {"phone_placeholder": 2, "date_unreadable": 1, "row_ragged": 1},
        ("unbekannt", "anonym"),
        ".",
    ),
}


class Defects:
    """Decides which records break and how, and writes each to the truth's ``unusable``."""

    def __init__(self, noise: Noise, rng: random.Random, truth: TruthWriter) -> None:
        self.rate = noise.unusable
        self.rng = rng
        self.truth = truth

    def entity(self, report: Report, line: int, entity: dict[str, Any]) -> str | None:
        """The line to write instead of ``entity``'s, or ``None`` to write it as it is."""
        habits = AGENCY_HABITS[report.agency]
        typed = _TYPED_BY_HAND.get(entity["schema"], 1.0)
        if self.rng.random() >= self.rate * habits.rate * typed:
            return None
        props: dict[str, list[str]] = entity["properties"]
        kind = self._kind(habits, lambda k: _applies(k, props))
        if kind is None:
            return None
        self._note(report, line, kind, entity["id"])
        if kind == "json_truncated":
            text = entity_line(entity)
            return text[: self.rng.randint(len(text) // 3, len(text) - 2)]
        broken = dict(props)
        if kind == "property_misspelt":
            name = next(n for n in _MISSPELT if n in props)
            spelt = self.rng.choice(_MISSPELT[name])
            broken = {spelt if k == name else k: v for k, v in props.items()}
        else:
            name = _target(kind, props)
            value = self._value(kind, props[name][0], habits, props.get("currency"))
            broken[name] = [value, *props[name][1:]]
        return entity_line({**entity, "properties": broken})

    def row(
        self, report: Report, line: int, values: Sequence[str], entity_ids: tuple[str, ...]
    ) -> list[str] | None:
        """The cells to write instead of ``values``, or ``None`` to write them as they are."""
        assert report.mapping is not None
        habits = EXPORT_HABITS[report.mapping]
        if self.rng.random() >= self.rate * habits.rate:
            return None
        columns = COLUMNS[report.mapping]
        dated = values[columns.index(_DATE_COLUMN[report.mapping])]
        kind = self._kind(habits, lambda k: k != "date_month_first" or int(dated[:2]) > 12)
        if kind is None:
            return None
        self._note(report, line, kind, None, entity_ids)
        row = list(values)
        if kind == "row_ragged":  # an empty cell lost on the way, or the last one
            empty = [i for i, v in enumerate(row) if not v]
            del row[empty[-1] if empty else len(row) - 1]
        elif kind == "date_unreadable":
            row[columns.index(_DATE_COLUMN[report.mapping])] = _UNREADABLE[report.mapping]
        else:
            name = {"amount_garbled": "amount", "phone_placeholder": "caller_number"}.get(
                kind, _DATE_COLUMN[report.mapping]
            )
            i = columns.index(name)
            currency = [values[columns.index("currency")]] if "currency" in columns else None
            row[i] = self._value(kind, row[i], habits, currency)
        return row

    # -- parts -----------------------------------------------------------------

    def _kind(self, habits: Habits, applies: Callable[[str], bool]) -> str | None:
        kinds = [(k, w) for k, w in habits.kinds.items() if applies(k)]
        if not kinds:
            return None
        return self.rng.choices([k for k, _ in kinds], weights=[w for _, w in kinds])[0]

    def _value(self, kind: str, value: str, habits: Habits, currency: list[str] | None) -> str:
        rng, sep = self.rng, habits.sep
        if kind == "phone_placeholder":
            return rng.choice(habits.unknown)
        if kind == "phone_truncated":
            return truncated_phone(value)
        if kind in ("dob_impossible", "dob_zeroed"):
            found = _YEAR.search(value)
            year = found.group() if found else "1990"
            day, month = rng.choice(_IMPOSSIBLE) if kind == "dob_impossible" else (0, 0)
            return f"{day:02d}{sep}{month:02d}{sep}{year}"
        if kind == "amount_garbled":
            return _garbled(value, currency[0] if currency else None, rng)
        if kind == "date_month_first":  # 25/03/2024 keyed as 03/25/2024
            dd, mm, rest = value.split("/", 2)
            return f"{mm}/{dd}/{rest}"
        raise ValueError(f"no value defect {kind!r}")

    def _note(
        self,
        report: Report,
        line: int,
        kind: str,
        entity_id: str | None,
        entity_ids: tuple[str, ...] | None = None,
    ) -> None:
        entry: dict[str, Any] = {
            "agency": report.agency,
            "file": report.file,
            "line": line,
            "entity_id": entity_id,
            "defect": kind,
            "expected_code": EXPECTED[kind],
        }
        if entity_ids is not None:
            entry["entity_ids"] = list(entity_ids)
        self.truth.add("unusable", entry)


def _applies(kind: str, props: dict[str, list[str]]) -> bool:
    if kind == "json_truncated":
        return True
    if kind == "property_misspelt":
        return any(n in props for n in _MISSPELT)
    return any(n in props for n in _NAMES[kind])


def _target(kind: str, props: dict[str, list[str]]) -> str:
    return next(n for n in _NAMES[kind] if n in props)


def truncated_phone(number: str) -> str:
    """The first two thirds of the digits as written: ``07911 123456`` -> ``07911 12``."""
    keep = sum(c.isdigit() for c in number) * 2 // 3
    out: list[str] = []
    for ch in number:
        if ch.isdigit():
            if keep == 0:
                break
            keep -= 1
        out.append(ch)
    return "".join(out).rstrip(" -./")


def _garbled(amount: str, currency: str | None, rng: random.Random) -> str:
    if "." in amount and "," in amount and rng.random() < 0.6:
        # The decimal separator keyed as the grouping one: 4.500,00 -> 4.500.00.
        dec = max(amount.rfind("."), amount.rfind(","))
        group = "," if amount[dec] == "." else "."
        return f"{amount[:dec]}{group}{amount[dec + 1 :]}"
    return f"{currency} ???" if currency and rng.random() < 0.7 else "???"
