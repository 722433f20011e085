"""Typologies that follow money along paths: cycles and scatter-gather. Same frame and
evidence contract as the node-centred ones (:mod:`undertow.flows.typology_base`).

Along a path, money is "the same money" when each payment follows the one before it in
time and carries a comparable amount: between ``keep`` and 1/``keep`` times it (a cut
taken, or a little added). At a node, a payment is followed on by its few closest
matches only (``CONTINUATIONS``), and not at all through a pool (``POOL``): a node so
busy that any payment out is as likely chance as the money passed on.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from undertow.errors import ConfigError
from undertow.flows.typology_base import (
    POOL,
    Typology,
    check_positive,
    check_share,
    grids,
    num,
    shifts,
    slots,
    volume,
    window_of,
)

# At a node, a payment is followed on by at most this many of the node's payments out:
# those closest to it in amount, then in time. At a busy node any further one is as
# likely chance as the money passed on, and following them all multiplies paths.
CONTINUATIONS = 3


def _comparable(amount: str, before: str, keep: float) -> str:
    return f"{amount} >= {num(keep)} * {before} AND {amount} * {num(keep)} <= {before}"


def _hops(name: str, days: int, keep: float) -> str:
    """``name``: pairs of payments ``p`` then ``q`` where ``q`` leaves the node ``p``
    reached, from ``p``'s day to ``days`` after, with a comparable amount. Needs ``e``
    (seq, dn, eur, src, dst).

    Joined on (node, amount bucket, day bucket) with ``p`` probing the neighbouring
    buckets, rather than on the node alone: at a busy node every payment in would
    otherwise meet every payment out within the window before the amounts are
    compared. Amount buckets are ln(1/keep) wide, so a comparable amount is in the same
    or a neighbouring one; day buckets are days + 1 wide, so a later day in the window is
    in the same or the next. Each ``p`` keeps its ``CONTINUATIONS`` best ``q``, and no
    ``q`` leaves a pool (see ``POOL``)."""
    width = num(-math.log(keep))
    span = num(days + 1)
    keys = f"""CAST(FLOOR(LN(eur) / {width}) AS BIGINT) AS ab,
           CAST(FLOOR(dn / {span}) AS BIGINT) AS db"""
    offsets = shifts((-1, 0, 1), (0, 1))
    return f"""
{name}_keyed AS (SELECT e.*, {keys} FROM e),
{name}_pools AS (
    SELECT src, db FROM {name}_keyed GROUP BY src, db HAVING COUNT(*) > {POOL}
),
{name}_next AS (
    SELECT k.* FROM {name}_keyed k
    LEFT JOIN {name}_pools b ON b.src = k.src AND b.db = k.db
    WHERE b.src IS NULL
),
{name}_probe AS (
    SELECT k.*, k.ab + f.x AS jab, k.db + f.y AS jdb
    FROM {name}_keyed k CROSS JOIN ({offsets}) f
),
{name}_all AS (
    SELECT p.seq AS s1, q.seq AS s2, p.src AS a, p.dst AS b, q.dst AS c,
           p.dn AS d1, q.dn AS d2, p.eur AS e1, q.eur AS e2,
           ROW_NUMBER() OVER (
               PARTITION BY p.seq ORDER BY ABS(q.eur - p.eur), q.dn - p.dn, q.seq
           ) AS nth
    FROM {name}_probe p JOIN {name}_next q ON q.src = p.dst AND q.ab = p.jab AND q.db = p.jdb
    WHERE q.dn >= p.dn AND q.dn <= p.dn + {days} AND {_comparable("q.eur", "p.eur", keep)}
),
{name} AS (SELECT * FROM {name}_all WHERE nth <= {CONTINUATIONS})"""


@dataclass(frozen=True)
class Cycle(Typology):
    """Cycles: money that returns to where it started through 2 to ``max_hops`` hops,
    each payment after the one before, all within ``days``.

    Round-tripping makes dirty money look like a loan repaid or a sale's proceeds, and
    layering through a few accounts that end where they began hides the origin. A
    two-hop cycle is also how refunds look, so it weighs half.

    Each hop moves at least ``min_eur`` and a comparable amount to the hop before
    (between ``keep`` and 1/``keep`` times it). A cycle's nodes are all different; it is
    keyed by the node it starts from.

    Score: retention (the last hop's amount over the first's, at most 1) x pace
    (1 - elapsed days / (2 x (``days`` + 1))) x length (0.5 for two hops, 1 for more).
    """

    name = "cycle"
    ends_involved = True
    max_hops: int = 4
    days: int = 30
    min_eur: float = 500.0
    keep: float = 0.7

    def __post_init__(self) -> None:
        check_positive(self, days=self.days, min_eur=self.min_eur)
        check_share(self, keep=self.keep)
        if self.max_hops not in (2, 3, 4):
            raise ConfigError("cycle: max_hops must be 2, 3 or 4")

    def ctes(self) -> str:
        d, k = self.days, self.keep
        score = (
            f"LEAST({num(1.0)}, el / e1) * ({num(1.0)} - (dl - d1) / {num(2.0 * (d + 1))})"
            f" * CASE WHEN hops = 2 THEN {num(0.5)} ELSE {num(1.0)} END"
        )
        # Four hops are two two-hop paths joined in the middle: far fewer partial paths
        # than extending one hop at a time from every payment.
        parts = [
            """SELECT a, s1, s2, CAST(NULL AS BIGINT) AS s3, CAST(NULL AS BIGINT) AS s4,
                  d1, d2 AS dl, e1, e2 AS el, 2 AS hops FROM two WHERE c = a"""
        ]
        if self.max_hops >= 3:
            parts.append(
                f"""SELECT t.a, t.s1, t.s2, p.seq, CAST(NULL AS BIGINT), t.d1, p.dn, t.e1,
                  p.eur, 3 FROM two t JOIN e p ON p.src = t.c AND p.dst = t.a
                  WHERE t.c <> t.a AND p.dn >= t.d2 AND p.dn <= t.d1 + {d}
                    AND {_comparable("p.eur", "t.e2", k)}"""
            )
        if self.max_hops >= 4:
            parts.append(
                f"""SELECT t.a, t.s1, t.s2, u.s1, u.s2, t.d1, u.d2, t.e1, u.e2, 4
                  FROM two t JOIN two u ON u.a = t.c AND u.c = t.a
                  WHERE t.c <> t.a AND u.b <> t.b AND u.d1 >= t.d2 AND u.d2 <= t.d1 + {d}
                    AND {_comparable("u.e1", "t.e2", k)}"""
            )
        union = "\nUNION ALL\n".join(parts)
        return f"""
