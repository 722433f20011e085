from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from undertow.errors import ConfigError
from undertow.model import (
    Agency,
    AgencyRegistry,
    Grading,
    Handling,
    HandlingCode,
    Release,
    local_id_of,
    namespaced_id,
    shipped_agencies,
    statement_id,
)

PARTNERS = {
    "UK-NCA",
    "UK-HOIE",
    "DE-BKA",
    "DE-BPOL",
    "FR-OLTIM",
    "NL-KMAR",
    "BE-FJP",
    "EU-EUROPOL",
    "EU-FRONTEX",
}


def test_shipped_registry_holds_the_calais_group() -> None:
    registry = AgencyRegistry(shipped_agencies())
    assert set(registry.codes()) == PARTNERS
    assert registry.get("de-bka").phone_region == "DE"
    assert registry.get("UK-NCA").decimal_separator == "."
    assert registry.get("FR-OLTIM").decimal_separator == ","


def test_unknown_agency_names_the_known_ones() -> None:
    registry = AgencyRegistry(shipped_agencies())
    with pytest.raises(ConfigError, match="known: BE-FJP"):
        registry.get("XX-NOPE")


@pytest.mark.parametrize(
    ("code", "message"),
    [("de.bka", "must look like"), ("DE-BKA.X", "must look like"), ("D-BKA", "must look like")],
)
def test_agency_codes_cannot_break_namespacing(code: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        Agency(code=code, name="x")


def test_agency_phone_region_must_exist() -> None:
    with pytest.raises(ConfigError, match="not a phone region"):
        Agency(code="ES-CNP", name="Policía Nacional", phone_region="XX")


def test_handling_codes_carry_europol_meanings() -> None:
    assert "judicial proceedings" in HandlingCode.H1.meaning
    assert "passed on" in HandlingCode.H2.meaning
    assert HandlingCode.parse(" h2 ") is HandlingCode.H2
    with pytest.raises(ConfigError, match="H0, H1, H2, H3"):
        HandlingCode.parse("H4")


def test_h3_needs_its_restriction_in_text() -> None:
    with pytest.raises(ConfigError, match="H3 needs"):
        Handling.parse("H3")
    assert Handling.parse("H3", "no hit").note == "no hit"


def test_release_lists() -> None:
    assert Release.parse("all").to_list() == ["all"]
    assert Release.parse("fr-oltim, DE-BKA").to_list() == ["DE-BKA", "FR-OLTIM"]
    with pytest.raises(ConfigError, match="unknown agencies: XX-YY"):
        Release.parse("DE-BKA,XX-YY", known=sorted(PARTNERS))
    with pytest.raises(ConfigError, match="cannot be combined"):
        Release.parse("all,DE-BKA")
    with pytest.raises(ConfigError, match="empty"):
        Release.parse(" , ")


@pytest.mark.parametrize("text", ["A1", "b2", "C3", "X4", "x1"])
def test_grading_accepts_the_4x4(text: str) -> None:
    assert str(Grading.parse(text)) == text.upper()


@pytest.mark.parametrize(
    ("text", "message"),
    [("D1", "no D"), ("A5", "1, 2, 3 or 4"), ("A", "two characters"), ("AX", "1, 2, 3 or 4")],
)
def test_grading_rejects_what_is_not_4x4(text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        Grading.parse(text)


def test_namespacing_keeps_agencies_apart() -> None:
    assert namespaced_id("UK-NCA", "p-1") != namespaced_id("DE-BKA", "p-1")
    assert namespaced_id("UK-NCA", "p-1") == "UK-NCA.p-1"


@given(st.text(min_size=1, max_size=300))
def test_namespaced_ids_are_valid_ftm_ids_and_idempotent(local: str) -> None:
    from followthemoney.types import registry

    ns = namespaced_id("DE-BKA", local)
    assert ns.startswith("DE-BKA.")
    assert registry.entity.clean(ns) == ns
    assert namespaced_id("DE-BKA", ns) == ns
    assert namespaced_id("DE-BKA", local_id_of("DE-BKA", local)) == ns


def test_statement_ids_are_content_hashes() -> None:
    a = statement_id("UK-NCA", "R1", "UK-NCA.p-1", "name", "Jafar KARIM")
    assert a == statement_id("UK-NCA", "R1", "UK-NCA.p-1", "name", "Jafar KARIM")
    assert a != statement_id("UK-NCA", "R2", "UK-NCA.p-1", "name", "Jafar KARIM")
    # Field boundaries are delimited: shifting text between fields changes the hash.
    assert statement_id("A", "BC", "x", "p", "v") != statement_id("AB", "C", "x", "p", "v")
