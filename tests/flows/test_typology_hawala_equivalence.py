"""The hawala mirror query against its previous formulation on random payment graphs.

The typology was rewritten to scale (candidate pairs counted on bucketed equi-joins,
best matches found by aggregates instead of windows); this is the proof that the rewrite
changed nothing: the query before it, kept here as the reference, finds exactly the
same detections on random ledgers of a few shops, their customers and their
beneficiaries -- mirror pairs planted among shops in two or three countries, shared
transaction numbers, direct transfers, busy stretches and payments known only to the
month, with every parameter of the spec varied.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields
from typing import Any

import pyarrow as pa
from hypothesis import HealthCheck, given, seed, settings, target
from hypothesis import strategies as st

from tests.flows.ledger import payments
from undertow.flows.columns import NODES
from undertow.flows.engine import DuckDBEngine
from undertow.flows.typologies import HawalaMirror, scan
from undertow.flows.typology_base import PAY, POOL, num, shifts, slots, volume
from undertow.flows.typology_hawala import CONTROL_WINDOWS

SHOPS = ["A", "B", "C", "D"]
CUSTOMERS = [f"cust{i}" for i in range(8)]
BENEFICIARIES = [f"benef{i}" for i in range(4)]
EVERYONE = SHOPS + CUSTOMERS + BENEFICIARIES
# Fares and their shares, some below ``min_eur``, two within tolerance of each other.
# The first of these lists is where hypothesis starts and shrinks to: above the floor.
AMOUNTS = [2500.0, 1500.0, 1520.0, 800.0, 1000.0, 2400.0, 3100.0, 4000.0, 6000.0, 9000.0]
# Pay-out over pay-in: within the tolerances below, on their edges and beyond them.
FACTORS = [1.0, 0.99, 0.99, 0.98, 0.97, 1.02, 0.95, 1.05, 0.9, 0.85]


@dataclass(frozen=True)
class PreviousHawalaMirror(HawalaMirror):
    """The query before the rewrite, verbatim: every candidate pair of every two shops
    kept as one table, ranked with window functions, the chance windows matched for
    every plausible pair."""

    def ctes(self) -> str:
        d, tol = self.days, self.tolerance
        # Amount buckets as wide as the tolerance in log terms (its wider, lower side): a
        # match lies in the same or a neighbouring bucket. Day buckets of days + 1: a
        # pay-out 0..days after the pay-in lies in the same or the next; one in the
        # control windows before it, in the CONTROL_WINDOWS + 1 buckets before.
        width = num(-math.log(1 - tol))
        span = num(d + 1)
        forward = shifts((-1, 0, 1), (0, 1))
        before = shifts((-1, 0, 1), range(-CONTROL_WINDOWS - 1, 1))
        legs = f"""SELECT p.seq, p.dn, p.eur, p.reference, p.{{shop}} AS shop,
                  p.{{other}} AS other, p.{{acc}} AS acc, n.country,
                  CAST(FLOOR(LN(p.eur) / {width}) AS BIGINT) AS ab,
                  CAST(FLOOR(p.dn / {span}) AS BIGINT) AS db
           FROM pay p JOIN nodes n ON n.node = p.{{shop}}"""
        pin = legs.format(shop="dst", other="src", acc="dst_account")
        pout = legs.format(shop="src", other="dst", acc="src_account")
        near = f"ABS(o.eur - i.eur) <= {num(tol)} * i.eur"
        apart = "o.shop <> i.shop AND o.other <> i.shop AND i.other <> o.shop"
        # One pay-out settles one pay-in: each keeps its best match (a shared reference,
        # then the nearest amount, then the nearest day), and a pair counts when each is
        # the other's best -- so a busy shop's pay-in is not claimed by every partner.
        best = "c.ref DESC, c.gap, ABS(c.dout - c.din)"
        # by_reference leaves out the pairs by_amount has already (near, and after).
        return f"""
