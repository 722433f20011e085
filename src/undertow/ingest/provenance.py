"""Provenance of a submission from what the user or the manifest gives."""

from __future__ import annotations

from datetime import date, datetime

from undertow.errors import ConfigError
from undertow.model import Grading, Handling, Provenance, Release


def build_provenance(
    agency: str,
    report: str,
    handling: Handling,
    release: Release,
    grading: Grading,
    reported_at: date | datetime | None,
    review_by: date | None,
    received: datetime,
    review_months: int,
) -> Provenance:
    """Fill the defaults: reported when received; reviewed ``review_months`` later."""
    if not report.strip():
        raise ConfigError("a report reference is required (--report)")
    if reported_at is None:
        stamp = received
    elif isinstance(reported_at, datetime):
        stamp = reported_at.replace(tzinfo=None)
    else:
        stamp = datetime(reported_at.year, reported_at.month, reported_at.day)
    if review_by is None:
        review_by = add_months(stamp.date(), review_months)
    return Provenance(
        agency=agency,
        report=report.strip(),
        handling=handling,
        release=release,
        grading=grading,
        reported_at=stamp,
        review_by=review_by,
    )


def add_months(day: date, months: int) -> date:
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)  # unreachable: day 28 exists in every month
