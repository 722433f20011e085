"""Dates at the precision they were given, from ISO and from national day-first forms.

FollowTheMoney keeps ISO 8601 prefixes (``1991``, ``1991-05``, ``1991-05-14``,
``2024-03-02T04:15``), which is the precision intelligence needs: a year-only birth date
must not become 1 January. National exports write ``14/05/1991`` or ``14.05.1991 04:15``;
every partner writes the day first, so day-first is the only reading of those forms
(``03/04/2024`` is 3 April), and an impossible date is rejected rather than swapped.
"""

from __future__ import annotations

import re
from datetime import datetime

_NATIONAL = re.compile(
    r"^\s*(?P<d>\d{1,2})[./\-](?P<m>\d{1,2})[./\-](?P<y>\d{4})"
    r"(?:[ T,]+(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?)?\s*$"
)
_MONTH_YEAR = re.compile(r"^\s*(?P<m>\d{1,2})[./\-](?P<y>\d{4})\s*$")


def clean_date(text: str) -> str | None:
    """Normalise a date to an ISO prefix, or ``None`` if it is not a date."""
    from followthemoney.types import registry

    cleaned = registry.date.clean(text)
    if cleaned is not None:
        return str(cleaned)
    return _national(text)


def _national(text: str) -> str | None:
    match = _NATIONAL.match(text)
    if match is not None:
        day, month, year = int(match["d"]), int(match["m"]), int(match["y"])
        try:
            if match["H"] is None:
                return datetime(year, month, day).date().isoformat()
            hour, minute = int(match["H"]), int(match["M"])
            second = int(match["S"] or 0)
            stamp = datetime(year, month, day, hour, minute, second)
        except ValueError:
            return None
        return stamp.isoformat(timespec="seconds" if match["S"] else "minutes")
    match = _MONTH_YEAR.match(text)
    if match is not None:
        month, year = int(match["m"]), int(match["y"])
        if 1 <= month <= 12:
            return f"{year:04d}-{month:02d}"
    return None
