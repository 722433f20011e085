"""Hawala mirror settlement (frame and evidence contract in
:mod:`undertow.flows.typology_base`).

The pairs of a busy remittance market grow with the square of its volume: ten million
payments over a million parties hold a quarter of a billion pay-in/pay-out candidates.
The query never keeps them all. It meets pay-ins and pay-outs on equal keys (day and
amount bucket) and goes over the candidates twice: first to count the candidates of
each pair of shops, then to keep those of the pairs that come to enough (a third of
them at ten million payments). On that kept table it finds the pairs with enough
distinct customers, and each pay-in's and each pay-out's best match among those (the
least of a struct, an aggregate where a window would sort every candidate). The chance
rate is measured only for the pairs of shops that come to enough matches.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from undertow.flows.typology_base import (
    POOL,
    Typology,
    check_positive,
    check_share,
    num,
    shifts,
    slots,
    volume,
)

# How many settlement windows' worth of time before each pay-in measure the chance rate
# of a pair of shops: a pay-out before the pay-in cannot settle it, so what matches
# there matches by chance. Several windows, so that a handful of pairs is not judged on
# one window's luck.
CONTROL_WINDOWS = 4

# Amount buckets to the tolerance: a pay-in probes each bucket its tolerance band
# touches; finer buckets meet fewer pay-outs outside the band, at more probes.
FINE = 4

# Two numbered shops as one number, the key pairs are counted on (shops are numbered
# from 1, far below this; past it the engine fails on overflow, it does not mix pairs).
PAIR = 2**32


@dataclass(frozen=True)
class HawalaMirror(Typology):
    """Hawala mirror settlement: a payment into one shop matched by a near-equal payment
    out of an associated shop in another country, with no transfer between them.

    Hawala moves value without moving money: the relative pays a shop in Europe, a
    partner shop near the smugglers pays out the same sum within days, and the two
    shops settle later, in bulk, through trade or a third party. Evidence of the link is
    the mirror pairs themselves, repeated; and the ledger's transaction number, when
    recorded on both legs, ties a pair directly.

    A mirror pair is a pay-in to shop A (at least ``min_eur``: everyday remittances to
    family are a few hundred euros, fares and their shares are thousands) and a pay-out
    from shop B within ``days`` after it, of an amount within ``tolerance`` of it, with
    A and B known to be in different countries and no payment between them from
    ``days`` before the pair to ``days`` after. Pairs sharing a ``reference`` (one that
    appears on those two payments only) count whatever their amounts, either way round
    in time. Each pay-in and pay-out is in at most one pair: a pair counts when each is
    the other's best match (a shared reference, then the nearest amount, then the
    nearest day). Shops are nodes paid by (A), or paying (B), at least ``min_pairs``
    distinct parties with such amounts. A shop's pay-ins (pay-outs) in a stretch of
    ``days`` + 1 days in which it takes (makes) more than ``POOL`` of them are not
    matched: one could not say which settles which.

    Busy shops match by chance. The chance rate is measured on each pair of shops
    itself: pay-outs in the ``CONTROL_WINDOWS`` windows of ``days`` + 1 days *before*
    each pay-in (which cannot settle it) are matched the same way, and the windows with
    a match, divided by their number, are the pairs expected by chance. A detection
    needs ``min_pairs`` distinct customers among the pairs of two shops (one payer each
    month is a salary, not a shop's clientele), and either a shared reference or at
    least ``min_specificity`` of the pairs beyond chance.

    Score: 1 - (1 - r)(1 - q), where r = volume (0.5 at ``min_pairs`` customers, 1 at
    twice that) x specificity ((pairs - chance) / pairs) and q = 1 - 0.5^(pairs with a
    shared reference): each shared transaction number halves the remaining doubt.
    """

    name = "hawala_mirror"
    # Every hawala shop settles so: the pairs show two shops' link, not that the
    # customers' money is the smugglers'.
    money = "settling"
    # A payment can be a pay-out of one pair and the pay-in of another (a shop paying a
    # shop); chaining pairs through such payments would weld a hawala network into one
    # detection. Each pair of shops stands on its own.
    merge_shared = False
    days: int = 3
    tolerance: float = 0.05
    min_pairs: int = 3
    min_eur: float = 1000.0
    min_specificity: float = 0.5

    def __post_init__(self) -> None:
        check_positive(self, days=self.days, min_pairs=self.min_pairs, min_eur=self.min_eur)
        check_share(self, tolerance=self.tolerance, min_specificity=self.min_specificity)

    def ctes(self) -> str:
        d, tol, m = self.days, self.tolerance, self.min_pairs
        span = num(d + 1)
        # Pay-ins meet pay-outs on equal keys, never on a range: the pay-out's day and
        # amount bucket, one probe for each day and bucket it may be in. In bucket
        # units, a pay-in at log-amount t takes pay-outs from t - FINE to t + up
        # (``lo_in`` is the first bucket), and a pay-out at t is taken by pay-ins from
        # t - up to t + FINE (``lo_out``). The margin, far above rounding and far below
        # a bucket, keeps an amount on a band's edge in view; ``near`` is the exact test.
        width = -math.log(1 - tol) / FINE
        up, margin = math.log(1 + tol) / width, 1e-6
        reach = math.floor(FINE + up + 2 * margin) + 2  # buckets a band may touch
        t = f"LN(p.eur) / {num(width)}"
        legs = f"""SELECT p.seq, p.dn, p.eur, p.reference, p.{{shop}} AS shop, n.id AS sid,
                  n.country, n.cc, p.{{other}} AS other, x.id AS oid, p.{{acc}} AS acc,
                  CAST(FLOOR({t}) AS BIGINT) AS ab, CAST(FLOOR(p.dn / {span}) AS BIGINT) AS db,
                  CAST(FLOOR({t} - {num(FINE + margin)}) AS BIGINT) AS lo_in,
                  CAST(FLOOR({t} - {num(up + margin)}) AS BIGINT) AS lo_out
           FROM pay p JOIN ids n ON n.node = p.{{shop}} JOIN ids x ON x.node = p.{{other}}"""
        pin = legs.format(shop="dst", other="src", acc="dst_account")
        pout = legs.format(shop="src", other="dst", acc="src_account")
        near = f"ABS(o.eur - i.eur) <= {num(tol)} * i.eur"
        # Shops in different countries are different shops; neither pays the other.
        apart = "i.cc <> o.cc AND o.oid <> i.sid AND i.oid <> o.sid"
        # Each pay-out 0..days after a pay-in lies in one probed bucket, so each
        # candidate is met once. The probe is written out where it is used rather than
        # kept: many times the pay-ins, it is cheaper to make again than to hold.
        after = f"""(SELECT i.*, i.lo_in + f.x AS jab, i.dn + f.y AS jdn
            FROM pin i CROSS JOIN ({shifts(range(reach), range(d + 1))}) f) i
            JOIN pout o ON o.ab = i.jab AND o.dn = i.jdn"""
        pair = f"i.sid * {PAIR} + o.sid"
        gap = "ABS(o.eur - i.eur) / i.eur"
        ref = "CASE WHEN i.reference = o.reference THEN 1 ELSE 0 END"
        control = CONTROL_WINDOWS * (d + 1)
        # One pay-out settles one pay-in: each keeps its best match (a shared reference,
        # then the nearest amount, then the nearest day, then the first) among the pairs
        # of shops with min_pairs customers, and a pair counts when each is the other's
        # best -- so a busy shop's pay-in is not claimed by every partner. busy: the
        # pairs of shops with min_pairs candidates, a superset, so the costliest count
        # skips the checks that neither shop pays the other. cand: their candidates,
        # used twice (DuckDB keeps a CTE used twice; Spark makes it again).
        # plausible: the pairs with min_pairs customers. best: for each pay-in (i = 1)
        # and pay-out (i = 2), the least struct in the order above; a pair is best for
        # both when its struct comes out twice.
        # by_reference leaves out the pairs the amounts find already (near, and after).
        # The chance windows are matched for the pairs of shops counted, pay-outs
        # probing the days and amounts of the pay-ins they could match by chance.
        return f"""
shops_in AS (
    SELECT dst AS shop FROM pay WHERE eur >= {num(self.min_eur)}
    GROUP BY dst HAVING COUNT(DISTINCT src) >= {m}
),
shops_out AS (
    SELECT src AS shop FROM pay WHERE eur >= {num(self.min_eur * (1 - tol))}
    GROUP BY src HAVING COUNT(DISTINCT dst) >= {m}
),
ids AS (
    SELECT e.node, n.country, ROW_NUMBER() OVER (ORDER BY e.node) AS id,
           DENSE_RANK() OVER (ORDER BY n.country) AS cc
    FROM (
        SELECT DISTINCT CASE WHEN k.i = 1 THEN p.src ELSE p.dst END AS node
        FROM pay p CROSS JOIN ({slots(2)}) k
    ) e LEFT JOIN nodes n ON n.node = e.node
),
pin_all AS (
    {pin} JOIN shops_in s ON s.shop = p.dst WHERE p.eur >= {num(self.min_eur)}
),
pout_all AS (
    {pout} JOIN shops_out s ON s.shop = p.src
    WHERE p.eur >= {num(self.min_eur * (1 - tol))}
),
pin AS (
    SELECT * FROM (SELECT *, COUNT(*) OVER (PARTITION BY shop, db) AS pool FROM pin_all) i
    WHERE pool <= {POOL} AND country IS NOT NULL
),
pout AS (
    SELECT * FROM (SELECT *, COUNT(*) OVER (PARTITION BY shop, db) AS pool FROM pout_all) o
    WHERE pool <= {POOL} AND country IS NOT NULL
),
refs AS (
    SELECT reference FROM pay WHERE reference IS NOT NULL
    GROUP BY reference HAVING COUNT(*) = 2
),
by_reference AS (
    SELECT {pair} AS k, i.oid AS cust, i.seq AS sin, o.seq AS sout, {gap} AS gap,
           1 AS ref, ABS(o.dn - i.dn) AS dd
    FROM refs r JOIN pin i ON i.reference = r.reference
    JOIN pout o ON o.reference = r.reference AND o.seq <> i.seq
    WHERE {apart} AND o.dn >= i.dn - {d} AND o.dn <= i.dn + {d}
      AND NOT ({near} AND o.dn >= i.dn)
),
busy AS (
    SELECT c.k FROM (
        SELECT {pair} AS k FROM {after} WHERE i.cc <> o.cc AND {near}
        UNION ALL SELECT k FROM by_reference
    ) c GROUP BY c.k HAVING COUNT(*) >= {m}
),
cand AS (
    SELECT c.* FROM (
        SELECT {pair} AS k, i.oid AS cust, i.seq AS sin, o.seq AS sout, {gap} AS gap,
               {ref} AS ref, ABS(o.dn - i.dn) AS dd
        FROM {after} WHERE {apart} AND {near}
        UNION ALL SELECT k, cust, sin, sout, gap, ref, dd FROM by_reference
    ) c WHERE c.k IN (SELECT k FROM busy)
),
plausible AS (
    SELECT k FROM cand GROUP BY k HAVING COUNT(DISTINCT cust) >= {m}
),
best AS (
    SELECT MIN({{'r': -c.ref, 'g': c.gap, 'd': c.dd, 'o': c.sout, 'i': c.sin}}) AS m
    FROM (SELECT c.* FROM cand c WHERE c.k IN (SELECT k FROM plausible)) c
    CROSS JOIN ({slots(2)}) s
    GROUP BY s.i, CASE WHEN s.i = 1 THEN c.sin ELSE c.sout END
),
mutual AS (
    SELECT i.shop AS a, o.shop AS b, i.seq AS sin, o.seq AS sout, i.dn AS din,
           o.dn AS dout, i.acc AS a_acc, o.acc AS b_acc, i.other AS cust, {ref} AS ref
    FROM (
        SELECT x.m.i AS sin, x.m.o AS sout FROM best x
        GROUP BY x.m.i, x.m.o HAVING COUNT(*) = 2
    ) k JOIN pin i ON i.seq = k.sin JOIN pout o ON o.seq = k.sout
),
matched AS (
    SELECT c.* FROM mutual c
    LEFT JOIN pay x ON LEAST(x.src, x.dst) = LEAST(c.a, c.b)
        AND GREATEST(x.src, x.dst) = GREATEST(c.a, c.b)
        AND x.dn >= LEAST(c.din, c.dout) - {d} AND x.dn <= GREATEST(c.din, c.dout) + {d}
    WHERE x.seq IS NULL
),
counted AS (
    SELECT a, b, COUNT(DISTINCT cust) AS n, COUNT(*) AS hits, SUM(ref) AS n_ref
    FROM matched GROUP BY a, b HAVING COUNT(DISTINCT cust) >= {m}
),
payins AS (
    SELECT DISTINCT k.a, k.b, k.n, k.hits, k.n_ref, i.seq, i.dn, i.eur, i.other, i.ab, i.db
    FROM pin i JOIN counted k ON k.a = i.shop
),
payouts AS (
    SELECT o.*, o.lo_out + f.x AS jab, CAST(FLOOR((o.dn + 1) / {span}) AS BIGINT) + f.y AS jdb
    FROM pout o CROSS JOIN ({shifts(range(reach), range(CONTROL_WINDOWS + 1))}) f
),
measured AS (
    SELECT i.a, i.b, i.n, i.n_ref,
           GREATEST(i.hits - COUNT(DISTINCT
               i.seq * {CONTROL_WINDOWS} + CAST(FLOOR((i.dn - o.dn - 1) / {span}) AS BIGINT)
           ) / {num(CONTROL_WINDOWS)}, {num(0.0)}) / i.hits AS specificity
    FROM payins i LEFT JOIN payouts o ON o.shop = i.b AND o.jab = i.ab AND o.jdb = i.db
        AND o.other <> i.a AND i.other <> o.shop AND {near}
        AND o.dn >= i.dn - {control} AND o.dn < i.dn
    GROUP BY i.a, i.b, i.n, i.hits, i.n_ref
),
scored AS (
    SELECT a, b,
           {num(1.0)} - ({num(1.0)} - {volume("n", m)} * specificity)
               * POWER({num(0.5)}, n_ref) AS score
    FROM measured
    WHERE specificity >= {num(self.min_specificity)} OR n_ref >= 1
),
evidence AS (
    SELECT LEAST(s.a, s.b) || '|' || GREATEST(s.a, s.b) AS key, s.score,
           CASE WHEN k.i = 1 THEN c.sin ELSE c.sout END AS seq, s.a AS shop_in,
           s.b AS shop_out, CASE WHEN k.i = 1 THEN c.a_acc ELSE c.b_acc END AS account
    FROM scored s JOIN matched c ON c.a = s.a AND c.b = s.b CROSS JOIN ({slots(2)}) k
)"""
