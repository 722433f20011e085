"""Behind the scenes on a hand-built case: the money of a boat's passengers, followed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from tests.conftest import entity as ent
from tests.conftest import person, write_jsonl
from tests.flows import ledger
from undertow.flows.analyses import rank_organisers
from undertow.flows.columns import NODES
from undertow.flows.frontline import FrontLine, front_line
from undertow.flows.graph import PaymentTables
from undertow.flows.rank import Ranked, rank
from undertow.flows.typologies import Detection
from undertow.service import Service, Submission
from undertow.store import Store
from undertow.store.scope import Scope

MIGRANTS = ["m1", "m2", "m3", "m4", "m5"]


def pay(eid: str, payer: str, payee: str, amount: int, day: str) -> dict[str, Any]:
    return ent(
        eid,
        "Payment",
        payer=payer,
        beneficiary=payee,
        amount=str(amount),
        currency="EUR",
        date=day,
    )


@pytest.fixture
def store(tmp_path: Path) -> Store:
    names = {
        "m1": "Hawre Aziz",
        "m2": "Bryar Salih",
        "m3": "Dilan Omar",
        "m4": "Rebin Hassan",
        "m5": "Aso Kamal",
        "col": "Karwan Collector",
        "mule1": "Ari Mule",
        "mule2": "Sherzad Mule",
        "org": "Goran Organiser",
        "grocer": "Corner Grocer Ltd",
        "honest": "Nina Customer",
    }
    entities: list[dict[str, Any]] = [person(k, name=v) for k, v in names.items() if k != "grocer"]
    entities.append(ent("grocer", "Company", name=names["grocer"]))
    entities.append(ent("car-dealer", "Company", name="Fast Cars GmbH"))
    # The boat: five people aboard, which is what makes them the front line. Border
    # Force's record of it is not released to other agencies.
    boat = [ent("trip-1", "Trip", name="Arrival 3 May", date="2024-05-03", involved=MIGRANTS)]
    # Each passenger pays the collector; the collector also buys groceries.
    entities += [
        pay(f"fare-{m}", m, "col", 2500, f"2024-04-0{i + 1}") for i, m in enumerate(MIGRANTS)
    ]
    entities += [
        pay("up-1", "col", "mule1", 6000, "2024-04-10"),
        pay("up-2", "col", "mule2", 6000, "2024-04-11"),
        pay("up-3", "mule1", "org", 5900, "2024-04-12"),
        pay("up-4", "mule2", "org", 5900, "2024-04-13"),
        pay("buy", "org", "car-dealer", 4000, "2024-04-20"),
        pay("food", "col", "grocer", 200, "2024-04-14"),
        # The grocer's ordinary trade: many honest customers.
        *[pay(f"shop-{i}", "honest", "grocer", 40, f"2024-04-{10 + i}") for i in range(15)],
    ]
    path = write_jsonl(tmp_path / "case.json", entities)
    s = Store.open(tmp_path / "r.duckdb")
    svc = Service(s)
    svc.ingest_files([path], Submission("UK-NCA", "R-1", "H1", "all", "B2"))
    boat_file = write_jsonl(tmp_path / "boat.json", boat)
    svc.ingest_files([boat_file], Submission("UK-NCA", "R-2", "H2", "UK-NCA", "B2"))
    svc.resolve(retrain=True)
    return s


def test_the_front_line_is_the_boat_and_who_dealt_with_it(store: Store) -> None:
    front = front_line(store, Scope.everything())
    assert len(front.present) == len(MIGRANTS)


def test_the_organiser_outranks_the_collector_and_migrants_are_never_ranked(
    store: Store,
) -> None:
    ranking = rank(store, Scope.everything(), top=10)
    names = [r.name for r in ranking.rows]
    assert names[0] == "Goran Organiser"
    assert "Karwan Collector" in names
    top = ranking.rows[0].evidence
    assert top["spent_on_purchases_eur"] == pytest.approx(4000, rel=0.01)
    assert top["front_line"] == []
    collector = next(r for r in ranking.rows if r.name == "Karwan Collector")
    assert "took customer money first-hand" in collector.evidence["front_line"]
    migrants = {"Hawre Aziz", "Bryar Salih", "Dilan Omar", "Rebin Hassan", "Aso Kamal"}
    assert not migrants & set(names)
    # The grocer took a little of it, among much honest trade: below the mules' boss.
    grocer = [r for r in ranking.rows if r.name == "Corner Grocer Ltd"]
    assert not grocer or grocer[0].score < ranking.rows[0].score / 10


def test_a_reader_who_may_not_see_the_boat_has_no_front_line_to_follow(store: Store) -> None:
    assert front_line(store, Scope.of_agency("UK-NCA")).present
    assert not front_line(store, Scope.of_agency("DE-BKA")).present
    ranking = rank(store, Scope.of_agency("DE-BKA"))
    assert ranking.rows == []
    assert ranking.seed_payments == 0


def test_a_crossing_seeds_a_trace_with_everyone_aboard(store: Store) -> None:
    from undertow.errors import NotFoundError
    from undertow.flows.analyses import trace_money

    report = trace_money(store, Scope.of_agency("UK-NCA"), ["UK-NCA.trip-1"], hops=2)
    assert len(report.trace.seeds) == len(MIGRANTS)
    assert report.trace.seed_total == pytest.approx(2500 * len(MIGRANTS))
    names = {d["name"] for d in report.nodes.values()}
    assert {"Karwan Collector", "Ari Mule", "Sherzad Mule"} <= names
    # Another agency may not see the crossing: it is not there for them at all.
    with pytest.raises(NotFoundError, match="no entity"):
        trace_money(store, Scope.of_agency("DE-BKA"), ["UK-NCA.trip-1"])


# -- the score's parts, on hand-built payment tables ---------------------------------

PRESENT = {"m1", "m2", "m3", "m4", "m5"}


def _tables(rows: list[tuple[Any, ...]], kinds: dict[str, str]) -> PaymentTables:
    pays = ledger.payments(rows)
    nodes = sorted(set(pays.column("src").to_pylist()) | set(pays.column("dst").to_pylist()))
    table = pa.table(
        {
            "node": nodes,
            "name": nodes,
            "schema": [kinds.get(n, "Person") for n in nodes],
            "country": [None] * len(nodes),
            "role": [None] * len(nodes),
            "notice": [None] * len(nodes),
        },
        schema=NODES,
    )
    return PaymentTables(pays, table)


def _fares() -> list[tuple[Any, ...]]:
    return [(m, "col", i, 2000.0) for i, m in enumerate(sorted(PRESENT))]


def _rank(tables: PaymentTables, **kw: Any) -> dict[str, Ranked]:
    front = FrontLine(present=set(PRESENT))
    ranking = rank(None, Scope.everything(), tables=tables, front=front, top=50, **kw)  # type: ignore[arg-type]
    return ranking.reached


def test_a_recipient_paid_out_by_a_hawala_shop_keeps_it_and_the_shop_does_not() -> None:
    # A ledger names shop and recipient alike as legal entities of no known kind: the
    # shop is the one paying out by hawala to several people.
    hawala = {"channel": "hawala"}
    rows = [
        *_fares(),
        ("col", "shop", 6, 9000.0, hawala),
        ("shop", "fin", 7, 8000.0, hawala),
        ("shop", "r1", 8, 500.0, hawala),
        ("shop", "r2", 9, 400.0, hawala),
    ]
    reached = _rank(_tables(rows, {"shop": "LegalEntity", "fin": "LegalEntity"}))
    assert reached["fin"].evidence["kept_eur"] == pytest.approx(8000, rel=0.01)
    assert reached["shop"].evidence["kept_eur"] == 0
    assert reached["fin"].score > reached["col"].score


def test_what_a_front_passes_on_to_the_network_was_not_spent() -> None:
    # The mule pays a front company, which passes nine tenths on to the boss, and a car
    # dealer, who keeps it: what the front passes on was not spent.
    rows = [
        *_fares(),
        ("col", "mule", 6, 9000.0),
        ("mule", "front", 7, 4000.0),
        ("mule", "dealer", 8, 4000.0),
        ("front", "boss", 9, 3600.0),
    ]
    reached = _rank(_tables(rows, {"front": "Company", "dealer": "Company"}))
    spent = reached["mule"].evidence["spent_on_purchases_eur"]
    assert spent == pytest.approx(4000 + 400, rel=0.01)
    assert reached["boss"].evidence["kept_eur"] == pytest.approx(3600, rel=0.01)


def test_a_payment_a_laundering_typology_cites_is_not_a_purchase() -> None:
    # The mule's invoice to the front is a pass-through's second leg: money moving on.
    # The front keeps half of it (no onward payment recorded), which would otherwise
    # count as the mule's spending; his car from the dealer still does.
    rows = [
        *_fares(),
        ("col", "mule", 6, 9000.0),
        ("mule", "front", 6, 4000.0),
        ("mule", "dealer", 8, 4000.0),
        ("front", "boss", 9, 2000.0),
    ]
    tables = _tables(rows, {"front": "Company", "dealer": "Company"})
    plain = _rank(tables)
    assert plain["mule"].evidence["spent_on_purchases_eur"] == pytest.approx(4000 + 2000, rel=0.01)
    passed = {"T.p6", "T.p7"}  # the collector's payment in, the invoice out
    cited = _rank(tables, laundering_payments=passed)
    # Seeded and reached from the fares, the collector's payment is counted once.
    assert cited["mule"].evidence["customer_money_received_eur"] == pytest.approx(9000)
    assert cited["mule"].evidence["spent_on_purchases_eur"] == pytest.approx(4000, rel=0.01)
    assert cited["mule"].score < plain["mule"].score
    assert cited["boss"].evidence["kept_eur"] == pytest.approx(2000, rel=0.01)


def test_a_node_a_laundering_pattern_shows_paying_on_keeps_nothing_it_brought() -> None:
    # The collector pays a mule 9,000; the mule passes 4,000 on to the boss at once and
    # the rest in ways no record shows. Without the scan the mule "keeps" 5,000; with a
    # pass-through detection citing both legs, that money is in transit at the mule.
    rows = [*_fares(), ("col", "mule", 6, 9000.0), ("mule", "boss", 7, 4000.0)]
    tables = _tables(rows, {})
    scope, front = Scope.everything(), FrontLine(present=set(PRESENT))
    plain = rank_organisers(None, scope, tables=tables, found=[], front=front)  # type: ignore[arg-type]
    assert plain.reached["mule"].evidence["kept_eur"] == pytest.approx(5000, rel=0.01)
    legs = Detection("pass_through", 0.9, ("mule",), (("UK-NCA", "p6"), ("UK-NCA", "p7")))
    found = rank_organisers(None, scope, tables=tables, found=[legs], front=front)  # type: ignore[arg-type]
    mule, boss = found.reached["mule"], found.reached["boss"]
    assert mule.evidence["kept_eur"] == 0
    assert mule.evidence["in_transit_eur"] == pytest.approx(9000, rel=0.01)
    assert boss.evidence["kept_eur"] == pytest.approx(4000, rel=0.01)
    assert [r.canonical_id for r in found.rows][:1] == ["boss"]
    # The payee at the end of the pattern pays nothing on in it: he keeps it.
    assert boss.evidence["in_transit_eur"] == 0


def test_a_business_at_the_end_of_a_laundering_pattern_keeps_none_of_it() -> None:
    # A conduit takes the collector's 9,000 and pays 8,500 of it to a money-transfer
    # business within a day. Without the scan the business "keeps" it; with a
    # pass-through citing both legs the money is moving (sent abroad, or spent on a
    # car: a business mixes it with its clientele's money), and a person paid the same
    # way still keeps it.
    rows = [*_fares(), ("col", "conduit", 6, 9000.0), ("conduit", "msb", 7, 8500.0)]
    scope, front = Scope.everything(), FrontLine(present=set(PRESENT))
    legs = Detection("pass_through", 0.9, ("conduit",), (("UK-NCA", "p6"), ("UK-NCA", "p7")))
    business = _tables(rows, {"msb": "Company"})
    plain = rank_organisers(None, scope, tables=business, found=[], front=front)  # type: ignore[arg-type]
    assert plain.reached["msb"].evidence["kept_eur"] == pytest.approx(8500, rel=0.01)
    found = rank_organisers(None, scope, tables=business, found=[legs], front=front)  # type: ignore[arg-type]
    assert found.reached["msb"].evidence["kept_eur"] == 0
    assert found.reached["msb"].evidence["in_transit_eur"] == pytest.approx(8500, rel=0.01)
    person = rank_organisers(None, scope, tables=_tables(rows, {}), found=[legs], front=front)  # type: ignore[arg-type]
    assert person.reached["msb"].evidence["kept_eur"] == pytest.approx(8500, rel=0.01)


def test_hawala_mirror_settlement_is_not_taken_for_smuggling_money() -> None:
    # Two honest shops settle a relative's remittance by mirrored hawala: the scan may
    # find it, but the recipient is no organiser.
    hawala = {"channel": "hawala"}
    rows = [
        *_fares(),
        ("col", "boss", 6, 9000.0),
        ("aunt", "shop-gb", 10, 3000.0, hawala),
        ("shop-iq", "nephew", 11, 2990.0, hawala),
    ]
    tables = _tables(rows, {"shop-gb": "Company", "shop-iq": "Company"})
    mirror = Detection(
        "hawala_mirror", 0.9, ("shop-gb", "shop-iq"), (("UK-NCA", "p7"), ("UK-NCA", "p8"))
    )
    structuring = Detection("structuring", 0.9, ("aunt",), (("UK-NCA", "p7"),))
    front = FrontLine(present=set(PRESENT))
    scope = Scope.everything()
    plain = rank_organisers(None, scope, tables=tables, found=[mirror], front=front)  # type: ignore[arg-type]
    assert "nephew" not in plain.reached
    assert "shop-gb" not in plain.reached
    assert "boss" in plain.reached
    # Laundering typologies' payments are still how the money travels.
    other = rank_organisers(None, scope, tables=tables, found=[structuring], front=front)  # type: ignore[arg-type]
    assert "shop-gb" in other.reached


def test_laundering_evidence_alone_is_followed_where_no_front_line_is_seen() -> None:
    # A reader who may see no crossing still has the scan's evidence: structured
    # transfers to one man are smuggling money on their way up.
    rows = [(f"smurf{i}", "boss", i, 9500.0) for i in range(4)]
    tables = _tables(rows, {})
    structured = set(tables.payments.column("payment").to_pylist())
    no_store: Any = None  # the tables and front line are given: nothing is read
    ranking = rank(
        no_store,
        Scope.everything(),
        tables=tables,
        front=FrontLine(),
        laundering_payments=structured,
    )
    assert [r.canonical_id for r in ranking.rows] == ["boss"]
    assert ranking.seed_payments == 4
