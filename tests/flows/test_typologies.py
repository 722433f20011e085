"""Typology scans on hand-built payment tables where the right answer is known: one
pattern and its near misses per typology, amounts in mixed currencies, and the same
detections on Spark as on DuckDB."""

from __future__ import annotations

from typing import Any

import pyarrow as pa
import pytest

from tests.flows.ledger import payments
from undertow.errors import ConfigError
from undertow.flows.columns import NODES
from undertow.flows.engine import DuckDBEngine, Engine, SparkEngine
from undertow.flows.typologies import (
    DEFAULT_SPECS,
    Cycle,
    Detection,
    FanIn,
    FanOut,
    GatherScatter,
    HawalaMirror,
    PassThrough,
    ScatterGather,
    Structuring,
    Typology,
    scan,
)

# (src, dst, day, eur) and optionally a dict of other columns, as in ``ledger``.
Row = tuple[Any, ...]
LedgerRow = tuple[str, str, int, float] | tuple[str, str, int, float, dict[str, object]]


def lid(row: Row) -> str:
    """The local id a row is given: who paid whom on which day."""
    return f"{row[0]}>{row[1]}@{row[2]}"


def table(rows: list[Row]) -> pa.Table:
    """Payments ordered by day (as ``seq`` is), each with its :func:`lid`."""
    ordered = sorted(rows, key=lambda r: (r[2], lid(r)))
    ids = [lid(r) for r in ordered]
    assert len(set(ids)) == len(ids), "two rows with one id"
    out: list[LedgerRow] = []
    for row in ordered:
        extra: dict[str, object] = dict(row[4]) if len(row) > 4 else {}
        extra.setdefault("local_id", lid(row))
        out.append((row[0], row[1], row[2], row[3], extra))
    return payments(out)


def nodes(countries: dict[str, str]) -> pa.Table:
    cols: dict[str, list[Any]] = {f.name: [] for f in NODES}
    for node, country in sorted(countries.items()):
        for f in NODES:
            cols[f.name].append({"node": node, "country": country}.get(f.name))
    return pa.table(cols, schema=NODES)


def run(
    rows: list[Row],
    *specs: Typology,
    countries: dict[str, str] | None = None,
    engine: Engine | None = None,
) -> list[Detection]:
    engine = engine or DuckDBEngine()
    engine.register("payments", table(rows))
    engine.register("nodes", nodes(countries or {}))
    try:
        return scan(engine, list(specs) if specs else None)
    finally:
        engine.drop("payments")
        engine.drop("nodes")


def ids(detection: Detection) -> set[str]:
    return {local_id for _, local_id in detection.payments}


# -- fan-in ---------------------------------------------------------------------------

# Six relatives pay one collector a fare of about EUR 2,500 within a week.
FARES: list[Row] = [
    (f"rel{i}", "C", 10 + i, amount)
    for i, amount in enumerate([2400.0, 2500.0, 2450.0, 2600.0, 2550.0, 2500.0])
]


def steady_shop(node: str, weeks: int = 26) -> list[Row]:
    """A travel agency: three new customers a week, each paying EUR 500-700."""
    return [
        (f"{node}-cust{w}-{k}", node, 7 * w + 2 * k, 500.0 + ((w * 3 + k) * 37) % 200)
        for w in range(weeks)
        for k in range(3)
    ]


def test_fan_in_finds_fares_paid_to_a_collector() -> None:
    (found,) = run(FARES, FanIn())
    assert found.typology == "fan_in"
    assert found.accounts == ("C",)
    assert ids(found) == {lid(r) for r in FARES}
    # volume 6/10, stand-out 1 - 1/6 (no history), band share 1, all payers new
    assert found.score == pytest.approx(0.6 * (1 - 1 / 6), abs=1e-4)


def test_fan_in_names_the_collecting_account_as_well_as_its_holder() -> None:
    fares: list[Row] = [(*r[:4], {"dst_account": "C-iban"}) for r in FARES]
    (found,) = run(fares, FanIn())
    assert found.accounts == ("C", "C-iban")


