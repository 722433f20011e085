from __future__ import annotations

import phonenumbers
import pytest
from followthemoney import model
from followthemoney.property import Property
from hypothesis import given
from hypothesis import strategies as st

from undertow.ingest.values import ValueCleaner, ValueProblem
from undertow.model import AgencyRegistry, shipped_agencies

REGISTRY = AgencyRegistry(shipped_agencies())


def prop(schema: str, name: str) -> Property:
    found = model.get(schema)
    assert found is not None
    result = found.get(name)
    assert result is not None
    return result


PHONE = prop("Person", "phone")


def cleaner(agency: str) -> ValueCleaner:
    return ValueCleaner(REGISTRY.get(agency), max_value_bytes=1024)


@pytest.mark.parametrize(
    ("agency", "raw", "e164"),
    [
        ("UK-NCA", "07911 123456", "+447911123456"),
        ("DE-BKA", "0176 23423980", "+4917623423980"),
        ("FR-OLTIM", "06 12 34 56 78", "+33612345678"),
        ("NL-KMAR", "06-12345678", "+31612345678"),
        ("BE-FJP", "0470 12 34 56", "+32470123456"),
        ("DE-BKA", "+964 750 123 4567", "+9647501234567"),
        ("DE-BKA", "00964 750 123 4567", "+9647501234567"),
    ],
)
def test_national_phone_formats_use_the_agency_region(agency: str, raw: str, e164: str) -> None:
    assert cleaner(agency).clean(PHONE, raw, None) == (e164, None)


def test_a_phone_ftm_would_drop_is_a_problem_not_a_loss() -> None:
    with pytest.raises(ValueProblem, match="dialled in GB"):
        cleaner("UK-NCA").clean(PHONE, "12", None)


REGIONS = {"UK-NCA": "GB", "DE-BKA": "DE", "FR-OLTIM": "FR", "NL-KMAR": "NL", "BE-FJP": "BE"}


@given(st.sampled_from(sorted(REGIONS)), st.integers(min_value=0, max_value=10**6))
def test_national_numbers_of_every_partner_normalise_to_e164(agency: str, seed: int) -> None:
    region = REGIONS[agency]
    example = phonenumbers.example_number_for_type(region, phonenumbers.PhoneNumberType.MOBILE)
    assert example is not None
    # Vary the subscriber digits, keeping a number the region's plan accepts.
    national = str(example.national_number)
    varied = national[:-4] + f"{seed % 10000:04d}"
    number = phonenumbers.parse(varied, region)
    if not phonenumbers.is_valid_number(number):
        return
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    written = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    assert cleaner(agency).clean(PHONE, written, None)[0] == e164
    assert cleaner("UK-NCA").clean(PHONE, e164, None)[0] == e164


def test_iban_goes_through_the_identifier_format() -> None:
    iban = prop("BankAccount", "iban")
    value, _ = cleaner("UK-NCA").clean(iban, "gb82 west 1234 5698 7654 32", None)
    assert value == "GB82WEST12345698765432"


@pytest.mark.parametrize(("raw", "code"), [("Irak", "iq"), ("Royaume-Uni", "gb"), ("DE", "de")])
def test_country_names_in_partner_languages(raw: str, code: str) -> None:
    nationality = prop("Person", "nationality")
    assert cleaner("FR-OLTIM").clean(nationality, raw, None)[0] == code


def test_overlong_values_are_problems() -> None:
    name = prop("Person", "name")
    with pytest.raises(ValueProblem, match="exceeds the limit"):
        cleaner("UK-NCA").clean(name, "x" * 2000, None)


def test_call_durations_in_clock_form() -> None:
    duration = prop("Call", "duration")
    assert cleaner("DE-BKA").clean(duration, "00:03:25", None)[0] == "205"
    assert cleaner("DE-BKA").clean(duration, "205", None)[0] == "205"
