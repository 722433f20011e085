"""Front business: money put through a business's books (frame and evidence contract in
:mod:`undertow.flows.typology_base`).

Car washes, shops, travel agencies and haulage firms take their customers' everyday
payments; a network's collector pays one of them a few invoices of thousands in a week,
and days later the business pays the organiser a "salary", a "director's loan" or a
"dividend". The money comes out as income. The size gives it away: invoices many times
what the business usually takes, from one payer, and money of that order leaving for
someone else soon after.
"""

from __future__ import annotations

from dataclasses import dataclass

from undertow.flows.typology_base import (
    CLIENTELE,
    POOL,
    Typology,
    check_positive,
    check_share,
    num,
)


@dataclass(frozen=True)
class FrontBusiness(Typology):
    """Front business: invoices far above a business's usual takings, from one payer,
    passed on to someone else within days.

    A business is a node paid by at least ``min_customers`` distinct payers: it has a
    clientele, so what it usually takes can be measured (the median of its incoming
    payments). An invoice is unusual when it is at least ``min_eur`` and at least
    ``factor`` times that median. A block is one payer's unusual invoices from a first
    one to ``days`` after it, at least ``min_parts`` of them (one large order is a good
    customer; a large sum cut into invoices is what a front is paid). What leaves is the
    business's payments of at least ``min_eur`` to one person (a party not known to be a
    company or an organisation: a front pays wages, loans and dividends; a travel agency
    paying the airline for a group booking is trade) other than that payer, from the
    block's first day to ``out_days`` after it: at least ``share`` of the block and no
    more than the block (more would be money the business had before). Each person is
    weighed apart, so that blocks close in time do not pool their pay-outs, and the
    block cites the best one's. A business making more than ``POOL`` such payments in
    the block's time is a pool: which of them carries the invoices cannot be said.

    Score: unusualness (1 - ``factor`` / ratio, where ratio is the block's median
    invoice over the usual takings: 0 at the factor, near 1 far above it) x passed (what
    leaves for the person over the block), the best person's.
    """

    name = "front_business"
    min_customers: int = CLIENTELE
    factor: float = 5.0
    min_eur: float = 1000.0
    days: int = 7
    min_parts: int = 2
    out_days: int = 14
    share: float = 0.3

    def __post_init__(self) -> None:
        check_positive(
            self,
            min_customers=self.min_customers,
            factor=self.factor,
            min_eur=self.min_eur,
            days=self.days,
            min_parts=self.min_parts,
            out_days=self.out_days,
        )
        check_share(self, share=self.share)

    def ctes(self) -> str:
        big, d = num(self.min_eur), self.days
        # repeated: the payers who paid a business ``min_parts`` large sums at all, so
        # that the usual takings are measured only where a block could be.
        # blocks: each unusual invoice opens a block of its payer's unusual invoices in
        # the next ``days`` (a block is named by its business, payer and first day).
        # outs: what leaves the business in the block's time for people other than its
        # payer; scored per person, the block's evidence its invoices and what the
        # persons who qualify were paid.
        return f"""
large AS (
    SELECT seq, dn, eur, src AS payer, dst AS node, dst_account AS acc FROM pay
    WHERE eur >= {big}
),
repeated AS (
    SELECT node, payer FROM large GROUP BY node, payer HAVING COUNT(*) >= {self.min_parts}
),
usual AS (
    SELECT dst AS node, MEDIAN(eur) AS mid FROM pay
    WHERE dst IN (SELECT node FROM repeated)
    GROUP BY dst HAVING COUNT(DISTINCT src) >= {self.min_customers}
),
unusual AS (
    SELECT l.*, u.mid FROM large l
    JOIN repeated r ON r.node = l.node AND r.payer = l.payer
    JOIN usual u ON u.node = l.node
    WHERE l.eur >= {num(self.factor)} * u.mid
),
blocks AS (
    SELECT s.node, s.payer, s.dn AS first_dn, SUM(b.eur) AS block_eur,
           MEDIAN(b.eur) / MIN(s.mid) AS ratio
    FROM (SELECT DISTINCT node, payer, dn, mid FROM unusual) s
    JOIN unusual b ON b.node = s.node AND b.payer = s.payer
        AND b.dn >= s.dn AND b.dn <= s.dn + {d}
    GROUP BY s.node, s.payer, s.dn
    HAVING COUNT(*) >= {self.min_parts}
),
outs AS (
    SELECT k.node, k.payer, k.first_dn, p.dst AS payee, p.seq, p.eur, p.src_account AS acc,
           COUNT(*) OVER (PARTITION BY k.node, k.payer, k.first_dn) AS n_out
    FROM blocks k JOIN pay p ON p.src = k.node AND p.dn >= k.first_dn
        AND p.dn <= k.first_dn + {self.out_days}
    LEFT JOIN nodes n ON n.node = p.dst
    WHERE p.dst <> k.payer AND p.eur >= {big}
      AND COALESCE(n.schema, '') NOT IN ('Company', 'Organization')
),
to_one AS (
    SELECT k.node, k.payer, k.first_dn, o.payee,
           ({num(1.0)} - {num(self.factor)} / k.ratio) * o.out_eur / k.block_eur AS score
    FROM blocks k JOIN (
        SELECT node, payer, first_dn, payee, SUM(eur) AS out_eur FROM outs
        WHERE n_out <= {POOL}
        GROUP BY node, payer, first_dn, payee
    ) o ON o.node = k.node AND o.payer = k.payer AND o.first_dn = k.first_dn
    WHERE o.out_eur >= {num(self.share)} * k.block_eur AND o.out_eur <= k.block_eur
),
scored AS (
    SELECT t.* FROM to_one t JOIN (
        SELECT node, payer, first_dn, MAX(score) AS best FROM to_one
        GROUP BY node, payer, first_dn
    ) b ON b.node = t.node AND b.payer = t.payer AND b.first_dn = t.first_dn
        AND t.score = b.best
),
legs AS (
    SELECT DISTINCT s.node, s.payer, s.first_dn, b.seq, b.acc FROM scored s
    JOIN unusual b ON b.node = s.node AND b.payer = s.payer
        AND b.dn >= s.first_dn AND b.dn <= s.first_dn + {d}
    UNION ALL
    SELECT o.node, o.payer, o.first_dn, o.seq, o.acc FROM outs o
    JOIN scored s ON s.node = o.node AND s.payer = o.payer AND s.first_dn = o.first_dn
        AND s.payee = o.payee
),
evidence AS (
    SELECT DISTINCT s.node || '|' || s.payer AS key, s.score, l.seq, s.node,
           l.acc AS account
    FROM scored s JOIN legs l ON l.node = s.node AND l.payer = s.payer
        AND l.first_dn = s.first_dn
)"""