def test_a_busy_shop_with_steady_customers_is_not_a_fan_in() -> None:
    # Six payers in band in every fortnight, as in the burst above, but every fortnight.
    assert run(steady_shop("S"), FanIn()) == []


def test_a_burst_of_fares_stands_out_at_an_otherwise_steady_shop() -> None:
    burst = [(f"rel{i}", "S", 60 + i // 2, 2500.0 + 10 * i) for i in range(10)]
    (found,) = run(steady_shop("S") + burst, FanIn())
    assert ids(found) == {lid(r) for r in burst}


def test_fan_in_near_misses() -> None:
    too_few = FARES[:4]
    assert run(too_few, FanIn()) == []
    # Six payers, but amounts all over the place: no price band.
    spread = [(f"p{i}", "C", 10 + i, a) for i, a in enumerate([300, 900, 2500, 5000, 8000, 12000])]
    assert run(spread, FanIn()) == []
    # The fares drowned in a day-to-day trade of small payments: not a band of its own.
    small = [(f"s{i}", "C", 8 + i % 10, 20.0 + i) for i in range(30)]
    assert run(FARES + small, FanIn()) == []
    # The same six spread over two months: no window holds five of them.
    slow = [(f"rel{i}", "C", 12 * i, 2500.0) for i in range(6)]
    assert run(slow, FanIn()) == []


def test_a_burst_across_a_window_boundary_is_one_detection() -> None:
    # Windows count days from 1970: the first grid's start on days 3, 17, ... of 2024
    # and the second grid's on days 10, 24, ... (and -4). Eight fares on days 0-7: the
    # first grid sees five of them (days 3-7), the second all eight. Both windows
    # report; they share payments, so they are one detection.
    fares: list[Row] = [(f"rel{i}", "C", i, 2500.0) for i in range(8)]
    (found,) = run(fares, FanIn())
    assert ids(found) == {lid(r) for r in fares}


def test_month_precise_payments_do_not_make_a_burst() -> None:
    vague: list[Row] = [(*r[:4], {"day_precision": "month"}) for r in FARES]
    assert run(vague, FanIn()) == []


def test_mixed_currencies_are_compared_in_euros() -> None:
    # The same fare paid in six currencies: amounts differ, euros agree.
    fares: list[Row] = [
        ("rel0", "C", 10, 2500.0, {"currency": "GBP", "amount": 2130.0}),
        ("rel1", "C", 11, 2480.0, {"currency": "USD", "amount": 2700.0}),
        ("rel2", "C", 11, 2520.0),
        ("rel3", "C", 12, 2490.0, {"currency": "MAD", "amount": 27000.0}),
        ("rel4", "C", 13, 2510.0, {"currency": "TRY", "amount": 88000.0}),
        ("rel5", "C", 14, 2500.0, {"currency": "SEK", "amount": 28500.0}),
    ]
    (found,) = run(fares, FanIn())
    assert len(found.payments) == 6
    # Taken at face value they would not be one band: 2,130 to 88,000.
    native: list[Row] = [(*r[:3], r[4]["amount"]) if len(r) > 4 else r for r in fares]
    assert run(native, FanIn()) == []


# -- fan-out --------------------------------------------------------------------------


def test_fan_out_finds_takings_paid_to_many() -> None:
    rows: list[Row] = [("X", "O", 19, 12000.0)] + [
        ("O", f"crew{i}", 20 + i, 1000.0 + 300 * i) for i in range(6)
    ]
    (found,) = run(rows, FanOut())
    assert found.accounts == ("O",)
    assert ids(found) == {lid(r) for r in rows[1:]}


def test_a_monthly_payroll_is_not_a_fan_out() -> None:
    rows: list[Row] = [
        ("Co", f"staff{i}", 28 + 30 * m, 2000.0 + 100 * i) for m in range(12) for i in range(6)
    ]
    assert run(rows, FanOut()) == []


# -- pass-through ---------------------------------------------------------------------

MULE: list[Row] = [
    ("X", "M", 10, 8000.0),
    ("M", "Y", 11, 4000.0),
    ("M", "Z", 12, 3800.0),
]


def test_pass_through_finds_money_that_leaves_within_days() -> None:
    (found,) = run(MULE, PassThrough())
    assert found.accounts == ("M",)
    assert ids(found) == {lid(r) for r in MULE}
    assert found.score == pytest.approx(7800 / 8000, abs=1e-4)


def test_pass_through_near_misses() -> None:
    late: list[Row] = [("X", "M", 10, 8000.0), ("M", "Y", 16, 4000.0), ("M", "Z", 17, 3800.0)]
    assert run(late, PassThrough()) == []
    kept: list[Row] = [("X", "M", 10, 8000.0), ("M", "Y", 11, 2000.0)]
    assert run(kept, PassThrough()) == []
    # Wages spent in many small payments: the block does not move on.
    wages: list[Row] = [("Employer", "W", 10, 2000.0)] + [
        ("W", f"shop{i}", 10 + i // 4, 90.0) for i in range(18)
    ]
    assert run(wages, PassThrough()) == []
    # Money returned to the payer is a refund, not a pass-through.
    refund: list[Row] = [("X", "M", 10, 8000.0), ("M", "X", 11, 7900.0)]
    assert run(refund, PassThrough()) == []
    # A business paying out of a balance fed by many: no one arrival explains it.
    busy: list[Row] = [(f"c{i}", "B", 10 + i % 5, 2000.0) for i in range(10)] + [
        ("B", "supplier", 12, 9000.0)
    ]
    assert run(busy, PassThrough()) == []


# A conduit fed by two payers within days, passing each block on (no one arrival is
# most of its inflow), after paying out money no record shows it receiving.
CONDUIT: list[Row] = [
    ("K", "KQ", 1, 20000.0),
    ("KX", "K", 10, 9000.0),
    ("KW", "K", 12, 8000.0),
    ("K", "KY", 12, 8900.0),
    ("K", "KZ", 14, 7800.0),
]


def test_pass_through_reads_the_balance_first_in_first_out() -> None:
    (found,) = run(CONDUIT, PassThrough())
    assert found.accounts == ("K",)
    # KY's 8,900 and the first 100 of KZ's carry KX's 9,000; the rest of KZ's carries
    # 7,700 of KW's 8,000. KQ's pay-out, from money the records do not show, carries
    # neither and is not cited.
    assert ids(found) == {lid(r) for r in CONDUIT[1:]}
    assert found.score == pytest.approx(1.0)


def test_pass_through_pays_out_the_oldest_money_first() -> None:
    # The pay-out the day after W's arrival carries X's money, which sat for ten days.
    sat: list[Row] = [("X", "M", 10, 8000.0), ("W", "M", 20, 8000.0), ("M", "Y", 21, 8000.0)]
    assert run(sat, PassThrough()) == []
    # Money paid out before it arrived is not passed through.
    early: list[Row] = [("M", "Y", 9, 7900.0), ("X", "M", 10, 8000.0)]
    assert run(early, PassThrough()) == []
    # A shortfall later on (money the records do not show coming in) does not reach
    # back to an arrival that had already left.
    later: list[Row] = [("X", "M", 10, 8000.0), ("M", "Y", 11, 7900.0), ("M", "Q", 40, 20000.0)]
    (found,) = run(later, PassThrough())
    assert ids(found) == {lid(later[0]), lid(later[1])}
    assert found.score == pytest.approx(7900 / 8000, abs=1e-4)


def test_pass_through_leaves_a_business_with_a_clientele_aside() -> None:
    # The same blocks from four payers are a conduit's; from ten, a business's takings.
    for payers, expected in ((4, 1), (10, 0)):
        rows: list[Row] = [(f"c{i}", "B", 10 + i % 3, 8000.0 / payers) for i in range(payers)] + [
            ("B", "supplier", 12, 7900.0)
        ]
        assert len(run(rows, PassThrough())) == expected
    # Blocks that are a small part of the inflow: a node living on small payments.
    small: list[Row] = [(f"p{i}", "N", 10, 400.0) for i in range(9)] + [
        ("X", "N", 10, 1000.0),
        ("N", "Y", 11, 4000.0),
    ]
    assert run(small, PassThrough()) == []


def test_pass_through_refuses_bad_parameters() -> None:
    with pytest.raises(ConfigError):
        PassThrough(max_payers=0)
    with pytest.raises(ConfigError):
        PassThrough(min_blocks=1.5)


# -- structuring ----------------------------------------------------------------------


def test_structuring_finds_repeated_amounts_just_under_a_threshold() -> None:
    rows: list[Row] = [
        ("P", "acc1", 3, 9800.0),
        ("P", "acc2", 5, 9500.0),
        ("P", "acc3", 9, 9900.0),
        ("P", "acc4", 14, 9700.0),
    ]
    (found,) = run(rows, Structuring())
    assert "P" in found.accounts
    assert ids(found) == {lid(r) for r in rows}
    assert found.score == pytest.approx(4 / 6, abs=1e-4)


def test_structuring_near_misses() -> None:
    rent: list[Row] = [("T", "landlord", 30 * m, 950.0) for m in range(12)]
    assert run(rent, Structuring()) == []
    # Amounts on both sides of the threshold: nothing piles up below it.
    both: list[Row] = [
        ("Q", f"s{i}", 2 * i, a)
        for i, a in enumerate([950.0, 1020.0, 980.0, 1050.0, 960.0, 1010.0])
    ]
    assert run(both, Structuring()) == []
    # A shop whose many customers each pay just under the threshold: the customers are
    # not splitting one sum, and the shop is not the one who pays.
    shop: list[Row] = [(f"c{i}", "Shop", i, 950.0 + i) for i in range(10)]
    assert run(shop, Structuring()) == []
    # Well under the threshold is not just under it.
    low: list[Row] = [("R", f"s{i}", 2 * i, 7000.0) for i in range(5)]
    assert run(low, Structuring()) == []


def test_structuring_uses_each_currency_s_own_threshold() -> None:
    # GBP 9,500 is under the GBP 10,000 declaration threshold, though over EUR 10,000.
    pounds: list[Row] = [
        ("P", f"acc{i}", 2 * i, 11100.0, {"currency": "GBP", "amount": 9500.0 + 100 * i})
        for i in range(3)
    ]
    (found,) = run(pounds, Structuring())
    assert len(found.payments) == 3
    # A currency without thresholds of its own is held against the euro ones.
    francs: list[Row] = [
        ("F", f"acc{i}", 2 * i, 9600.0, {"currency": "CHF", "amount": 9000.0}) for i in range(3)
    ]
    assert len(run(francs, Structuring())) == 1


# -- cycle ----------------------------------------------------------------------------


def test_cycle_finds_money_returning_to_its_origin() -> None:
    rows: list[Row] = [("A", "B", 1, 5000.0), ("B", "C", 3, 4800.0), ("C", "A", 6, 4600.0)]
    (found,) = run(rows, Cycle())
    assert found.accounts == ("A", "B", "C")
    assert ids(found) == {lid(r) for r in rows}
    assert found.score == pytest.approx(4600 / 5000 * (1 - 5 / 62), abs=1e-4)


def test_a_four_hop_cycle_is_found_and_a_two_hop_one_weighs_half() -> None:
    four: list[Row] = [
        ("A", "B", 1, 5000.0),
        ("B", "C", 2, 5000.0),
        ("C", "D", 3, 5000.0),
        ("D", "A", 4, 5000.0),
    ]
    (found,) = run(four, Cycle())
    assert found.accounts == ("A", "B", "C", "D")
    assert run(four, Cycle(max_hops=3)) == []
    (two,) = run([("A", "B", 1, 5000.0), ("B", "A", 4, 5000.0)], Cycle())
    assert two.score == pytest.approx(0.5 * (1 - 3 / 62), abs=1e-4)


def test_a_return_payment_before_the_outgoing_one_closes_no_cycle() -> None:
    # A pays B, and B pays C on day 3; but C paid A on day 2, before the money got there.
    rows: list[Row] = [("A", "B", 1, 5000.0), ("C", "A", 2, 4800.0), ("B", "C", 3, 4900.0)]
    assert run(rows, Cycle()) == []
    # Too slow, or too little of the money coming back, is no cycle either.
    slow: list[Row] = [("A", "B", 1, 5000.0), ("B", "C", 20, 4800.0), ("C", "A", 40, 4600.0)]
    assert run(slow, Cycle()) == []
    leak: list[Row] = [("A", "B", 1, 5000.0), ("B", "C", 3, 1000.0), ("C", "A", 6, 1000.0)]
    assert run(leak, Cycle()) == []


def test_cycles_are_not_followed_through_a_pool() -> None:
    # H pays out sixty payments of a size like the one it got, that month: which of
    # them carries A's money on is anyone's guess (H -> C is still the closest match).
    rows: list[Row] = [("A", "H", 1, 5000.0), ("H", "C", 3, 4900.0), ("C", "A", 6, 4800.0)]
    assert len(run(rows, Cycle())) == 1
    pool = [("H", f"x{i}", 2 + i % 20, 4000.0 + i) for i in range(60)]
    assert len(run(rows + pool[:20], Cycle())) == 1
    assert run(rows + pool, Cycle()) == []


# -- scatter-gather -------------------------------------------------------------------


def scatter(dst: str = "D", delay: int = 2, mules: int = 3) -> list[Row]:
    rows: list[Row] = []
    for i in range(mules):
        rows.append(("S", f"I{i}", 1 + i, 3000.0))
        rows.append((f"I{i}", dst, 1 + i + delay, 2900.0))
    return rows


def test_scatter_gather_finds_money_split_and_brought_together() -> None:
    rows = scatter()
    (found,) = run(rows, ScatterGather())
    assert found.accounts == ("D", "I0", "I1", "I2", "S")
    assert ids(found) == {lid(r) for r in rows}
    assert found.score == pytest.approx(0.5, abs=1e-4)  # volume 3/6, focus 1, exclusive


def test_scatter_gather_near_misses() -> None:
    assert run(scatter(mules=2), ScatterGather()) == []
    assert run(scatter(delay=9), ScatterGather()) == []
    # Each intermediary keeps most of what it got.
    kept = [(s, d, day, 900.0 if s.startswith("I") else eur) for s, d, day, eur, *_ in scatter()]
    assert run(kept, ScatterGather()) == []


def test_scatter_gather_to_a_busy_destination_scores_lower() -> None:
    (alone,) = run(scatter(), ScatterGather())
    busy = scatter() + [(f"other{i}", "D", 2 + i, 3000.0) for i in range(6)]
    (crowded,) = run(busy, ScatterGather())
    assert ids(crowded) == ids(alone)
    assert crowded.score < alone.score / 2


# -- gather-scatter -------------------------------------------------------------------


def gather_scatter(start: int = 1, tag: str = "") -> list[Row]:
    ins: list[Row] = [(f"payer{tag}{i}", "H", start + i, 2000.0) for i in range(5)]
    outs: list[Row] = [("H", f"payee{tag}{i}", start + 5 + i, 1900.0) for i in range(5)]
    return ins + outs


def test_gather_scatter_finds_a_short_lived_hub() -> None:
    rows = gather_scatter()
    (found,) = run(rows, GatherScatter())
    assert found.accounts == ("H",)
    assert ids(found) == {lid(r) for r in rows}


def test_gather_scatter_near_misses() -> None:
    # The hub keeps the money, paying only two others.
    kept = [*gather_scatter()[:5], ("H", "a", 8, 1900.0), ("H", "b", 9, 1900.0)]
    assert run(kept, GatherScatter()) == []
    # A trading business doing the same every fortnight for a year: its usual pace.
    trade = [r for k in range(26) for r in gather_scatter(start=14 * k, tag=f"w{k}-")]
    assert run(trade, GatherScatter()) == []


# -- hawala mirror --------------------------------------------------------------------

SHOPS = {"A": "gb", "B": "tr"}


def hawala(n: int = 4, **extra: object) -> list[Row]:
    rows: list[Row] = []
    for i in range(n):
        amount = 1500.0 + 400 * i
        rows.append((f"cust{i}", "A", 10 + 5 * i, amount, dict(extra)))
        rows.append(("B", f"benef{i}", 11 + 5 * i, round(amount * 0.98, 2), dict(extra)))
    return rows


def test_hawala_mirror_finds_pay_ins_matched_by_pay_outs_abroad() -> None:
    rows = hawala()
    (found,) = run(rows, HawalaMirror(), countries=SHOPS)
    assert found.accounts == ("A", "B")
    assert ids(found) == {lid(r) for r in rows}
    # Four pairs, none by chance: volume 4/6, specificity 1, no references.
    assert found.score == pytest.approx(4 / 6, abs=1e-4)


def test_hawala_mirror_near_misses() -> None:
    # The shops in one country, or not known to be in two.
    assert run(hawala(), HawalaMirror(), countries={"A": "gb", "B": "gb"}) == []
    assert run(hawala(), HawalaMirror(), countries={"A": "gb"}) == []
    # A transfer between them: the money moved, it was not mirrored.
    moved = hawala() + [("A", "B", 10 + 5 * i, 1500.0 + 400 * i) for i in range(4)]
    assert run(moved, HawalaMirror(), countries=SHOPS) == []
    # Two pairs are not yet a pattern.
    assert run(hawala(n=2), HawalaMirror(), countries=SHOPS) == []
    # Pay-outs too far from the pay-in's amount.
    off = [(s, d, day, eur * 0.8 if s == "B" else eur) for s, d, day, eur, *_ in hawala()]
    assert run(off, HawalaMirror(), countries=SHOPS) == []


def test_busy_shops_matching_by_chance_are_not_a_hawala_pair() -> None:
    # B pays out each amount A takes in within a day after it -- and as often in each
    # stretch of four days before it, when the pay-out cannot be settling the pay-in.
    rows = hawala()
    rows += [
        ("B", f"early{i}-{k}", 9 + 5 * i - 4 * k, round((1500.0 + 400 * i) * 1.01, 2))
        for i in range(4)
        for k in range(4)
    ]
    assert run(rows, HawalaMirror(), countries=SHOPS) == []
    # Once in the four stretches is chance at a quarter of the rate: still a pattern.
    rows = hawala() + [
        ("B", f"early{i}", 9 + 5 * i, round((1500.0 + 400 * i) * 1.01, 2)) for i in range(4)
    ]
    (found,) = run(rows, HawalaMirror(), countries=SHOPS)
    assert found.score == pytest.approx(4 / 6 * 0.75, abs=1e-4)


def referenced(n: int = 3, label: str | None = None) -> list[Row]:
    """Mirror pairs whose pay-outs are 15% short of the pay-ins (a steep commission, a
    bad rate): too far apart to match by amount, tied by the ledger's numbers."""
    rows: list[Row] = []
    for i in range(n):
        ref = {"reference": label or f"HW-{7781 + i}"}
        rows.append((f"cust{i}", "A", 10 + 5 * i, 3000.0 + 500 * i, ref))
        rows.append(("B", f"benef{i}", 12 + 5 * i, (3000.0 + 500 * i) * 0.85, ref))
    return rows


def test_shared_transaction_numbers_tie_pairs_that_amounts_do_not() -> None:
    rows = referenced()
    (found,) = run(rows, HawalaMirror(), countries=SHOPS)
    assert ids(found) == {lid(r) for r in rows}
    # volume 3/6 x specificity 1, and three references: 1 - (1 - 0.5) x 0.5^3
    assert found.score == pytest.approx(1 - 0.5 * 0.125, abs=1e-4)
    without = [r[:4] for r in rows]
    assert run(without, HawalaMirror(), countries=SHOPS) == []
    # A reference on more than two payments is a label, not a ledger number.
    assert run(referenced(label="family"), HawalaMirror(), countries=SHOPS) == []
    # References strengthen pairs that match anyway.
    (plain,) = run(hawala(), HawalaMirror(), countries=SHOPS)
    tied = [(*r[:4], {"reference": f"T{i // 2}"}) for i, r in enumerate(hawala())]
    (strong,) = run(tied, HawalaMirror(), countries=SHOPS)
    assert strong.score > plain.score


def test_one_payer_paid_in_each_month_is_not_a_hawala_customer_base() -> None:
    # A salary in and wages out of similar amounts, a few days apart, every month: one
    # payer, so whatever the timing, not a shop's customers.
    rows: list[Row] = []
    for m in range(6):
        rows.append(("employer", "A", 30 * m, 1543.0))
        rows.append(("B", "landlord", 30 * m + 2, 1520.0))
    rows += [(f"x{i}", "A", 200 + i, 50.0) for i in range(3)]
    rows += [("B", f"y{i}", 200 + i, 50.0) for i in range(3)]
    assert run(rows, HawalaMirror(), countries=SHOPS) == []


# -- the scan -------------------------------------------------------------------------

EVERYTHING: list[Row] = [
    *FARES,
    *steady_shop("S", weeks=8),
    *MULE,
    *CONDUIT,
    ("P", "acc1", 3, 9800.0),
    ("P", "acc2", 5, 9500.0),
    ("P", "acc3", 9, 9900.0),
    ("A1", "B1", 1, 5000.0),
    ("B1", "C1", 3, 4800.0),
    ("C1", "A1", 6, 4600.0),
    *[(s.replace("S", "S2"), d, day, eur) for s, d, day, eur, *_ in scatter(dst="D2")],
    *gather_scatter(start=40),
    *hawala(),
    # A car wash's takings, a collector's invoices far above them, and a pay-out to a man.
    *[(f"fc{i % 12}", "FW", day, 25.0 + i % 5) for i, day in enumerate(range(0, 60, 2))],
    ("FC", "FW", 20, 6000.0),
    ("FC", "FW", 22, 6000.0),
    ("FC", "FW", 25, 6000.0),
    ("FW", "FB", 26, 9000.0),
]


def test_scan_orders_detections_and_dicts_have_the_documented_keys() -> None:
    found = run(EVERYTHING, countries=SHOPS)
    kinds = {d.typology for d in found}
    assert {"fan_in", "pass_through", "structuring", "cycle", "scatter_gather"} <= kinds
    assert {"gather_scatter", "hawala_mirror", "front_business"} <= kinds
    assert not any(d.typology == "fan_in" and "S" in d.accounts for d in found)
    keys = [(-d.score, d.typology, d.accounts) for d in found]
    assert keys == sorted(keys)
    first = found[0].to_dict()
    assert list(first) == ["typology", "score", "accounts", "payments"]
    assert all(set(p) == {"agency", "entity_id"} for p in first["payments"])
    assert all(0 < d.score <= 1 for d in found)


def test_bad_parameters_are_refused() -> None:
    with pytest.raises(ConfigError):
        FanIn(window_days=0)
    with pytest.raises(ConfigError):
        HawalaMirror(tolerance=1.5)
    with pytest.raises(ConfigError):
        Cycle(max_hops=6)
    with pytest.raises(ConfigError):
        Structuring(thresholds=(("euro", 1000.0),))


@pytest.mark.slow
def test_spark_finds_the_same_detections_as_duckdb() -> None:
    duck = [d.to_dict() for d in run(EVERYTHING, countries=SHOPS)]
    assert len(duck) >= 7
    spark = SparkEngine()
    try:
        on_spark = [d.to_dict() for d in run(EVERYTHING, countries=SHOPS, engine=spark)]
    finally:
        spark.spark.stop()
    assert on_spark == duck


def test_the_default_specs_cover_every_typology() -> None:
    assert [s.name for s in DEFAULT_SPECS] == [
        "fan_in",
        "fan_out",
        "pass_through",
        "structuring",
        "cycle",
        "scatter_gather",
        "gather_scatter",
        "front_business",
        "hawala_mirror",
    ]
