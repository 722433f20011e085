"""What every typology spec is: parameters, and SQL that yields its evidence rows.

A spec renders its query late, from its own parameters, in DuckDB's dialect using only
what Spark shares (SQLGlot transpiles it there). :func:`render` wraps the spec's common
table expressions in a fixed frame:

* before them, ``pay`` -- the payments a typology can reason about: dated to the day
  (a payment known only to the month would land on its first day and fake a burst),
  a positive amount in euros, and two different ends (money moved between one
  holder's own accounts is not a flow between parties);
* after them, the spec's ``evidence`` CTE must hold rows ``(key, score, seq, ...)``:
  ``key`` names the detection (rows with one key are one detection, and its score is
  the highest of their scores), ``seq`` an evidence payment, and any further columns
  nodes or accounts involved (null where none). The frame joins ``seq`` back to the
  payment's agency and local id and, for a spec with ``ends_involved``, adds both ends
  of the payment (nodes and accounts) as involved.

Each CTE is referenced as few times as it can be: Spark inlines a CTE wherever it is
used, so a chain of CTEs each used twice is computed an exponential number of times.

Day numbers (``dn``) are days since 1970-01-01, so windows are integer arithmetic that
both engines do the same way. Payments on one day are treated as possibly in either
order: dates are recorded to the day, and ``seq`` breaks ties by payment id, not time.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections.abc import Iterable
from typing import ClassVar, Literal

from undertow.errors import ConfigError

# A node that moves more than this many payments (of the size a typology follows) in
# one stretch of a typology's window is a pool -- a payment processor, a wholesaler, an
# exchange, a big remittance counter: what enters it mixes with everyone else's money,
# and no one payment out can be said to carry a given one on. Paths are not followed,
# and pay-outs not matched, through a pool in that stretch of time.
POOL = 50

# A node paid by this many distinct payers in its records has a clientele: it is a
# business, and pays out of its takings. The front-business scan measures usual takings
# only there; pass-through never takes such a node for a conduit.
CLIENTELE = 10

PAY = """
pay AS (
    SELECT seq, agency, local_id, DATE_DIFF('day', DATE '1970-01-01', day) AS dn,
           amount, currency, eur, src, dst, src_account, dst_account, reference
    FROM payments
    WHERE day IS NOT NULL AND COALESCE(day_precision, 'day') = 'day'
      AND eur > 0 AND src <> dst
)"""


class Typology(ABC):
    """A laundering typology: a frozen dataclass of parameters that renders to SQL."""

    name: ClassVar[str]
    merge_shared: ClassVar[bool] = True
    """Whether detections with different keys that share a payment are one detection."""
    money: ClassVar[Literal["collected", "moving", "settling"]] = "moving"
    """What the payments it cites say of the customers' money, for the ranking:
    ``collected`` from the customers, ``moving`` on towards the people it is for, or
    ``settling`` -- shops settling with each other, which says nothing of whose money
    it is."""
    ends_involved: ClassVar[bool] = False
    """Whether both ends of each evidence payment are among the accounts involved."""

    @abstractmethod
    def ctes(self) -> str:
        """Common table expressions after ``pay``, the last one named ``evidence``."""


# The columns of a rendered query that are not nodes involved.
NOT_NODES = frozenset({"key", "score", "seq", "agency", "local_id"})


def render(spec: Typology) -> str:
    """The spec's full query: one row per evidence payment of a detection, with its
    agency and local id, and the nodes involved in every other column."""
    ends = (
        ", p.src AS end_src, p.dst AS end_dst, p.src_account AS end_src_account,"
        " p.dst_account AS end_dst_account"
        if spec.ends_involved
        else ""
    )
    return f"""
WITH {PAY},
{spec.ctes()}
SELECT e.*, p.agency, p.local_id{ends}
FROM evidence e JOIN pay p ON p.seq = e.seq
"""


def slots(n: int) -> str:
    """A little table ``(i)`` of 1..n, to turn n columns of a row into n rows."""
    return " UNION ALL ".join(f"SELECT {i} AS i" for i in range(1, n + 1))


def num(value: float) -> str:
    """A float as a DOUBLE literal: a bare ``0.25`` is a DECIMAL in both engines."""
    if not math.isfinite(value):
        raise ConfigError(f"not a finite number: {value!r}")
    return f"CAST({float(value)!r} AS DOUBLE)"


def check_positive(spec: Typology, **values: float) -> None:
    for field, value in values.items():
        if not value > 0:
            raise ConfigError(f"{spec.name}: {field} must be positive, not {value!r}")


def check_share(spec: Typology, **values: float) -> None:
    for field, value in values.items():
        if not 0 < value <= 1:
            raise ConfigError(f"{spec.name}: {field} must be in (0, 1], not {value!r}")


def shifts(xs: Iterable[int], ys: Iterable[int]) -> str:
    """A little table of bucket offsets (x: amount, y: day) for an equi-join to probe
    the neighbouring buckets of a range condition."""
    return " UNION ALL ".join(f"SELECT {x} AS x, {y} AS y" for x in xs for y in ys)


def volume(count: str, minimum: int) -> str:
    """The volume factor: 0.5 at the minimum that detection needs, 1 at twice that."""
    return f"LEAST({num(1.0)}, {count} / {num(2.0 * minimum)})"


def grids(window_days: int) -> str:
    """Two grids of ``window_days`` windows, the second offset by half a window: a burst
    no longer than half a window lies whole in a window of one of them. Window ``w`` of
    grid ``off`` holds days ``w * window_days - off`` to ``w * window_days - off +
    window_days - 1``."""
    return f"grids AS (SELECT 0 AS off UNION ALL SELECT {window_days // 2} AS off)"


def window_of(dn: str, window_days: int) -> str:
    return f"CAST(FLOOR(({dn} + g.off) / {num(window_days)}) AS BIGINT)"


def span() -> str:
    """Each node's active span (first and last day with a payment in or out): the time
    base of its own baseline."""
    return """
span AS (
    SELECT node, MIN(dn) AS first_dn, MAX(dn) AS last_dn
    FROM (SELECT src AS node, dn FROM pay UNION ALL SELECT dst AS node, dn FROM pay) ends
    GROUP BY node
)"""
