"""Corroboration across agencies: two records linked to the same resolved counterparts.

Splink weighs what two records say of themselves. What they are linked to says more
once a first clustering has resolved the other side of the links: the British record of
a man landed from a boat lists thirty fellow passengers, the French record of the same
crossing sixteen, and once those passengers are resolved the two lists overlap.

Within one agency the same overlap says little. A hawala ledger links every customer to
the one shop, namesakes among them; the agency's own way of recording makes the
overlap, not the person. Only pairs from different agencies are weighed here: there, a
counterpart in common is two sources observing the same tie.

The weight is a Fellegi-Sunter Bayes factor estimated from the run's own records:

* m -- the share of cross-agency pairs the model matched with confidence (both records
  with counterparts) that have a resolved counterpart in common;
* u -- the share of all cross-agency record pairs (both with counterparts) that do,
  counted from each counterpart's records per agency. A pair with two counterparts in
  common is counted twice, so u errs high and the weight low.

Pairs with nothing in common get the complementary weight, log2((1 - m) / (1 - u)).
"""

from __future__ import annotations

import logging
import math
from dataclasses import asdict, dataclass, field, replace
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pyarrow as pa

log = logging.getLogger(__name__)

CONFIDENT = 0.99
"""A model match this sure is taken as a match when m is estimated."""
MIN_CONFIDENT = 20
"""Fewer confident cross-agency pairs with counterparts than this estimate nothing."""
M_BOUNDS = (0.01, 0.99)


@dataclass(frozen=True)
class Corroboration:
    m: float
    u: float
    confident_pairs: int
    """Confident cross-agency pairs (both with counterparts) m was estimated from."""
    rounds: int = 1
    """Clusterings the pairs were weighed on before the clustering stood (the run's)."""
    crossed_pairs: frozenset[tuple[str, str]] = field(default=frozenset(), compare=False)
    """The pairs the weight moved across the merge threshold, either way, as
    (``unique_id_l``, ``unique_id_r``); the run keeps only their number."""

    @property
    def crossed(self) -> int:
        return len(self.crossed_pairs)

    @classmethod
    def from_dict(cls, kept: dict[str, Any]) -> Corroboration:
        """The estimate as a run kept it (``to_dict``): the pairs crossed are not kept."""
        return cls(kept["m"], kept["u"], kept["confident_pairs"], kept.get("rounds", 1))

    @property
    def shared_weight(self) -> float:
        return math.log2(self.m / self.u)

    @property
    def unshared_weight(self) -> float:
        return math.log2((1 - self.m) / (1 - self.u))

    def weight(self, shared: int) -> float:
        return self.shared_weight if shared > 0 else self.unshared_weight

    def to_dict(self) -> dict[str, Any]:
        kept = {k: v for k, v in asdict(self).items() if k != "crossed_pairs"}
        return kept | {"crossed": self.crossed}


