from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from undertow.ingest import AmountError, parse_amount


@pytest.mark.parametrize(
    ("text", "decimal", "value", "currency"),
    [
        ("4,500.00", ".", "4500", None),
        ("4.500,00", ",", "4500", None),
        ("4500", ".", "4500", None),
        ("4.500", ",", "4500", None),  # Berlin: thousands
        ("4.500", ".", "4.5", None),  # London: decimals
        ("4,5", ",", "4.5", None),
        ("12,34", ".", "12.34", None),  # two decimals cannot be a thousands group
        ("1.234.567,89", ",", "1234567.89", None),
        ("1,234,567", ",", "1234567", None),
        ("1 234,50 EUR", ",", "1234.5", "EUR"),
        ("£4,500", ".", "4500", "GBP"),
        ("€ 3.000", ",", "3000", "EUR"),
        ("USD 9,950", ".", "9950", "USD"),
        ("-12.30", ".", "-12.3", None),
        ("12.30-", ".", "-12.3", None),
        ("3'500.00", ".", "3500", None),
    ],
)
def test_amounts_as_agencies_write_them(
    text: str, decimal: str, value: str, currency: str | None
) -> None:
    amount = parse_amount(text, decimal)
    assert amount.value == Decimal(value)
    assert amount.currency == currency


@pytest.mark.parametrize(
    "text",
    [
        "",
        "abc",
        "12.345.6",
        "1,2,3",
        "4..5",
        "€ £ 5",
        "1.5e3",
        "12.",
        "NaN",
        "1.2.3,00",
        "12.50.000,00",
        "1234.567,00",
    ],
)
def test_what_is_not_an_amount(text: str) -> None:
    with pytest.raises(AmountError):
        parse_amount(text, ".")


def _write(value: Decimal, decimal: str, grouping: bool) -> str:
    """Write ``value`` the way an agency with ``decimal`` would, with two decimals."""
    sign = "-" if value < 0 else ""
    whole, frac = f"{abs(value):.2f}".split(".")
    if grouping:
        sep = "." if decimal == "," else ","
        groups: list[str] = []
        while len(whole) > 3:
            groups.insert(0, whole[-3:])
            whole = whole[:-3]
        whole = sep.join([whole, *groups])
    return f"{sign}{whole}{decimal}{frac}"


amounts = st.decimals(
    min_value=Decimal("-10000000"), max_value=Decimal("10000000"), places=2, allow_nan=False
)


@given(amounts, st.sampled_from([".", ","]), st.booleans())
def test_two_decimal_amounts_parse_back_in_either_convention(
    value: Decimal, decimal: str, grouping: bool
) -> None:
    assert parse_amount(_write(value, decimal, grouping), decimal).value == value


@given(
    st.decimals(min_value=Decimal("-1e9"), max_value=Decimal("1e9"), places=4, allow_nan=False),
    st.sampled_from([".", ","]),
)
def test_canonical_text_is_a_fixpoint_under_every_convention(value: Decimal, decimal: str) -> None:
    text = parse_amount(str(value), ".").text()
    again = parse_amount(text, decimal)
    assert again.value == value
    assert again.text() == text
