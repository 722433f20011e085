"""A plain-Python tracer to check the SQL one against (and the benchmark's baseline).

It walks each node's payments one by one, keeping the balance as a list of what is left
of each inflow, and takes from it first-in-first-out or in proportion: the definitions
themselves, with none of the SQL's cumulative-sum and logarithm algebra. Forward only,
no hawala legs.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Pay:
    payment: str
    src: str
    dst: str
    day: date
    eur: float
    seq: int


@dataclass
class _Left:
    """What is left in the balance of one inflow."""

    payment: str
    amount: float
    day: date


def carries(
    history: list[tuple[int, bool, Pay]], method: str, window_days: int
) -> dict[tuple[str, str], float]:
    """(inflow, outflow) -> EUR of the inflow carried in the outflow, at one node."""
    pool: list[_Left] = []  # in arrival order
    out: dict[tuple[str, str], float] = {}

    def credit(entry: _Left, p: Pay, take: float) -> None:
        entry.amount -= take
        if (p.day - entry.day).days <= window_days:
            key = (entry.payment, p.payment)
            out[key] = out.get(key, 0.0) + take

    for _seq, is_in, p in sorted(history, key=lambda e: e[0]):
        if is_in:
            pool.append(_Left(p.payment, p.eur, p.day))
            continue
        need = p.eur
        balance = sum(e.amount for e in pool)
        if method == "fifo":
            for entry in pool:
                take = min(entry.amount, need)
                if take > 0:
                    credit(entry, p, take)
                    need -= take
            # whatever is still needed came from money the records do not show
        else:
            share = 1.0 if balance <= need else need / balance
            for entry in pool:
                take = entry.amount * share
                if take > 0:
                    credit(entry, p, take)
        pool = [e for e in pool if e.amount > 1e-12]
    return out


def trace_forward(
    pays: Iterable[Pay],
    seeds: set[str],
    method: str,
    hops: int,
    window_days: int,
    dust: float = 0.0,
) -> dict[str, float]:
    """Payment -> EUR traced from ``seeds`` (summed over hops); amounts under ``dust``
    times the seeds' total (and under a cent) are not followed."""
    pays = [p for p in pays if p.eur > 0 and p.src != p.dst]
    by_node: dict[str, list[tuple[int, bool, Pay]]] = defaultdict(list)
    for p in pays:
        by_node[p.dst].append((p.seq, True, p))
        by_node[p.src].append((p.seq, False, p))
    amount = {p.payment: p.eur for p in pays}
    dst = {p.payment: p.dst for p in pays}
    tainted = {p.payment: p.eur for p in pays if p.src in seeds}
    total = dict(tainted)
    floor = max(0.01, dust * sum(tainted.values()))
    cache: dict[str, dict[tuple[str, str], float]] = {}
    for _ in range(hops - 1):
        frontier: dict[str, float] = defaultdict(float)
        for payment, traced in tainted.items():
            node = dst[payment]
            if node in seeds:
                continue
            if node not in cache:
                cache[node] = carries(by_node[node], method, window_days)
            for (i, k), carried in cache[node].items():
                if i == payment:
                    frontier[k] += carried * traced / amount[i]
        tainted = {k: min(amount[k], v) for k, v in frontier.items() if v >= floor}
        for k, v in tainted.items():
            total[k] = total.get(k, 0.0) + v
        if not tainted:
            break
    return total
