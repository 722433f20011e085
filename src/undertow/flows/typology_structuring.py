"""Structuring: one payer's repeated payments just under a reporting threshold (frame
and evidence contract in :mod:`undertow.flows.typology_base`)."""

from __future__ import annotations

from dataclasses import dataclass

from undertow.errors import ConfigError
from undertow.flows.typology_base import Typology, check_positive, check_share, num, volume

# Reporting thresholds, in the currency they are set in. A payment in another currency
# is held against the EUR ones through its ``eur`` value.
# EUR 1,000: transfers of funds above it need verified payer and payee information
#   (Regulation (EU) 2023/1113, art. 5-7); EUR 10,000: the EU cash payment limit
#   (Regulation (EU) 2024/1624, art. 80) and cash declaration at the border
#   (Regulation (EU) 2018/1672); EUR 15,000: occasional transactions needing due
#   diligence (Directive (EU) 2015/849, art. 11).
# GBP 1,000: the minimum amount of cash that may be seized under the Proceeds of Crime
#   Act 2002 (by order under s. 303);
#   GBP 10,000: cash declaration on entering or leaving Great Britain.
# USD 3,000: funds transfer record keeping (31 CFR 1010.410); USD 10,000: currency
#   transaction reports (31 CFR 1010.311).
THRESHOLDS: tuple[tuple[str, float], ...] = (
    ("EUR", 1_000.0),
    ("EUR", 10_000.0),
    ("EUR", 15_000.0),
    ("GBP", 1_000.0),
    ("GBP", 10_000.0),
    ("USD", 3_000.0),
    ("USD", 10_000.0),
)


@dataclass(frozen=True)
class Structuring(Typology):
    """Structuring: one payer's repeated payments just under a reporting threshold.

    A sum is split so that no payment reaches the amount at which a bank or money
    transmitter must identify the customer or report. Honest amounts fall on both sides
    of a threshold about equally; a structurer's pile up just below it. Runs are
    counted per payer, not per beneficiary: a money-transfer shop receives many
    customers' just-under amounts (many migrants send less than the amount that needs
    an ID), and deposits by many hands into one account are a fan-in.

    A payment is *just under* a threshold ``t`` when its amount (in the threshold's
    currency, or in euros for currencies with none listed) is in
    ``[t * (1 - margin), t)``, and *just over* in ``[t, t * (1 + margin))``. Per payer
    and threshold, a run is a series of just-under payments each within ``gap_days`` of
    the one before; a detection needs a run of ``min_count`` and a bunching below the
    threshold, ``(under - over) / (under + over)`` over the payer's whole history, of at
    least ``min_bunching``.

    Score: volume (0.5 at ``min_count`` payments in the run, 1 at twice that) x
    bunching.
    """

    name = "structuring"
    thresholds: tuple[tuple[str, float], ...] = THRESHOLDS
    margin: float = 0.1
    gap_days: int = 7
    min_count: int = 3
    min_bunching: float = 0.5

    def __post_init__(self) -> None:
        check_positive(self, gap_days=self.gap_days, min_count=self.min_count)
        check_share(self, margin=self.margin, min_bunching=self.min_bunching)
        if not self.thresholds:
            raise ConfigError("structuring: no thresholds")
        for currency, limit in self.thresholds:
            if not (len(currency) == 3 and currency.isalpha() and currency.isupper()):
                raise ConfigError(f"structuring: {currency!r} is not a currency code")
            check_positive(self, threshold=limit)

    def ctes(self) -> str:
        currencies = sorted({c for c, _ in self.thresholds})
        listed = ", ".join(f"'{c}'" for c in currencies)
        limits = " UNION ALL ".join(
            f"SELECT '{c}' AS cur, {num(t)} AS lim" for c, t in sorted(set(self.thresholds))
        )
        lo, hi = num(1 - self.margin), num(1 + self.margin)
        part = "PARTITION BY node, cur, lim ORDER BY dn, seq"
        return f"""
th AS ({limits}),
val AS (
    SELECT seq, dn, src, dst, src_account, dst_account,
           CASE WHEN currency IN ({listed}) THEN currency ELSE 'EUR' END AS cur,
           CASE WHEN currency IN ({listed}) THEN amount ELSE eur END AS v
    FROM pay
),
near AS (
    SELECT v.*, t.lim, CASE WHEN v.v < t.lim THEN 1 ELSE 0 END AS under
    FROM val v JOIN th t ON t.cur = v.cur
    WHERE v.v >= t.lim * {lo} AND v.v < t.lim * {hi}
),
side AS (SELECT seq, dn, cur, lim, under, src AS node, src_account AS acc FROM near),
bunch AS (
    SELECT node, cur, lim,
           CAST(SUM(under) - (COUNT(*) - SUM(under)) AS DOUBLE) / COUNT(*) AS bunching
    FROM side GROUP BY node, cur, lim
),
brk AS (
    SELECT s.*,
           CASE WHEN s.dn - LAG(s.dn) OVER ({part}) <= {self.gap_days} THEN 0 ELSE 1 END AS b
    FROM side s WHERE under = 1
),
runs AS (
    SELECT brk.*,
           SUM(b) OVER ({part} ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS run
    FROM brk
),
counted AS (
    SELECT node, cur, lim, run, COUNT(*) AS n FROM runs
    GROUP BY node, cur, lim, run HAVING COUNT(*) >= {self.min_count}
),
scored AS (
    SELECT c.node, c.cur, c.lim, c.run,
           {volume("c.n", self.min_count)} * b.bunching AS score
    FROM counted c JOIN bunch b ON b.node = c.node AND b.cur = c.cur
        AND b.lim = c.lim
    WHERE b.bunching >= {num(self.min_bunching)}
),
evidence AS (
    SELECT s.node AS key, s.score, r.seq, s.node, r.acc AS account FROM scored s
    JOIN runs r ON r.node = s.node AND r.cur = s.cur AND r.lim = s.lim
        AND r.run = s.run
)"""
