"""Corroboration: two records linked to the same resolved counterparts.

Splink weighs what two records say of themselves. What they are linked to says more
once a first clustering has resolved the other side of the links: the British record of
a man landed from a boat lists thirty fellow passengers, the French record of the same
crossing sixteen, and once those passengers are resolved the two lists overlap.

Two factors, each a Fellegi-Sunter Bayes factor estimated from the run's own records:

* **across agencies** -- any counterpart in common: two sources observing the same tie;
* **within one agency** -- only *personal* counterparts in common, those few people are
  linked to (``keys.COUNTERPART`` marks the busy ones). Within one agency a busy
  counterpart says little: a hawala ledger links every customer to the one shop,
  namesakes among them, and the agency's own way of recording makes the overlap. But a
  man who sends money home sends it to the same family each time, and a namesake at the
  same shop does not: the receiver at the far end of a transfer is personal.

For each factor:

* m -- the share of the pairs the model matched with confidence (both records with
  counterparts of that kind) that have one in common;
* u -- the share of all record pairs (both with such counterparts) that do, counted from
  each counterpart's records per agency. A pair with two counterparts in common is
  counted twice, so u errs high and the weight low.

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
class Factor:
    """One Bayes factor for counterparts in common: m, u and what m was counted from."""

    m: float
    u: float
    confident_pairs: int
    """Confident pairs (both with counterparts) m was estimated from."""

    @property
    def shared_weight(self) -> float:
        return math.log2(self.m / self.u)

    @property
    def unshared_weight(self) -> float:
        return math.log2((1 - self.m) / (1 - self.u))

    def weight(self, shared: int) -> float:
        return self.shared_weight if shared > 0 else self.unshared_weight


@dataclass(frozen=True)
class Corroboration:
    across: Factor | None
    """Any counterpart in common, for pairs of records from two agencies."""
    within: Factor | None = None
    """A personal counterpart in common, for pairs of records from one agency."""
    rounds: int = 1
    """Clusterings the pairs were weighed on before the clustering stood (the run's)."""
    crossed_pairs: frozenset[tuple[str, str]] = field(default=frozenset(), compare=False)
    """The pairs the weights moved across the merge threshold, either way, as
    (``unique_id_l``, ``unique_id_r``); the run keeps only their number."""

    @property
    def crossed(self) -> int:
        return len(self.crossed_pairs)

    def factor(self, same_agency: bool) -> Factor | None:
        return self.within if same_agency else self.across

    @classmethod
    def from_dict(cls, kept: dict[str, Any]) -> Corroboration:
        """The estimate as a run kept it (``to_dict``; a run before the within-agency
        factor kept the factor across agencies at the top level)."""

        def factor(d: dict[str, Any] | None) -> Factor | None:
            return None if d is None else Factor(d["m"], d["u"], d["confident_pairs"])

        across = kept.get("across", kept)
        return cls(factor(across), factor(kept.get("within")), kept.get("rounds", 1))

    def to_dict(self) -> dict[str, Any]:
        return {
            "across": None if self.across is None else asdict(self.across),
            "within": None if self.within is None else asdict(self.within),
            "rounds": self.rounds,
            "crossed": self.crossed,
        }


def corroborate(
    parties: pa.Table, pairs: pa.Table, first: pa.Table, threshold: float
) -> tuple[pa.Table, Corroboration | None]:
    """``pairs`` (Splink's ``unique_id_l``, ``unique_id_r``, ``match_probability``,
    ``match_weight``) with the corroboration of each pair added to its weight and
    probability, and the estimate; ``pairs`` unchanged, with ``None``, where the run
    cannot estimate either factor.

    ``parties`` has ``unique_id``, ``agency``, ``counterparties`` and (for the factor
    within agencies) ``personal``; ``first`` maps the records on a first clustering's
    edges (pairs at ``threshold`` and above) to their ``representative``."""
    from undertow.store.store import scratch_connection

    con = scratch_connection()
    try:
        con.register("ctx_first", first)
        con.register("ctx_pairs", pairs)
        across = _factor(con, parties, "counterparties", same_agency=False)
        within = (
            _factor(con, parties, "personal", same_agency=True)
            if "personal" in parties.column_names
            else None
        )
        if across is None and within is None:
            return pairs, None
        estimate = Corroboration(across, within)

        weights, joins = ["s.match_weight"], []
        for kind, factor in (("across", across), ("within", within)):
            if factor is not None:
                # A pair is weighed by one factor at most: its agencies differ or not.
                weights.append(
                    f"CASE WHEN {kind}.shared > 0 THEN {factor.weight(1)!r} "
                    f"WHEN {kind}.shared = 0 THEN {factor.weight(0)!r} ELSE 0.0 END"
                )
                joins.append(f"LEFT JOIN ctx_shared_{kind} {kind} USING (unique_id_l, unique_id_r)")
        con.execute(
            f"""
            CREATE TEMP TABLE ctx_weighed AS
            SELECT unique_id_l, unique_id_r,
                   1.0 / (1.0 + pow(2.0, -weight)) AS match_probability,
                   weight AS match_weight, before
            FROM (
                SELECT s.unique_id_l, s.unique_id_r, s.match_probability AS before,
                       {" + ".join(weights)} AS weight
                FROM ctx_pairs s {" ".join(joins)}
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


def _factor(con: Any, parties: pa.Table, column: str, *, same_agency: bool) -> Factor | None:
    """The factor for counterparts in ``column`` in common, between records of one agency
    or of two; leaves ``ctx_shared_within`` / ``ctx_shared_across`` (the weighed pairs
    with their number of counterparts in common) on ``con``. ``None`` where the run
    cannot estimate it."""
    kind = "within" if same_agency else "across"
    linked = parties.column(column)
    if linked.null_count == len(linked):
        return None
    con.register(f"ctx_parties_{kind}", parties.select(["unique_id", "agency", column]))
    con.execute(
        f"""
        CREATE TEMP TABLE ctx_linked_{kind} AS
        SELECT p.unique_id, any_value(p.agency) AS agency,
               any_value(coalesce(me.representative, p.unique_id)) AS self,
               list_distinct(list(coalesce(r.representative, p.c))) AS linked
        FROM (SELECT unique_id, agency, unnest({column}) AS c FROM ctx_parties_{kind}) p
        LEFT JOIN ctx_first r ON r.entity_id = p.c
        LEFT JOIN ctx_first me ON me.entity_id = p.unique_id
        GROUP BY p.unique_id
        """
    )
    # Only pairs of records that both have counterparts are weighed: at a million
    # records that is a few of the pairs, and the rest pass untouched. A counterpart
    # that is one of the pair itself (the two call each other) is a tie between them,
    # not a third party both are tied to.
    con.execute(
        f"""
        CREATE TEMP TABLE ctx_shared_{kind} AS
        SELECT s.unique_id_l, s.unique_id_r, s.match_probability,
               len(list_filter(l.linked, lambda x: list_contains(r.linked, x)
                               AND x <> l.self AND x <> r.self)) AS shared
        FROM ctx_pairs s
        JOIN ctx_linked_{kind} l ON l.unique_id = s.unique_id_l
        JOIN ctx_linked_{kind} r ON r.unique_id = s.unique_id_r
        WHERE (l.agency = r.agency) = {same_agency}
        """
    )
    found, with_shared = con.execute(
        f"""
        SELECT count(*), count(*) FILTER (WHERE shared > 0) FROM ctx_shared_{kind}
        WHERE match_probability >= {CONFIDENT}
        """
    ).fetchall()[0]
    # Record pairs tied to one counterpart, and all record pairs: between two agencies
    # (a x b per counterpart), or within one (n choose 2).
    pair_count = (
        "coalesce(sum(a.n * (a.n - 1) / 2), 0) FROM {t} a"
        if same_agency
        else "coalesce(sum(a.n * b.n), 0) FROM {t} a JOIN {t} b ON {on} AND a.agency < b.agency"
    )
    random_shared, random_pairs = con.execute(
        f"""
        WITH per AS (
            SELECT agency, c, count(*) AS n
            FROM (SELECT agency, unnest(linked) AS c FROM ctx_linked_{kind}) GROUP BY ALL),
        agencies AS (SELECT agency, count(*) AS n FROM ctx_linked_{kind} GROUP BY agency)
        SELECT (SELECT {pair_count.format(t="per", on="a.c = b.c")}),
               (SELECT {pair_count.format(t="agencies", on="TRUE")})
        """
    ).fetchall()[0]
    if int(found) < MIN_CONFIDENT or not random_pairs:
        log.info("corroboration %s agencies not estimated: %d confident pairs", kind, found)
        return None
    low, high = M_BOUNDS
    m = min(max(int(with_shared) / int(found), low), high)
    u = min(max(float(random_shared) / float(random_pairs), 1.0 / float(random_pairs)), high)
    factor = Factor(m=m, u=u, confident_pairs=int(found))
    log.info(
        "corroboration %s agencies: m %.3f, u %.2g; weights %+.2f / %+.2f",
        kind,
        m,
        u,
        factor.shared_weight,
        factor.unshared_weight,
    )
    return factor
