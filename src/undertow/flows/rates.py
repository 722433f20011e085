"""Amounts in euros: a dated table of monthly rates shipped with the package.

Where the rates come from is in ``data/RATES.md``. Conversion is a join on (month,
currency) -- done in SQL, so it runs wherever the payments are -- with payments outside
the table's months taking the nearest month's rate.
"""

from __future__ import annotations

import csv
from datetime import date
from importlib import resources
from pathlib import Path

import pyarrow as pa

from undertow.errors import ConfigError, InputError

RATES = pa.schema([("month", pa.date32()), ("currency", pa.string()), ("per_eur", pa.float64())])


def load_rates(path: str | Path | None = None) -> pa.Table:
    """The rates table (``month`` as its first day, ``currency``, ``per_eur``), with EUR
    itself at 1. ``path`` replaces the shipped table."""
    if path:
        text = Path(path).read_text(encoding="utf-8")
        name = str(path)
    else:
        text = (resources.files("undertow.flows") / "data" / "eur_rates.csv").read_text("utf-8")
        name = "eur_rates.csv"
    months: list[date] = []
    currencies: list[str] = []
    rates: list[float] = []
    reader = csv.DictReader(text.splitlines())
    missing = {"month", "currency", "per_eur"} - set(reader.fieldnames or [])
    if missing:
        raise ConfigError(f"{name}: rates need columns {sorted(missing)}")
    for line, row in enumerate(reader, start=2):
        try:
            year, month = (int(x) for x in row["month"].split("-")[:2])
            rate = float(row["per_eur"])
            day = date(year, month, 1)
        except (ValueError, TypeError) as e:
            raise InputError(f"bad rate: {e}", file=name, line=line, field="per_eur") from e
        if not rate > 0:
            raise InputError("a rate must be positive", file=name, line=line, field="per_eur")
        months.append(day)
        currencies.append(row["currency"].strip().upper())
        rates.append(rate)
    span = sorted(set(months))
    if span:
        months += span
        currencies += ["EUR"] * len(span)
        rates += [1.0] * len(span)
    return pa.table([months, currencies, rates], schema=RATES)


def to_eur_sql(payments: str, rates: str) -> str:
    """SQL adding ``eur`` to ``payments`` (which has ``day``, ``amount``, ``currency``):
    the month's rate, else the nearest month's for that currency; null for a currency
    the table does not know (it is left out of money totals, never guessed)."""
    return f"""
        SELECT p.*, p.amount / r.per_eur AS eur
        FROM {payments} p
        LEFT JOIN (
            SELECT currency, month, per_eur,
                   min(month) OVER (PARTITION BY currency) AS first_month,
                   max(month) OVER (PARTITION BY currency) AS last_month
            FROM {rates}
        ) r ON r.currency = p.currency
           AND r.month = CASE
                WHEN date_trunc('month', p.day) < r.first_month THEN r.first_month
                WHEN date_trunc('month', p.day) > r.last_month THEN r.last_month
                ELSE date_trunc('month', p.day) END
    """