def corroborate(
    parties: pa.Table, pairs: pa.Table, first: pa.Table, threshold: float
) -> tuple[pa.Table, Corroboration | None]:
    """``pairs`` (Splink's ``unique_id_l``, ``unique_id_r``, ``match_probability``,
    ``match_weight``) with the corroboration of each cross-agency pair added to its
    weight and probability, and the estimate; ``pairs`` unchanged, with ``None``, where
    the run cannot estimate it.

    ``parties`` has ``unique_id``, ``agency`` and ``counterparties``; ``first`` maps the
    records on a first clustering's edges (pairs at ``threshold`` and above) to their
    ``representative``."""
    from undertow.store.store import scratch_connection

    linked = parties.column("counterparties")
    if linked.null_count == len(linked):
        return pairs, None
    con = scratch_connection()
    try:
        con.register("ctx_parties", parties.select(["unique_id", "agency", "counterparties"]))
        con.register("ctx_first", first)
        con.register("ctx_pairs", pairs)
        con.execute(
            """
            CREATE TEMP TABLE ctx_linked AS
            SELECT p.unique_id, any_value(p.agency) AS agency,
                   any_value(coalesce(me.representative, p.unique_id)) AS self,
                   list_distinct(list(coalesce(r.representative, p.c))) AS linked
            FROM (SELECT unique_id, agency, unnest(counterparties) AS c FROM ctx_parties) p
            LEFT JOIN ctx_first r ON r.entity_id = p.c
            LEFT JOIN ctx_first me ON me.entity_id = p.unique_id
            GROUP BY p.unique_id
            """
        )
        # Only cross-agency pairs of records that both have counterparts are weighed: at
        # a million records that is a few of the pairs, and the rest pass untouched.
        # A counterpart that is one of the pair itself (the two call each other) is a
        # tie between them, not a third party both are tied to.
        con.execute(
            """
            CREATE TEMP TABLE ctx_shared AS
            SELECT s.unique_id_l, s.unique_id_r, s.match_probability,
                   len(list_filter(l.linked, lambda x: list_contains(r.linked, x)
                                   AND x <> l.self AND x <> r.self)) AS shared
            FROM ctx_pairs s
            JOIN ctx_linked l ON l.unique_id = s.unique_id_l
            JOIN ctx_linked r ON r.unique_id = s.unique_id_r
            WHERE l.agency <> r.agency
            """
        )
        found, with_shared = con.execute(
            f"""
            SELECT count(*), count(*) FILTER (WHERE shared > 0) FROM ctx_shared
            WHERE match_probability >= {CONFIDENT}
            """
        ).fetchall()[0]
        random_shared, random_pairs = con.execute(
            """
            WITH per AS (
                SELECT agency, c, count(*) AS n
                FROM (SELECT agency, unnest(linked) AS c FROM ctx_linked) GROUP BY ALL),
            agencies AS (SELECT agency, count(*) AS n FROM ctx_linked GROUP BY agency)
            SELECT (SELECT coalesce(sum(a.n * b.n), 0) FROM per a JOIN per b
                      ON a.c = b.c AND a.agency < b.agency),
                   (SELECT coalesce(sum(a.n * b.n), 0) FROM agencies a JOIN agencies b
                      ON a.agency < b.agency)
            """
        ).fetchall()[0]
        if int(found) < MIN_CONFIDENT or not random_pairs:
            log.info("corroboration not estimated: %d confident cross-agency pairs", found)
            return pairs, None
        low, high = M_BOUNDS
        m = min(max(int(with_shared) / int(found), low), high)
        u = min(max(float(random_shared) / float(random_pairs), 1.0 / float(random_pairs)), high)
        estimate = Corroboration(m=m, u=u, confident_pairs=int(found))
        log.info(
            "corroboration: m %.3f, u %.2g; weights %+.2f / %+.2f",
            m,
            u,
            estimate.shared_weight,
            estimate.unshared_weight,
        )
        con.execute(
            f"""
            CREATE TEMP TABLE ctx_weighed AS
            SELECT unique_id_l, unique_id_r,
                   1.0 / (1.0 + pow(2.0, -weight)) AS match_probability,
                   weight AS match_weight, before
            FROM (
                SELECT s.unique_id_l, s.unique_id_r, s.match_probability AS before,
                       s.match_weight + CASE WHEN c.shared > 0 THEN {estimate.weight(1)!r}
                                             WHEN c.shared = 0 THEN {estimate.weight(0)!r}
                                             ELSE 0.0 END AS weight
                FROM ctx_pairs s LEFT JOIN ctx_shared c USING (unique_id_l, unique_id_r)
            )
            """
        )
        crossed = con.execute(
            """
            SELECT unique_id_l, unique_id_r FROM ctx_weighed
            WHERE (before >= ?) <> (match_probability >= ?)
            """,
            [threshold, threshold],
        ).fetchall()
        weighed = con.sql(
            "SELECT unique_id_l, unique_id_r, match_probability, match_weight FROM ctx_weighed"
        ).to_arrow_table()
    finally:
        con.close()
    pairs_crossed = frozenset((str(a), str(b)) for a, b in crossed)
    return weighed, replace(estimate, crossed_pairs=pairs_crossed)
