"""Front business on hand-built payment tables: a car wash paid a collector's invoices and
paying the organiser, and the near misses a legitimate business makes."""

from __future__ import annotations

from typing import Any

import pyarrow as pa

from tests.flows.test_typologies import Row, lid, table
from undertow.flows.columns import NODES
from undertow.flows.engine import DuckDBEngine
from undertow.flows.typologies import Detection, FrontBusiness, scan

CUSTOMERS = 12


def takings(shop: str, eur: float, days: range = range(0, 60, 2)) -> list[Row]:
    """A business's everyday takings: a dozen customers, each paying ``eur`` in turn."""
    return [(f"cust{i % CUSTOMERS}", shop, day, eur + i % 5) for i, day in enumerate(days)]


def run(rows: list[Row], kinds: dict[str, str] | None = None) -> list[Detection]:
    engine = DuckDBEngine()
    engine.register("payments", table(rows))
    cols: dict[str, list[Any]] = {f.name: [] for f in NODES}
    for node, kind in sorted((kinds or {}).items()):
        for f in NODES:
            cols[f.name].append({"node": node, "schema": kind}.get(f.name))
    engine.register("nodes", pa.table(cols, schema=NODES))
    return scan(engine, [FrontBusiness()])


# A collector pays the car wash three invoices of 6,000 in a week; six days after the
# first, the car wash pays the organiser a "salary" of 9,000.
FRONT: list[Row] = [
    *takings("wash", 25.0),
    ("col", "wash", 20, 6000.0),
    ("col", "wash", 22, 6000.0),
    ("col", "wash", 25, 6000.0),
    ("wash", "boss", 26, 9000.0),
]


def test_invoices_far_above_the_takings_passed_on_to_a_person_are_a_front() -> None:
    (found,) = run(FRONT)
    assert found.typology == "front_business"
    assert "wash" in found.accounts
    assert {p[1] for p in found.payments} == {
        lid(r) for r in FRONT if "col" in r[:2] or "boss" in r[:2]
    }
    # Unusualness x passed, the best block's: 6,000 is over 200 times the takings
    # (nearly 1), and the block of the last two invoices (12,000) passed on 9,000.
    assert found.score == round((1 - 5 / (6000 / 27)) * 9000 / 12000, 4)


def test_a_business_used_to_such_sums_is_not_a_front() -> None:
    # A car dealer takes thousands from every customer: the invoices are its trade.
    dealer = [*takings("wash", 5000.0), *[r for r in FRONT if r[1] != "wash" or r[0] == "col"]]
    assert run(dealer) == []


def test_paying_a_company_or_the_payer_or_too_late_is_not_passing_it_on() -> None:
    assert run(FRONT, kinds={"boss": "Company"}) == []
    back = [r if r[1] != "boss" else ("wash", "col", 26, 9000.0) for r in FRONT]
    assert run(back) == []
    late = [r if r[1] != "boss" else ("wash", "boss", 40, 9000.0) for r in FRONT]
    assert run(late) == []
    # One invoice is a large order, not a sum cut into invoices.
    single = [r for r in FRONT if not (r[0] == "col" and r[2] > 20)]
    assert run([*single[:-1], ("wash", "boss", 26, 4000.0)]) == []


def test_two_fronts_at_once_are_weighed_person_by_person() -> None:
    # A second collector's block the same week, paid on to another man. Together the
    # pay-outs exceed either block; weighed person by person, both blocks are found (each
    # citing the pay-out that fits it best: here the larger, for both).
    rows = [
        *FRONT,
        ("col2", "wash", 21, 7000.0),
        ("col2", "wash", 23, 7000.0),
        ("wash", "boss2", 27, 12000.0),
    ]
    (found,) = run(rows)
    cited = {p[1] for p in found.payments}
    assert cited == {lid(r) for r in rows if "col" in r[0]} | {lid(rows[-1])}


def test_the_tables_name_the_business_as_the_reader_sees_it_and_the_line_does_not() -> None:
    from undertow.cli.flows import named
    from undertow.flows.analyses import find_typologies
    from undertow.flows.graph import PaymentTables
    from undertow.store.scope import Scope

    cols: dict[str, list[Any]] = {f.name: [] for f in NODES}
    for node, name in (("boss", None), ("wash", "BABYLON CAR CLEAN")):
        for f in NODES:
            cols[f.name].append({"node": node, "name": name}.get(f.name))
    tables = PaymentTables(table(FRONT), pa.table(cols, schema=NODES))
    no_store: Any = None  # the tables are given: nothing is read
    (found,) = find_typologies(no_store, Scope.everything(), tables)
    assert found.names == ("BABYLON CAR CLEAN",)
    assert named(found) == ["BABYLON CAR CLEAN (wash)"]
    assert "names" not in found.to_dict()
    # A node without a name the reader may see is shown by its id alone.
    bare = Detection("front_business", 0.5, ("wash", "boss"), (), names=(None, None))
    assert named(bare) == ["wash", "boss"]