shops_in AS (
    SELECT dst AS shop FROM pay WHERE eur >= {num(self.min_eur)}
    GROUP BY dst HAVING COUNT(DISTINCT src) >= {self.min_pairs}
),
shops_out AS (
    SELECT src AS shop FROM pay WHERE eur >= {num(self.min_eur * (1 - tol))}
    GROUP BY src HAVING COUNT(DISTINCT dst) >= {self.min_pairs}
),
pin_all AS ({pin} JOIN shops_in s ON s.shop = p.dst WHERE p.eur >= {num(self.min_eur)}),
pout_all AS (
    {pout} JOIN shops_out s ON s.shop = p.src
    WHERE p.eur >= {num(self.min_eur * (1 - tol))}
),
pools_in AS (SELECT shop, db FROM pin_all GROUP BY shop, db HAVING COUNT(*) > {POOL}),
pools_out AS (SELECT shop, db FROM pout_all GROUP BY shop, db HAVING COUNT(*) > {POOL}),
pin AS (
    SELECT i.* FROM pin_all i LEFT JOIN pools_in x ON x.shop = i.shop AND x.db = i.db
    WHERE x.shop IS NULL
),
pout AS (
    SELECT o.* FROM pout_all o LEFT JOIN pools_out x ON x.shop = o.shop AND x.db = o.db
    WHERE x.shop IS NULL
),
probe_after AS (
    SELECT i.*, i.ab + f.x AS jab, i.db + f.y AS jdb FROM pin i CROSS JOIN ({forward}) f
),
by_amount AS (
    SELECT i.shop AS a, o.shop AS b, i.seq AS sin, o.seq AS sout, i.dn AS din, o.dn AS dout,
           i.acc AS a_acc, o.acc AS b_acc, i.other AS cust,
           ABS(o.eur - i.eur) / i.eur AS gap,
           CASE WHEN i.reference = o.reference THEN 1 ELSE 0 END AS ref
    FROM probe_after i JOIN pout o ON o.ab = i.jab AND o.db = i.jdb
    WHERE {apart} AND i.country <> o.country AND {near}
      AND o.dn >= i.dn AND o.dn <= i.dn + {d}
),
refs AS (
    SELECT reference FROM pay WHERE reference IS NOT NULL
    GROUP BY reference HAVING COUNT(*) = 2
),
by_reference AS (
    SELECT i.shop AS a, o.shop AS b, i.seq AS sin, o.seq AS sout, i.dn AS din, o.dn AS dout,
           i.acc AS a_acc, o.acc AS b_acc, i.other AS cust,
           ABS(o.eur - i.eur) / i.eur AS gap, 1 AS ref
    FROM refs r JOIN pin i ON i.reference = r.reference
    JOIN pout o ON o.reference = r.reference AND o.seq <> i.seq
    WHERE {apart} AND i.country <> o.country
      AND o.dn >= i.dn - {d} AND o.dn <= i.dn + {d} AND NOT ({near} AND o.dn >= i.dn)
),
cand AS (SELECT * FROM by_amount UNION ALL SELECT * FROM by_reference),
plausible AS (
    SELECT a, b FROM cand GROUP BY a, b HAVING COUNT(DISTINCT cust) >= {self.min_pairs}
),
ranked AS (
    SELECT c.*,
           ROW_NUMBER() OVER (PARTITION BY c.sin ORDER BY {best}, c.sout) AS rank_in,
           ROW_NUMBER() OVER (PARTITION BY c.sout ORDER BY {best}, c.sin) AS rank_out
    FROM cand c JOIN plausible u ON u.a = c.a AND u.b = c.b
),
direct AS (
    SELECT DISTINCT LEAST(p.src, p.dst) AS u1, GREATEST(p.src, p.dst) AS u2, p.dn
    FROM pay p JOIN plausible u
        ON LEAST(p.src, p.dst) = LEAST(u.a, u.b) AND GREATEST(p.src, p.dst) = GREATEST(u.a, u.b)
),
matched AS (
    SELECT c.* FROM ranked c
    LEFT JOIN direct x ON x.u1 = LEAST(c.a, c.b) AND x.u2 = GREATEST(c.a, c.b)
        AND x.dn >= LEAST(c.din, c.dout) - {d} AND x.dn <= GREATEST(c.din, c.dout) + {d}
    WHERE c.rank_in = 1 AND c.rank_out = 1 AND x.dn IS NULL
),
counted AS (
    SELECT a, b, COUNT(DISTINCT cust) AS n, COUNT(*) AS hits, SUM(ref) AS n_ref
    FROM matched GROUP BY a, b
),
probe_before AS (
    SELECT i.*, i.ab + f.x AS jab, i.db + f.y AS jdb FROM pin i CROSS JOIN ({before}) f
),
chance_hits AS (
    SELECT DISTINCT i.shop AS a, o.shop AS b, i.seq,
           CAST(FLOOR((i.dn - o.dn - 1) / {span}) AS BIGINT) AS w
    FROM probe_before i JOIN pout o ON o.ab = i.jab AND o.db = i.jdb
    WHERE {apart} AND {near}
      AND o.dn >= i.dn - {CONTROL_WINDOWS * (d + 1)} AND o.dn < i.dn
),
control AS (
    SELECT h.a, h.b, COUNT(*) / {num(CONTROL_WINDOWS)} AS chance
    FROM chance_hits h JOIN plausible u ON u.a = h.a AND u.b = h.b
    GROUP BY h.a, h.b
),
measured AS (
    SELECT c.a, c.b, c.n, c.n_ref,
           GREATEST(c.hits - COALESCE(z.chance, {num(0.0)}), {num(0.0)}) / c.hits
               AS specificity
    FROM counted c LEFT JOIN control z ON z.a = c.a AND z.b = c.b
),
scored AS (
    SELECT a, b,
           {num(1.0)} - ({num(1.0)} - {volume("n", self.min_pairs)} * specificity)
               * POWER({num(0.5)}, n_ref) AS score
    FROM measured
    WHERE n >= {self.min_pairs} AND (specificity >= {num(self.min_specificity)} OR n_ref >= 1)
),
evidence AS (
    SELECT LEAST(s.a, s.b) || '|' || GREATEST(s.a, s.b) AS key, s.score,
           CASE WHEN k.i = 1 THEN c.sin ELSE c.sout END AS seq, s.a AS shop_in,
           s.b AS shop_out, CASE WHEN k.i = 1 THEN c.a_acc ELSE c.b_acc END AS account
    FROM scored s JOIN matched c ON c.a = s.a AND c.b = s.b CROSS JOIN ({slots(2)}) k
)"""


Row = tuple[str, str, int, float, dict[str, object]]
Ledger = tuple[list[Row], dict[str, str | None]]


@st.composite
def ledgers(draw: st.DrawFn) -> Ledger:
    """Payments (src, dst, day, eur, other columns) in day order, as ``seq`` is in the
    store, and the shops' countries (None: a shop known without one; missing: a shop
    that is no node at all). Most mirror pairs run from A (in the UK) to B (in Turkey),
    the rest between any two shops, so that pairs of shops compete for pay-ins and
    pay-outs."""
    countries: dict[str, str | None] = {"A": "gb", "B": "tr"}
    for shop in SHOPS:
        usual = countries.get(shop, "iq")
        country = draw(st.sampled_from([usual] * 7 + ["gb", None, "missing"]))
        if country != "missing":
            countries[shop] = country
        else:
            countries.pop(shop, None)
    refs = st.none() | st.sampled_from(["HW-1", "HW-2", "HW-3"])
    rows: list[Row] = []

    def mirror(
        customer: str, a: str, b: str, to: str, lags: list[int], factors: list[float]
    ) -> None:
        """The customer pays shop a, and shop b pays ``to`` about as much about then."""
        day, amount, ref = draw(st.integers(0, 60)), draw(st.sampled_from(AMOUNTS)), draw(refs)
        rows.append((customer, a, day, amount, {"reference": ref}))
        rows.append(
            (
                b,
                to,
                day + draw(st.sampled_from(lags)),
                round(amount * draw(st.sampled_from(factors)), 2),
                {"reference": draw(st.sampled_from([ref, ref, None, "HW-1"]))},
            )
        )

    # A's customers settled by B, and mirror pairs of all kinds between any two shops,
    # in time or not, near in amount or not, to anyone.
    for k in range(draw(st.sampled_from([4, 0, 3, 5, 6, 2]))):
        mirror(CUSTOMERS[k], "A", "B", BENEFICIARIES[k % 4], [0, 1], [1.0, 0.99, 0.98])
    for _ in range(draw(st.integers(min_value=0, max_value=10))):
        a, b = draw(st.sampled_from([("A", "B"), ("A", "C"), ("C", "B"), ("D", "A"), ("B", "D")]))
        to = draw(st.sampled_from(BENEFICIARIES + SHOPS))
        mirror(draw(st.sampled_from(CUSTOMERS)), a, b, to, [0, 1, 2, 3, 5, -1, -9], FACTORS)
    # Anything else between anyone, now and then known only to the month.
    for _ in range(draw(st.integers(min_value=0, max_value=4))):
        src, dst = draw(st.lists(st.sampled_from(EVERYONE), min_size=2, max_size=2, unique=True))
        rows.append(
            (
                src,
                dst,
                draw(st.integers(min_value=0, max_value=36)),
                draw(st.sampled_from(AMOUNTS)),
                {"reference": draw(refs), "day_precision": draw(st.sampled_from(["day", "month"]))},
            )
        )
    # A shop that takes in more than a pool's worth in a few days.
    if draw(st.integers(min_value=0, max_value=5)) == 5:
        shop, day = draw(st.sampled_from(SHOPS)), draw(st.integers(min_value=0, max_value=30))
        rows += [(f"walk-in{i}", shop, day + i % 3, 1200.0 + i, {}) for i in range(POOL + 1)]
    return sorted(rows, key=lambda r: r[2]), countries


# Each parameter varied about its default (the first of each).
specs = st.builds(
    HawalaMirror,
    days=st.sampled_from([3, 1, 2, 5]),
    tolerance=st.sampled_from([0.05, 0.02, 0.1, 0.3]),
    min_pairs=st.sampled_from([3, 2, 4]),
    min_eur=st.sampled_from([1000.0, 900.0, 2000.0]),
    min_specificity=st.sampled_from([0.5, 0.25, 1.0]),
)


def nodes(countries: dict[str, str | None]) -> pa.Table:
    cols: dict[str, list[Any]] = {f.name: [] for f in NODES}
    for node, country in sorted(countries.items()):
        for f in NODES:
            cols[f.name].append({"node": node, "country": country}.get(f.name))
    return pa.table(cols, schema=NODES)


def engine_for(ledger: Ledger) -> DuckDBEngine:
    rows, countries = ledger
    engine = DuckDBEngine()
    engine.register("payments", payments(rows))
    engine.register("nodes", nodes(countries))
    return engine


def previous(spec: HawalaMirror) -> PreviousHawalaMirror:
    return PreviousHawalaMirror(**{f.name: getattr(spec, f.name) for f in fields(spec)})


def matched(engine: DuckDBEngine, spec: HawalaMirror) -> set[tuple[Any, ...]]:
    """Every pair matched, whether or not its shops come to a detection: the pay-in
    and the pay-out each chose the other over every rival."""
    query = f"WITH {PAY},\n{spec.ctes()}\nSELECT a, b, sin, sout, ref FROM matched"
    return {tuple(r.values()) for r in engine.sql(query).to_pylist()}


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ledger=ledgers(), spec=specs)
def test_the_query_finds_what_its_previous_formulation_found(
    ledger: Ledger, spec: HawalaMirror
) -> None:
    engine = engine_for(ledger)
    found = scan(engine, [spec])
    assert found == scan(engine, [previous(spec)])
    assert matched(engine, spec) == matched(engine, previous(spec))
    target(float(len(found)), label="detections")


def test_the_random_ledgers_hold_detections() -> None:
    # The comparison above is not vacuous: a fixed run of the same ledgers and specs
    # matches pairs in many of them and comes to detections in some.
    seen: list[tuple[int, int]] = []

    @seed(20261128)
    @settings(max_examples=60, deadline=None, database=None)
    @given(ledger=ledgers(), spec=specs)
    def run(ledger: Ledger, spec: HawalaMirror) -> None:
        engine = engine_for(ledger)
        seen.append((len(matched(engine, spec)), len(scan(engine, [spec]))))

    run()
    assert sum(pairs > 0 for pairs, _ in seen) >= len(seen) // 4
    assert sum(found > 0 for _, found in seen) >= len(seen) // 10
