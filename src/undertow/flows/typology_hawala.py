"""Hawala mirror settlement (frame and evidence contract in
:mod:`undertow.flows.typology_base`)."""

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
