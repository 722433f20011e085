from __future__ import annotations

from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from undertow.ingest import clean_date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1991", "1991"),  # a year stays a year: never 1 January
        ("1991-05", "1991-05"),
        ("1991-05-14", "1991-05-14"),
        ("14/05/1991", "1991-05-14"),
        ("03/04/2024", "2024-04-03"),  # day first, as every partner writes it
        ("14.05.1991 04:15", "1991-05-14T04:15"),
        ("14.05.1991 04:15:09", "1991-05-14T04:15:09"),
        ("05.1991", "1991-05"),
        ("2024-03-02T04:15:00", "2024-03-02T04:15:00"),
    ],
)
def test_dates_keep_their_precision(text: str, expected: str) -> None:
    assert clean_date(text) == expected


@pytest.mark.parametrize("text", ["31/02/1991", "yesterday", "2024-13-01", "13.13.2024", ""])
def test_what_is_not_a_date(text: str) -> None:
    assert clean_date(text) is None


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31)))
def test_day_first_forms_agree_with_iso(day: date) -> None:
    iso = day.isoformat()
    for sep in "/.-":
        assert clean_date(f"{day.day:02d}{sep}{day.month:02d}{sep}{day.year}") == iso
    assert clean_date(iso) == iso
    assert clean_date(iso[:7]) == iso[:7]
    assert clean_date(iso[:4]) == iso[:4]


@given(st.datetimes(min_value=datetime(1950, 1, 1), max_value=datetime(2099, 1, 1)))
def test_national_timestamps(stamp: datetime) -> None:
    text = stamp.strftime("%d.%m.%Y %H:%M")
    assert clean_date(text) == stamp.strftime("%Y-%m-%dT%H:%M")
