"""Typologies centred on one node: fan-in, fan-out, gather-scatter and rapid
pass-through. Each is a frozen dataclass of parameters that renders its SQL late (see
:mod:`undertow.flows.typology_base` for the frame and the evidence contract).

A node that is always busy is not suspicious for being busy today: fan-in, fan-out and
gather-scatter compare a window with the node's own pace over the rest of its active
span; pass-through reads what leaves a node first in, first out, and leaves aside a
business taking from its clientele.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar

from undertow.errors import ConfigError
from undertow.flows.typology_base import (
    CLIENTELE,
    POOL,
    Typology,
    check_positive,
    check_share,
    grids,
    num,
    span,
    volume,
    window_of,
)


def _stand_out(n_window: str, n_total: str, window_days: int) -> str:
    """How far a window stands out against the node's own pace: the window's count over
    what the node's count elsewhere, spread over its active span, predicts for a window
    of that length (plus one, so a node with no history elsewhere is not infinitely
    surprising). Needs ``span`` joined as ``s``."""
    days = f"GREATEST(s.last_dn - s.first_dn + 1 - {window_days}, {window_days})"
    expected = f"({n_total} - {n_window}) * {num(window_days)} / {days}"
    return f"{n_window} / ({expected} + {num(1.0)})"


def _fan(spec: _Fan, hub: str, party: str, account: str, tolerance: float | None) -> str:
    w = spec.window_days
    big = f"eur >= {num(spec.min_eur)}"
    if tolerance is None:
        bucket, low, high = "0", "0", "0"
    else:
        # The band in amount buckets a quarter of the tolerance wide (in log terms), so
        # that the node's history in the band is a lookup in its histogram rather than a
        # rescan of its payments for every window.
        width = num(math.log(1 + tolerance) / 4)
        bucket = f"CAST(FLOOR(LN(eur) / {width}) AS BIGINT)"
        low = f"CAST(FLOOR(LN(st.mid * {num(1 - tolerance)}) / {width}) AS BIGINT)"
        high = f"CAST(FLOOR(LN(st.mid * {num(1 + tolerance)}) / {width}) AS BIGINT)"
    return f"""
{span()},
{grids(w)},
fl AS (
    SELECT seq, dn, eur, {hub} AS hub, {party} AS party, {account} AS acc,
           CASE WHEN {big} THEN {bucket} END AS ab
    FROM pay
),
known AS (SELECT hub, party, MIN(dn) AS first_dn FROM fl GROUP BY hub, party),
hist AS (SELECT hub, ab, COUNT(*) AS n FROM fl WHERE ab IS NOT NULL GROUP BY hub, ab),
win AS (SELECT f.*, g.off, {window_of("f.dn", w)} AS w FROM fl f CROSS JOIN grids g),
stats AS (
    SELECT hub, off, w, COUNT(*) AS n_all, MEDIAN(CASE WHEN {big} THEN eur END) AS mid
    FROM win GROUP BY hub, off, w
    HAVING COUNT(DISTINCT CASE WHEN {big} THEN party END) >= {spec.min_parties}
),
bands AS (SELECT hub, off, w, n_all, {low} AS low, {high} AS high FROM stats st),
band AS (
    SELECT x.*, b.n_all FROM win x
    JOIN bands b ON b.hub = x.hub AND b.off = x.off AND b.w = x.w
    WHERE x.ab BETWEEN b.low AND b.high
),
usual AS (
    SELECT b.hub, b.off, b.w, SUM(h.n) AS n_ever FROM bands b
    JOIN hist h ON h.hub = b.hub AND h.ab BETWEEN b.low AND b.high
    GROUP BY b.hub, b.off, b.w
),
cand AS (
    SELECT b.hub, b.off, b.w, COUNT(DISTINCT b.party) AS n, COUNT(*) AS n_band,
           COUNT(DISTINCT CASE WHEN k.first_dn >= b.w * {w} - b.off THEN b.party END)
               AS n_new,
           MIN(b.n_all) AS n_all
    FROM band b JOIN known k ON k.hub = b.hub AND k.party = b.party
    GROUP BY b.hub, b.off, b.w
    HAVING COUNT(DISTINCT b.party) >= {spec.min_parties}
),
measured AS (
    SELECT c.*, {_stand_out("c.n_band", "u.n_ever", w)} AS burst,
           CAST(c.n_band AS DOUBLE) / c.n_all AS band_share
    FROM cand c JOIN usual u ON u.hub = c.hub AND u.off = c.off AND u.w = c.w
    JOIN span s ON s.node = c.hub
),
scored AS (
    SELECT hub, off, w,
           {volume("n", spec.min_parties)} * ({num(1.0)} - {num(1.0)} / burst)
               * band_share * (CAST(n_new AS DOUBLE) / n) AS score
    FROM measured
    WHERE burst >= {num(spec.min_burst)} AND band_share >= {num(spec.min_band_share)}
      AND n_new >= {num(spec.min_novelty)} * n
),
evidence AS (
    SELECT s.hub AS key, s.score, b.seq, s.hub AS node, b.acc AS account FROM scored s
    JOIN band b ON b.hub = s.hub AND b.off = s.off AND b.w = s.w
)"""


@dataclass(frozen=True)
class _Fan(Typology):
    """What fan-in and fan-out share: the parameters, their checks, and the query, seen
    from the hub's side (``_hub`` the node, ``_party`` the many, ``_account`` the hub's
    account column)."""

    _hub: ClassVar[str]
    _party: ClassVar[str]
    _account: ClassVar[str]
    window_days: int = 14
    min_parties: int = 5
    min_eur: float = 300.0
    band_tolerance: float | None = None
    min_burst: float = 3.0
    min_band_share: float = 0.5
    min_novelty: float = 0.5

    def __post_init__(self) -> None:
        check_positive(
            self, window_days=self.window_days, min_eur=self.min_eur, min_burst=self.min_burst
        )
        check_share(self, min_band_share=self.min_band_share, min_novelty=self.min_novelty)
        if self.min_parties < 2:
            raise ConfigError(f"{self.name}: min_parties must be at least 2")
        if self.band_tolerance is not None:
            check_share(self, band_tolerance=self.band_tolerance)

    def ctes(self) -> str:
        return _fan(self, self._hub, self._party, self._account, self.band_tolerance)


@dataclass(frozen=True)
class FanIn(_Fan):
    """Fan-in collection: many distinct payers into one node within a window, their
    amounts in one price band.

    Smuggling fares are paid by migrants' relatives, one payer per passenger, to a
    collector's account or shop, at a price set per route: a burst of similar payments
    from people who never paid that account before. A shop with honest customers also
    has many payers, but steadily, at varied amounts, and the same customers again.

    Per window of ``window_days`` (two grids, half a window apart), the band is the
    amounts within about ``band_tolerance`` of the window's median payment of at least
    ``min_eur`` (rounded out to buckets a quarter of the tolerance wide). A detection
    needs, in the window:

    * ``min_parties`` distinct payers in the band;
    * a burst: the band's payments at least ``min_burst`` times what the node's pace
      of payments in that band over the rest of its active span predicts (a travel
      agency that sells tickets at that price every week does not burst);
    * at least ``min_band_share`` of all the window's incoming payments, small ones
      included, in the band (a grocer's till drowns any band);
    * at least ``min_novelty`` of the band's payers paying this node for the first
      time (a shop's regulars are not new).

    Score: volume (0.5 at ``min_parties`` payers, 1 at twice that) x stand-out
    (1 - 1/burst) x band share x novelty.
    """

    name = "fan_in"
    money = "collected"
    _hub, _party, _account = "dst", "src", "dst_account"
    band_tolerance: float | None = 0.25


@dataclass(frozen=True)
class FanOut(_Fan):
    """Fan-out: one node pays many distinct beneficiaries within a window.

    Collected fares are paid on to drivers, boat pilots, safe-house keepers and to
    mules who split the takings; a payroll or a supplier run also pays many people,
    but the same ones, at the same pace every month.

    The same measures as :class:`FanIn` on the outgoing side; amounts need no common
    band unless ``band_tolerance`` is set (the people paid have different roles), so
    the band is every payment of at least ``min_eur``. Score: volume x stand-out x band
    share (those payments among all the window's outgoing ones) x novelty
    (beneficiaries first paid in the window).
    """

    name = "fan_out"
    _hub, _party, _account = "src", "dst", "src_account"


@dataclass(frozen=True)
class GatherScatter(Typology):
    """Gather-scatter: many pay into one node, which then pays out to many.

    The collector's account gathers fares from many payers and disperses them to the
    network's members and mules: a short-lived hub that keeps little. A trading
    business also has many payers and payees, but at its usual pace.

    Per window of ``window_days`` (two grids), at least ``min_payers`` distinct payers
    pay the hub at least ``min_eur`` each; from the first of those payments until
    ``hop_days`` after the window, the hub pays at least ``min_payees`` distinct
    others (not its payers) at least ``min_eur`` each, in all between ``keep`` and
    1/``keep`` times what it gathered; and the gathering stands out against the hub's
    own pace (``min_burst``, as for :class:`FanIn`).

    Score: breadth (the mean of payers/``min_payers`` and payees/``min_payees``, over
    two, at most 1) x balance (smaller over larger of the sums in and out) x stand-out
    (1 - 1/burst).
    """

    name = "gather_scatter"
    window_days: int = 14
    hop_days: int = 7
    min_payers: int = 4
    min_payees: int = 4
    min_eur: float = 300.0
    keep: float = 0.7
    min_burst: float = 3.0

    def __post_init__(self) -> None:
        check_positive(
            self,
            window_days=self.window_days,
            hop_days=self.hop_days,
            min_payers=self.min_payers,
            min_payees=self.min_payees,
            min_eur=self.min_eur,
            min_burst=self.min_burst,
        )
        check_share(self, keep=self.keep)

    def ctes(self) -> str:
        w, big = self.window_days, f"eur >= {num(self.min_eur)}"
        return f"""
{span()},
{grids(w)},
fin AS (SELECT seq, dn, eur, dst AS hub, src AS party, dst_account AS acc FROM pay WHERE {big}),
fout AS (SELECT seq, dn, eur, src AS hub, dst AS party, src_account AS acc FROM pay WHERE {big}),
total AS (SELECT hub, COUNT(*) AS n FROM fin GROUP BY hub),
gin AS (SELECT f.*, g.off, {window_of("f.dn", w)} AS w FROM fin f CROSS JOIN grids g),
gath AS (
    SELECT hub, off, w, COUNT(DISTINCT party) AS n_in, COUNT(*) AS n_pay,
           SUM(eur) AS in_eur, MIN(dn) AS first_dn
    FROM gin GROUP BY hub, off, w HAVING COUNT(DISTINCT party) >= {self.min_payers}
),
outs AS (
    SELECT g.hub, g.off, g.w, o.seq, o.party, o.eur, o.acc
    FROM gath g JOIN fout o ON o.hub = g.hub AND o.dn >= g.first_dn
        AND o.dn <= g.w * {w} - g.off + {w - 1 + self.hop_days}
    LEFT JOIN gin back ON back.hub = g.hub AND back.off = g.off AND back.w = g.w
        AND back.party = o.party
    WHERE back.seq IS NULL
),
scat AS (
    SELECT hub, off, w, COUNT(DISTINCT party) AS n_out, SUM(eur) AS out_eur
    FROM outs GROUP BY hub, off, w HAVING COUNT(DISTINCT party) >= {self.min_payees}
),
measured AS (
    SELECT g.hub, g.off, g.w, g.n_in, c.n_out,
           LEAST(g.in_eur, c.out_eur) / GREATEST(g.in_eur, c.out_eur) AS balance,
           {_stand_out("g.n_pay", "t.n", w)} AS burst
    FROM gath g JOIN scat c ON c.hub = g.hub AND c.off = g.off AND c.w = g.w
    JOIN total t ON t.hub = g.hub JOIN span s ON s.node = g.hub
),
scored AS (
    SELECT hub, off, w,
           LEAST({num(1.0)}, (n_in / {num(self.min_payers)} + n_out / {num(self.min_payees)})
                 / {num(4.0)}) * balance * ({num(1.0)} - {num(1.0)} / burst) AS score
    FROM measured
    WHERE balance >= {num(self.keep)} AND burst >= {num(self.min_burst)}
),
moved AS (
    SELECT hub, off, w, seq, acc FROM gin UNION ALL SELECT hub, off, w, seq, acc FROM outs
),
evidence AS (
    SELECT s.hub AS key, s.score, m.seq, s.hub AS node, m.acc AS account FROM scored s
    JOIN moved m ON m.hub = s.hub AND m.off = s.off AND m.w = s.w
)"""


@dataclass(frozen=True)
class PassThrough(Typology):
    """Rapid pass-through: blocks of money arrive and leave again within days.

    A mule account, a launderer's or a front's account is a conduit: it receives blocks
    of money, often several in a few days and from more than one feeder, and passes each
    on before anyone asks, keeping a fee. People also spend their wages quickly, but in
    many small payments; and a business pays out of takings from a clientele.

    Which money leaves is read first in, first out: each payment out of a node carries
    the oldest money the node holds. The records are not the account's whole statement,
    so a payment out larger than what the records show the node holding was paid from
    money they do not show (cash, an account no agency shared), put in just then: it
    carries no later arrival, and an old shortfall does not push every later arrival
    back in the queue. The opposite gap (money that left unrecorded) leaves old money
    at the head of the queue, which can only hide a pass-through, never make one.

    An arrival is an incoming payment of at least ``min_eur``, into a node that is not a
    business -- one paid by ``max_payers`` or more distinct payers in its records has a
    clientele, as the front-business scan counts one, and pays out of its takings --
    when at least ``min_blocks`` of the node's inflow within ``days`` either side of it
    came in payments of at least ``min_eur``. It has passed through when the payments
    out of at least ``min_eur`` in the ``days`` after it (the arrival's day included),
    other than back to its payer, carried at least ``share`` of it.

    A node with more than ``POOL`` payments in and out within ``days`` either side of an
    arrival is a pool there (see :mod:`undertow.flows.typology_base`): which payment
    carries which money cannot be said.

    Score: the share carried on x the share of the inflow that came in blocks. Each node
    is one detection, citing the arrivals that passed and the payments that carried
    them.
    """

    name = "pass_through"
    days: int = 5
    min_eur: float = 500.0
    share: float = 0.8
    min_blocks: float = 0.5
    max_payers: int = CLIENTELE

    def __post_init__(self) -> None:
        check_positive(self, days=self.days, min_eur=self.min_eur, max_payers=self.max_payers)
        check_share(self, share=self.share, min_blocks=self.min_blocks)

    def ctes(self) -> str:
        d, big, zero = self.days, num(self.min_eur), num(0.0)
        # Only nodes with a candidate arrival are queued (``cand``: big enough, not at
        # a business, not in a pool, and followed by enough big payments out to carry
        # it): a shop's whole history is never sorted. Positions in a node's queue are
        # cumulative euros: arrivals in the order they came, payments out in the order
        # they left (a day's arrivals before its payments out: dates are to the day).
        # ``unfunded`` is what was paid out so far that the recorded arrivals could not
        # have covered, the running maximum of the shortfall (it only grows at payments
        # out, so it is taken over them alone); a payment out carries the queue from
        # where the one before it stopped (``began``) to its cumulative sum less the
        # shortfall (``done``). ``wk`` buckets days by ``days`` + 1, so that ranges of
        # days around a payment meet on equal keys (the bucket and its neighbours)
        # rather than on every payment of the node.
        cent = num(0.01)  # overlaps under a cent are the sums' rounding, not money
        return f"""
moves AS (
    SELECT seq, dst AS node, dn, eur, 0 AS side, src AS party, dst_account AS acc FROM pay
    UNION ALL
    SELECT seq, src AS node, dn, eur, 1 AS side, dst AS party, src_account AS acc FROM pay
),
nday AS (
    SELECT node, dn, COUNT(*) AS n,
           SUM(CASE WHEN side = 1 AND eur >= {big} THEN eur ELSE {zero} END) AS out_big
    FROM moves GROUP BY node, dn
),
pace AS (
    SELECT node, dn,
           SUM(n) OVER (PARTITION BY node ORDER BY dn
                        RANGE BETWEEN {d} PRECEDING AND {d} FOLLOWING) AS around,
           SUM(out_big) OVER (PARTITION BY node ORDER BY dn
                              RANGE BETWEEN CURRENT ROW AND {d} FOLLOWING) AS ahead
    FROM nday
),
clientele AS (
    SELECT dst AS node FROM pay GROUP BY dst HAVING COUNT(DISTINCT src) >= {int(self.max_payers)}
),
cand AS (
    SELECT m.seq, m.node FROM moves m JOIN pace p ON p.node = m.node AND p.dn = m.dn
    WHERE m.side = 0 AND m.eur >= {big} AND p.around <= {POOL}
      AND p.ahead >= {num(self.share)} * m.eur
      AND m.node NOT IN (SELECT node FROM clientele)
),
flows AS (
    SELECT seq, node, dn, eur, side, party, acc,
           CAST(FLOOR(dn / {num(d + 1)}) AS BIGINT) AS wk,
           SUM(CASE WHEN side = 0 THEN eur ELSE {zero} END) OVER (
               PARTITION BY node ORDER BY dn, side, seq ROWS UNBOUNDED PRECEDING) AS cum_in,
           SUM(CASE WHEN side = 1 THEN eur ELSE {zero} END) OVER (
               PARTITION BY node ORDER BY dn, side, seq ROWS UNBOUNDED PRECEDING) AS cum_out
    FROM moves WHERE node IN (SELECT node FROM cand)
),
short AS (
    SELECT seq, node, dn, wk, eur, party, acc, cum_out,
           GREATEST(MAX(cum_out - cum_in) OVER (
               PARTITION BY node ORDER BY dn, seq ROWS UNBOUNDED PRECEDING), {zero}) AS unfunded
    FROM flows WHERE side = 1
),
outs AS (
    SELECT seq, node, dn, wk, eur, party, acc, cum_out - unfunded AS done,
           COALESCE(LAG(cum_out - unfunded) OVER (PARTITION BY node ORDER BY dn, seq),
                    {zero}) AS began
    FROM short
),
inday AS (
    SELECT node, dn, wk, SUM(eur) AS a,
           SUM(CASE WHEN eur >= {big} THEN eur ELSE {zero} END) AS blocks
    FROM flows WHERE side = 0 GROUP BY node, dn, wk
),
arr AS (
    SELECT q.seq, q.node, q.dn, q.wk, q.eur, q.party, q.acc,
           q.cum_in - q.eur AS lo, q.cum_in AS hi, SUM(i.blocks) / SUM(i.a) AS blocks
    FROM flows q JOIN cand USING (seq, node)  -- the candidates: big arrivals, side 0
    CROSS JOIN (SELECT -1 AS k UNION ALL SELECT 0 AS k UNION ALL SELECT 1 AS k) near
    JOIN inday i ON i.node = q.node AND i.wk = q.wk + near.k
        AND i.dn >= q.dn - {d} AND i.dn <= q.dn + {d}
    GROUP BY q.seq, q.node, q.dn, q.wk, q.eur, q.party, q.acc, q.cum_in
    HAVING SUM(i.blocks) >= {num(self.min_blocks)} * SUM(i.a)
),
carried AS (
    SELECT a.seq AS aseq, a.node, a.eur AS a_eur, a.blocks, o.seq, o.acc,
           LEAST(a.hi, o.done) - GREATEST(a.lo, o.began) AS part
    FROM arr a CROSS JOIN (SELECT 0 AS k UNION ALL SELECT 1 AS k) next
    JOIN outs o ON o.node = a.node AND o.wk = a.wk + next.k
        AND o.dn >= a.dn AND o.dn <= a.dn + {d} AND o.eur >= {big} AND o.party <> a.party
        AND o.done > a.lo + {cent} AND o.began < a.hi - {cent}
),
passed AS (
    SELECT aseq, node, SUM(part) / MAX(a_eur) * MAX(blocks) AS score
    FROM carried GROUP BY aseq, node
    HAVING SUM(part) >= {num(self.share)} * MAX(a_eur)
),
evidence AS (
    SELECT p.node AS key, p.score, p.aseq AS seq, p.node, a.acc AS account
    FROM passed p JOIN arr a ON a.seq = p.aseq AND a.node = p.node
    UNION ALL
    SELECT p.node, p.score, c.seq, p.node, c.acc
    FROM passed p JOIN carried c ON c.aseq = p.aseq AND c.node = p.node
)"""
