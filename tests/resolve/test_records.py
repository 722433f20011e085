"""Party records: name features assembled from words in SQL equal the features of the
whole names, as :func:`undertow.resolve.names.name_features` defines them."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from undertow.resolve.names import name_features, skeletons, tokens
from undertow.resolve.records import build_parties, party_names
from undertow.service import Service

# Letters of the partners' scripts and the separators agencies put between words.
_TEXT = st.text(
    alphabet=st.sampled_from(list("aAbDjsScChkKy éüçøØ-,;/()'\u00a0\t.0ابجدژ")), max_size=30
)


@given(_TEXT)
def test_a_names_tokens_are_its_space_separated_words_tokens(name: str) -> None:
    from_words = {t for word in name.split(" ") for t in tokens(word)}
    assert from_words == set(tokens(name))


@given(st.lists(_TEXT, min_size=1, max_size=3))
def test_word_features_rebuild_the_name_features(names: list[str]) -> None:
    words = [w for name in names for w in name.split(" ")]
    rebuilt = sorted({t for w in words for t in tokens(w)})
    shapes = sorted({s for w in words for t in tokens(w) for s in skeletons(t)})
    features = name_features(names)
    assert rebuilt == features.tokens
    assert shapes == features.skeletons


def test_every_party_record_has_its_names_features(
    resolved: tuple[Service, Path],
) -> None:
    store = resolved[0].store
    names: dict[str, list[str]] = defaultdict(list)
    table = party_names(store)
    for entity, name in zip(
        table.column("entity_id").to_pylist(), table.column("name").to_pylist(), strict=True
    ):
        if name:
            names[entity].append(name)
    parties = build_parties(store)
    assert parties.num_rows > 1000
    checked = 0
    for entity, got_tokens, got_shapes in zip(
        parties.column("unique_id").to_pylist(),
        parties.column("name_tokens").to_pylist(),
        parties.column("name_skeletons").to_pylist(),
        strict=True,
    ):
        if entity not in names:
            assert got_tokens is None
            assert got_shapes is None
            continue
        expected = name_features(names[entity])
        assert (got_tokens, got_shapes) == (expected.tokens, expected.skeletons), entity
        checked += 1
    assert checked > 1000


def test_an_account_is_a_counterpart_by_its_number_and_a_placeholder_is_no_number(
    tmp_path: Path,
) -> None:
    """Two agencies' payments into one IBAN meet at the number; payments into accounts
    both written "N/A" do not meet at "NA"."""
    from tests.conftest import entity, person, write_jsonl
    from undertow.resolve.keys import MIN_KEY_LENGTH
    from undertow.resolve.records import ACCOUNT_LINK
    from undertow.service import Submission
    from undertow.store import Store

    store = Store.open(tmp_path / "c.duckdb")
    svc = Service(store)
    for agency, number in (
        ("UK-NCA", "GB33 BUKB 2020 1555 5555 55"),
        ("DE-BKA", "GB33BUKB20201555555555"),
    ):
        path = write_jsonl(
            tmp_path / f"{agency}.json",
            [
                person("payer", name="Dara Salar"),
                entity("acct", "BankAccount", iban=number),
                entity("blank", "BankAccount", accountNumber="N/A"),
                entity(
                    "p1",
                    "Payment",
                    payer="payer",
                    beneficiaryAccount="acct",
                    amount="900",
                    currency="EUR",
                    date="2024-05-01",
                ),
                entity(
                    "p2",
                    "Payment",
                    payer="payer",
                    beneficiaryAccount="blank",
                    amount="90",
                    currency="EUR",
                    date="2024-05-02",
                ),
            ],
        )
        svc.ingest_files([path], Submission(agency, f"{agency}-R", "H0", "all", "B2"))
    parties = build_parties(store)
    linked = dict(
        zip(
            parties.column("unique_id").to_pylist(),
            parties.column("counterparties").to_pylist(),
            strict=True,
        )
    )
    for agency in ("UK-NCA", "DE-BKA"):
        got = set(linked[f"{agency}.payer"])
        assert f"{ACCOUNT_LINK}GB33BUKB20201555555555" in got
        assert f"{agency}.blank" in got
        assert not [c for c in got if c.startswith(ACCOUNT_LINK) and len(c) - 1 < MIN_KEY_LENGTH]
    store.close()


def test_the_legs_of_one_transfer_make_its_ends_counterparts(tmp_path: Path) -> None:
    """A money-transfer shop's pay-in and pay-out carry one transfer number: the sender
    and the receiver are each other's counterparts, not only the shop's. Another
    agency's payment with the same number is another transfer, and a reader who may not
    see the pay-out does not learn the receiver through it; a number on more payments
    than a transfer has legs pairs no one."""
    from tests.conftest import entity, person, write_jsonl
    from undertow.resolve.records import MAX_LEGS
    from undertow.service import Submission
    from undertow.store import Store
    from undertow.store.scope import Scope

    def pay(eid: str, payer: str, payee: str, number: str = "4711-000001") -> dict[str, Any]:
        return entity(
            eid,
            "Payment",
            payer=payer,
            beneficiary=payee,
            amount="500",
            currency="EUR",
            date="2024-02-01",
            transactionNumber=number,
        )

    store = Store.open(tmp_path / "t.duckdb")
    svc = Service(store)
    ledger = [
        person("s", name="Hawkar Soran"),
        entity("shop", "Organization", name="Zagros Exchange"),
        person("r", name="Nasrin Soran"),
        pay("in", "s", "shop"),
    ]
    svc.ingest_files(
        [write_jsonl(tmp_path / "be.json", ledger)],
        Submission("BE-FJP", "BE-L1", "H0", "all", "B2"),
    )
    svc.ingest_files(
        [
            write_jsonl(
                tmp_path / "be2.json", [person("r", name="Nasrin Soran"), pay("out", "shop", "r")]
            )
        ],
        Submission("BE-FJP", "BE-L2", "H2", "BE-FJP", "B2"),
    )
    other = [person("x", name="Dara Hama"), person("y", name="Kawa Jaf"), pay("p", "x", "y")]
    # A batch reference on more payments than a transfer has legs.
    batch = range(MAX_LEGS + 1)
    other += [person(f"b{i}", name=f"Batch Payer {i}") for i in batch]
    other += [person(f"c{i}", name=f"Batch Payee {i}") for i in batch]
    for i in batch:
        other.append(pay(f"bp{i}", f"b{i}", f"c{i}", number="BATCH-1"))
    svc.ingest_files(
        [write_jsonl(tmp_path / "uk.json", other)],
        Submission("UK-NCA", "UK-1", "H0", "all", "B2"),
    )

    def linked(scope: Scope | None = None) -> dict[str, set[str]]:
        parties = build_parties(store, scope=scope)
        return {
            u: set(c or [])
            for u, c in zip(
                parties.column("unique_id").to_pylist(),
                parties.column("counterparties").to_pylist(),
                strict=True,
            )
        }

    everything = linked()
    assert everything["BE-FJP.s"] == {"BE-FJP.shop", "BE-FJP.r"}
    assert everything["BE-FJP.r"] == {"BE-FJP.shop", "BE-FJP.s"}
    assert everything["UK-NCA.x"] == {"UK-NCA.y"}
    assert everything["UK-NCA.b0"] == {"UK-NCA.c0"}
    uk = linked(Scope(agency="UK-NCA"))
    assert uk["BE-FJP.s"] == {"BE-FJP.shop"}
    store.close()
