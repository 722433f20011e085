"""One property value, cleaned the way FollowTheMoney would -- but never silently dropped.

FtM's ``clean`` returns ``None`` for a value it cannot normalise and the value is gone.
Here that is a :class:`ValueProblem`, so the record goes to the quarantine instead.
What FtM leaves to the caller is done here: the agency's phone region as the format
hint for national numbers, the property's identifier format (``iban``, ``bic``, ...)
which FtM's statement entities do not pass on, day-first national dates, and amounts
(see ``amounts.py``).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

from undertow.ingest.amounts import SYMBOLS, AmountError, parse_amount
from undertow.ingest.dates import clean_date
from undertow.model import Agency

if TYPE_CHECKING:
    from followthemoney.property import Property


class ValueProblem(Exception):
    """A value that cannot be stored as given; ``code`` is the quarantine reason code."""

    def __init__(self, code: str, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


_CURRENCY_PROPS = frozenset({"currency", "sharesCurrency", "currencySymbol"})
_DURATION = re.compile(r"^\s*(?:(?P<h>\d{1,3}):)?(?P<m>\d{1,2}):(?P<s>\d{2})\s*$")
_CURRENCY_WORDS = {"EURO": "EUR", "EUROS": "EUR", "POUND": "GBP", "POUNDS": "GBP"}


class ValueCleaner:
    """Cleans values for one agency's conventions; results are cached per distinct value."""

    def __init__(self, agency: Agency, max_value_bytes: int) -> None:
        self.agency = agency
        self.max_value_bytes = max_value_bytes
        # Keyed by strings, whose hashes Python caches: far cheaper than hashing Property.
        self._cache: dict[tuple[str, str, str | None], tuple[str, str | None]] = {}

    def clean(self, prop: Property, raw: str, fmt: str | None) -> tuple[str, str | None]:
        """Return ``(value, currency found in it)`` or raise :class:`ValueProblem`."""
        key = (prop.qname, raw, fmt)
        found = self._cache.get(key)
        if found is None:
            found = self._clean(prop, raw, fmt)
            if len(self._cache) >= 262_144:
                self._cache.clear()
            self._cache[key] = found
        return found

    def _clean(self, prop: Property, raw: str, fmt: str | None) -> tuple[str, str | None]:
        if len(raw.encode("utf-8", "surrogatepass")) > self.max_value_bytes:
            raise ValueProblem(
                "value_too_long",
                f"value of {len(raw)} characters exceeds the limit of {self.max_value_bytes} bytes",
            )
        type_name = prop.type.name
        if type_name == "number":
            return self._number(prop, raw)
        if prop.name in _CURRENCY_PROPS and type_name == "string":
            return _currency(raw), None
        if type_name == "date":
            value = clean_date(raw)
        elif type_name == "phone":
            value = prop.type.clean(raw, format=self.agency.phone_region)
            if value is None:
                region = self.agency.phone_region or "none"
                raise ValueProblem(
                    "invalid_value",
                    f"not a valid phone number, internationally or as dialled in {region}: {raw!r}",
                )
        elif type_name == "country":
            value = _country(raw)
        else:
            value = prop.type.clean(raw, format=fmt or prop.format)
        if value is None:
            raise ValueProblem("invalid_value", f"not a valid {type_name}: {raw!r}")
        return str(value), None

    def _phone(self, raw: str) -> str:
        """E.164, as FtM's phone type gives it, in one parse instead of FtM's two.

        A number with an international prefix ignores the region; a national one is read
        as dialled in the agency's region. Validity is checked for the country code's main
        region first (cheap) and then for all its regions (+44 also covers Jersey).
        """
        import phonenumbers

        region = self.agency.phone_region
        try:
            number = phonenumbers.parse(raw, region)
        except phonenumbers.NumberParseException:
            number = None
        if number is not None and number.country_code is not None:
            main = phonenumbers.region_code_for_country_code(number.country_code)
            if phonenumbers.is_valid_number_for_region(
                number, main
            ) or phonenumbers.is_valid_number(number):
                return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))
        raise ValueProblem(
            "invalid_value",
            f"not a valid phone number, internationally or as dialled in {region or 'none'}: "
            f"{raw!r}",
        )

    def _number(self, prop: Property, raw: str) -> tuple[str, str | None]:
        if prop.name == "duration":
            match = _DURATION.match(raw)
            if match is not None:
                seconds = int(match["h"] or 0) * 3600 + int(match["m"]) * 60 + int(match["s"])
                return str(seconds), None
        try:
            amount = parse_amount(raw, self.agency.decimal_separator)
        except AmountError as e:
            raise ValueProblem("invalid_value", str(e)) from None
        return amount.text(), amount.currency


@lru_cache(maxsize=65_536)
def _country(raw: str) -> str | None:
    # rigour's territory matching costs ~60 us a call; a report names few countries.
    from followthemoney.types import registry

    value = registry.country.clean(raw, fuzzy=True)
    return None if value is None else str(value)


@lru_cache(maxsize=64)
def cleaner_for(agency: Agency, max_value_bytes: int) -> ValueCleaner:
    """One cleaner (and its cache) per agency, shared by all of that agency's reports."""
    return ValueCleaner(agency, max_value_bytes)


def _currency(raw: str) -> str:
    text = raw.strip()
    upper = text.upper()
    if text in SYMBOLS:
        return SYMBOLS[text]
    if upper in _CURRENCY_WORDS:
        return _CURRENCY_WORDS[upper]
    if len(upper) == 3 and upper.isalpha():
        return upper
    return text
