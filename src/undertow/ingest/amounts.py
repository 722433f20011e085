"""Amounts as agencies write them, parsed to a number and a currency.

FollowTheMoney keeps numbers as text, so ``4.500,00`` (German) and ``4,500.00``
(English) would be stored as different values. We parse them:

* with both separators present, the last one is the decimal separator;
* one separator repeated (``1.234.567``) groups thousands;
* one separator once: a group of exactly three digits after it is ambiguous
  (``4.500`` is 4500 in Berlin and 4.5 in London), so the agency's own decimal
  separator decides; any other group length is a decimal part;
* spaces, apostrophes and narrow no-break spaces group thousands (``4 500``, ``4'500``);
* a currency symbol or ISO code before or after the number is returned separately.

>>> parse_amount("4.500,00", decimal=",")
Amount(value=Decimal('4500.00'), currency=None)
>>> parse_amount("£4,500", decimal=".")
Amount(value=Decimal('4500'), currency='GBP')
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from undertow.errors import UndertowError

SYMBOLS = {
    "€": "EUR",
    "£": "GBP",
    "$": "USD",
    "US$": "USD",
    "¥": "CNY",
    "₺": "TRY",
    "лв": "BGN",
    "ع.د": "IQD",
}

_CODE = r"[A-Z]{3}"
_SYMBOL = "|".join(re.escape(s) for s in sorted(SYMBOLS, key=len, reverse=True))
_PATTERN = re.compile(
    rf"""^\s*
    (?P<pre>{_CODE}|{_SYMBOL})?\s*
    (?P<sign>[-+−])?\s*
    (?P<pre2>{_SYMBOL})?\s*
    (?P<number>[0-9][0-9.,'\s\u00a0\u202f]*)
    \s*(?P<post>{_CODE}|{_SYMBOL})?\s*
    (?P<trail>-)?\s*$""",
    re.VERBOSE,
)
_GROUPING = re.compile(r"['\s\u00a0\u202f]")


class AmountError(UndertowError, ValueError):
    """A text that is not an amount."""


@dataclass(frozen=True)
class Amount:
    value: Decimal
    currency: str | None

    def text(self) -> str:
        """The canonical stored form: ``.`` as decimal separator, no grouping, no
        trailing zeros -- and never exactly three decimals, which an agency writing
        decimal commas would read as a thousands group (``1.234`` is stored ``1.2340``).
        The stored form therefore parses back to itself under every convention.
        """
        text = format(self.value.normalize(), "f")
        if "." in text:
            text = text.rstrip("0").rstrip(".")
        if "." in text and len(text) - text.index(".") - 1 == 3:
            text += "0"
        return text


def parse_amount(text: str, decimal: str = ".") -> Amount:
    """Parse ``text`` as written by someone whose decimal separator is ``decimal``."""
    match = _PATTERN.match(text)
    if match is None:
        raise AmountError(f"not an amount: {text!r}")
    currencies = {
        _currency(c) for c in (match["pre"], match["pre2"], match["post"]) if c is not None
    }
    if len(currencies) > 1:
        raise AmountError(f"two currencies in one amount: {text!r}")
    number = _GROUPING.sub("", match["number"])
    value = _parse_number(number, decimal, text)
    if match["sign"] in {"-", "−"} or match["trail"]:
        value = -value
    return Amount(value, currencies.pop() if currencies else None)


def _currency(token: str) -> str:
    return SYMBOLS.get(token, token)


def _parse_number(number: str, decimal: str, original: str) -> Decimal:
    dots, commas = number.count("."), number.count(",")
    if dots and commas:
        dec = "." if number.rfind(".") > number.rfind(",") else ","
        thousands = "," if dec == "." else "."
        if number.count(dec) > 1:
            raise AmountError(f"more than one decimal separator in {original!r}")
        whole, fraction = number.split(dec)
        groups = whole.split(thousands)
        # 1.234.567,89 groups thousands; 1.2.3,00 or 12.50.000,00 is a keying error.
        if not 1 <= len(groups[0]) <= 3 or not all(len(g) == 3 for g in groups[1:]):
            raise AmountError(f"inconsistent digit grouping in {original!r}")
        return _decimal("".join(groups) + "." + fraction, original)
    sep = "." if dots else "," if commas else None
    if sep is None:
        return _decimal(number, original)
    groups = number.split(sep)
    if len(groups) > 2:
        # 1.234.567: thousands grouping; every group after the first must have 3 digits.
        if not all(len(g) == 3 for g in groups[1:]) or not 1 <= len(groups[0]) <= 3:
            raise AmountError(f"inconsistent digit grouping in {original!r}")
        return _decimal("".join(groups), original)
    head, tail = groups
    if not head or not tail:
        raise AmountError(f"not an amount: {original!r}")
    if len(tail) == 3 and sep != decimal and len(head) <= 3:
        return _decimal(head + tail, original)
    return _decimal(f"{head}.{tail}", original)


def _decimal(text: str, original: str) -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise AmountError(f"not an amount: {original!r}") from None
    if not value.is_finite():
        raise AmountError(f"not an amount: {original!r}")
    return value