e AS (SELECT seq, dn, eur, src, dst FROM pay WHERE eur >= {num(self.min_eur)}),
{_hops("two", d, k)},
cycles AS ({union}),
scored AS (SELECT cycles.*, {score} AS score FROM cycles),
evidence AS (
    SELECT * FROM (
        SELECT a AS key, score,
               CASE k.i WHEN 1 THEN s1 WHEN 2 THEN s2 WHEN 3 THEN s3 ELSE s4 END AS seq
        FROM scored CROSS JOIN ({slots(4)}) k
    ) z
    WHERE seq IS NOT NULL
)"""


@dataclass(frozen=True)
class ScatterGather(Typology):
    """Scatter-gather: one source pays several intermediaries, who each pass the money
    on to one destination.

    Splitting a sum over mules and bringing it together again elsewhere breaks the
    trail between who paid and who received, and keeps each transfer small; in
    smuggling finance it moves the takings from collectors towards the organisers.

    A path is source -> intermediary (at least ``min_eur``) then intermediary ->
    destination within ``hop_days``, a comparable amount. A detection needs
    ``min_intermediaries`` distinct intermediaries on paths from one source to one
    destination whose first payments fall in one window of ``window_days`` (two grids,
    half a window apart, as for fan-in), and the source's payments to them at least
    ``min_focus`` of all it paid in that window.

    Score: volume (0.5 at ``min_intermediaries``, 1 at twice that) x focus x
    exclusivity (what the destination got along the paths over all it received from
    the window's start until ``hop_days`` after its end).
    """

    name = "scatter_gather"
    ends_involved = True
    window_days: int = 14
    hop_days: int = 7
    min_intermediaries: int = 3
    min_eur: float = 300.0
    keep: float = 0.7
    min_focus: float = 0.5

    def __post_init__(self) -> None:
        check_positive(
            self,
            window_days=self.window_days,
            hop_days=self.hop_days,
            min_intermediaries=self.min_intermediaries,
            min_eur=self.min_eur,
        )
        check_share(self, keep=self.keep, min_focus=self.min_focus)

    def ctes(self) -> str:
        w, h = self.window_days, self.hop_days
        same = "x.s = y.s AND x.d = y.d AND x.off = y.off AND x.w = y.w"
        start = f"y.w * {w} - y.off"
        return f"""
e AS (SELECT seq, dn, eur, src, dst FROM pay WHERE eur >= {num(self.min_eur)}),
{_hops("hops", h, self.keep)},
{grids(w)},
paths AS (
    SELECT h.a AS s, h.b AS m, h.c AS d, h.s1, h.s2, h.e1, h.e2, g.off,
           {window_of("h.d1", w)} AS w
    FROM hops h CROSS JOIN grids g WHERE h.c <> h.a
),
wins AS (
    SELECT s, d, off, w FROM paths GROUP BY s, d, off, w
    HAVING COUNT(DISTINCT m) >= {self.min_intermediaries}
),
sel AS (SELECT x.* FROM paths x JOIN wins y ON {same}),
measured AS (
    SELECT s, d, off, w, COUNT(DISTINCT m) AS k,
           SUM(CASE WHEN first_out = 1 THEN e1 ELSE {num(0.0)} END) AS sent,
           SUM(CASE WHEN first_in = 1 THEN e2 ELSE {num(0.0)} END) AS got
    FROM (
        SELECT sel.*,
               ROW_NUMBER() OVER (PARTITION BY s, d, off, w, s1 ORDER BY s2) AS first_out,
               ROW_NUMBER() OVER (PARTITION BY s, d, off, w, s2 ORDER BY s1) AS first_in
        FROM sel
    ) z
    GROUP BY s, d, off, w
),
paid AS (
    SELECT y.s, y.d, y.off, y.w, SUM(p.eur) AS paid FROM wins y
    JOIN pay p ON p.src = y.s AND p.dn >= {start} AND p.dn <= {start} + {w - 1}
    GROUP BY y.s, y.d, y.off, y.w
),
received AS (
    SELECT y.s, y.d, y.off, y.w, SUM(p.eur) AS received FROM wins y
    JOIN pay p ON p.dst = y.d AND p.dn >= {start} AND p.dn <= {start} + {w - 1 + h}
    GROUP BY y.s, y.d, y.off, y.w
),
scored AS (
    SELECT x.s, x.d, x.off, x.w,
           {volume("x.k", self.min_intermediaries)} * (x.sent / y.paid)
               * (x.got / z.received) AS score
    FROM measured x JOIN paid y ON {same}
    JOIN received z ON z.s = x.s AND z.d = x.d AND z.off = x.off AND z.w = x.w
    WHERE x.sent >= {num(self.min_focus)} * y.paid
),
evidence AS (
    SELECT x.s || '>' || x.d AS key, x.score, CASE k.i WHEN 1 THEN y.s1 ELSE y.s2 END AS seq
    FROM scored x JOIN sel y ON {same} CROSS JOIN ({slots(2)}) k
)"""
