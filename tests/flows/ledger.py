"""Hand-built payment tables for the flow tests: a payment is (src, dst, day, eur)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

import pyarrow as pa

from undertow.flows.columns import PAYMENTS

START = date(2024, 1, 1)


def payments(rows: Sequence[tuple[Any, ...]]) -> pa.Table:
    """Payments in the order given (``seq``), ``day`` as days after 1 Jan 2024; an
    optional dict sets other columns (``channel``, ``reference``, ``currency``...)."""
    cols: dict[str, list[object]] = {f.name: [] for f in PAYMENTS}
    for seq, row in enumerate(rows, start=1):
        src, dst, day, eur = row[:4]
        extra: dict[str, Any] = row[4] if len(row) > 4 else {}
        values = {
            "payment": f"T.p{seq}",
            "agency": "UK-NCA",
            "local_id": f"p{seq}",
            "day": START + timedelta(days=day),
            "day_precision": "day",
            "amount": eur,
            "currency": "EUR",
            "eur": eur,
            "src": src,
            "dst": dst,
            "src_account": None,
            "dst_account": None,
            "src_party": src,
            "dst_party": dst,
            "reference": None,
            "purpose": None,
            "channel": "bank",
            "seq": seq,
        }
        values.update(extra)
        for name in cols:
            cols[name].append(values[name])
    return pa.table(cols, schema=PAYMENTS)
