"""Why two records do or do not match: the model's waterfall for one pair.

The latest run's trained model scores the pair (Splink's own figures): each comparison
contributes a match weight (log2 of its Bayes factor, with the name's term-frequency
adjustment), added to the prior weight; the sum is the pair's match weight, and the
probability follows. Hub phones and held accounts of the latest run are removed first, as
in the run. The run's corroboration (``context.py``) is the last step, counted on the
reader's view of the two records' links.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import orjson

from undertow.errors import ConfigError, NotFoundError
from undertow.resolve.context import Corroboration
from undertow.resolve.keys import COUNTERPART
from undertow.resolve.pipeline import BLOCKING_ONLY
from undertow.resolve.records import ACCOUNT_LINK, PHONE_LINK, build_parties
from undertow.resolve.views import canonical_ids
from undertow.store import Store
from undertow.store.scope import Scope


@dataclass(frozen=True)
class Step:
    comparison: str
    level: str
    left: Any
    right: Any
    match_weight: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "comparison": self.comparison,
            "level": self.level,
            "left": self.left,
            "right": self.right,
            "match_weight": round(self.match_weight, 3),
        }


@dataclass
class Explanation:
    left_id: str
    right_id: str
    prior_weight: float
    steps: list[Step] = field(default_factory=list)

    @property
    def match_weight(self) -> float:
        return self.prior_weight + sum(s.match_weight for s in self.steps)

    @property
    def match_probability(self) -> float:
        return 1 / (1 + 2**-self.match_weight)

    def to_dict(self) -> dict[str, Any]:
        return {
            "left_id": self.left_id,
            "right_id": self.right_id,
            "prior_weight": round(self.prior_weight, 3),
            "steps": [s.to_dict() for s in self.steps],
            "match_weight": round(self.match_weight, 3),
            "match_probability": round(self.match_probability, 6),
        }


def _columns(comparison: dict[str, Any]) -> list[str]:
    name = comparison["output_column_name"]
    return {
        "name": ["name_key", "name_skeletons"],
        "birth_date": ["dob_exact", "dob_month", "dob_year"],
        "address": ["address_tokens"],
    }.get(name, [name])


def explain(store: Store, left_id: str, right_id: str, scope: Scope | None = None) -> Explanation:
    """The waterfall for a pair, computed on what ``scope`` may see of the two records
    (the run itself compared everything; a reader is shown only their part)."""
    from splink import Linker

    from undertow.resolve.engines import duckdb_api, for_dialect

    row = store.one(
        "SELECT model, id, corroboration FROM resolution_runs ORDER BY finished_at DESC LIMIT 1"
    )
    if row is None:
        raise ConfigError("no resolution run yet: run `undertow resolve` first")
    model = for_dialect(orjson.loads(row[0]), "duckdb")
    model["retain_intermediate_calculation_columns"] = True
    model["retain_matching_columns"] = True
    parties = build_parties(store, [left_id, right_id], scope).to_pylist()
    by_id = {p["unique_id"]: p for p in parties}
    for ref in (left_id, right_id):
        if ref not in by_id:
            raise NotFoundError(f"{ref!r} is not a person or organisation record")
    # Only the two records' own values are looked up: the run keeps every hub and every
    # name's frequency, hundreds of thousands of rows at a million records.
    values = sorted(
        {
            v
            for p in by_id.values()
            for column in ("phones", "accounts", "counterparties")
            for v in p.get(column) or []
        }
    )
    hubs = {
        (r[0], r[1])
        for r in store.fetchall(
            "SELECT key_type, value FROM resolve_links "
            f"WHERE key_type IN ('phone', 'held account', '{COUNTERPART}') "
            "AND list_contains(?::VARCHAR[], value)",
            [values],
        )
    }
    tf = dict(
        store.fetchall(
            "SELECT name_key, tf FROM resolve_tf WHERE list_contains(?::VARCHAR[], name_key)",
            [sorted({p["name_key"] for p in by_id.values() if p.get("name_key")})],
        )
    )
    records = []
    linked: list[set[str]] = []
    personal: list[set[str]] = []
    for ref in (left_id, right_id):
        record = dict(by_id[ref])
        personal.append(
            {c for c in record.get("counterparties") or [] if (COUNTERPART, c) not in hubs}
        )
        # As in the run (pipeline.prepare): hub lines and accounts are counterparts.
        linked.append(
            set(record.get("counterparties") or [])
            | {PHONE_LINK + p for p in record.get("phones") or [] if ("phone", p) in hubs}
            | {
                ACCOUNT_LINK + a
                for a in record.get("accounts") or []
                if ("held account", a) in hubs
            }
        )
        phones = [p for p in (record.get("phones") or []) if ("phone", p) not in hubs]
        record["phones"] = phones or None
        held = [a for a in (record.get("accounts") or []) if ("held account", a) not in hubs]
        record["accounts"] = held or None
        record["phone1"] = phones[0] if phones else None
        record["tf_name_key"] = tf.get(record.get("name_key"))
        record.update(dict.fromkeys(BLOCKING_ONLY))
        records.append(record)
    linker = Linker(duckdb_api().register(_table(records)), model, log_level=None)
    scored = linker.inference.score_pair(records[0], records[1]).as_record_list()[0]
    lam = model["probability_two_random_records_match"]
    result = Explanation(left_id, right_id, math.log2(lam / (1 - lam)))
    for comparison in model["comparisons"]:
        name = comparison["output_column_name"]
        gamma = int(scored[f"gamma_{name}"])
        levels = [lv for lv in comparison["comparison_levels"] if not lv.get("is_null_level")]
        if gamma < 0:
            label, weight = "missing on one side", 0.0
        else:
            level = levels[len(levels) - 1 - gamma]
            label = level.get("label_for_charts") or level.get("sql_condition", "")
            weight = float(scored.get(f"mw_{name}") or 0.0)
            weight += float(scored.get(f"mw_tf_adj_{name}") or 0.0)
        cols = _columns(comparison)
        left = {c: scored.get(f"{c}_l") for c in cols}
        right = {c: scored.get(f"{c}_r") for c in cols}
        result.steps.append(Step(name, label, _one(left), _one(right), weight))
    if row[2] is not None:
        estimate = Corroboration.from_dict(orjson.loads(row[2]))
        agencies = (by_id[left_id]["agency"], by_id[right_id]["agency"])
        same = agencies[0] == agencies[1]
        result.steps.append(
            _corroboration(store, (left_id, right_id), personal if same else linked, same, estimate)
        )
    return result


def _corroboration(
    store: Store,
    ids: tuple[str, str],
    linked: list[set[str]],
    same_agency: bool,
    estimate: Corroboration,
) -> Step:
    """The run's corroboration step (``context.py``) on what the reader sees of the two
    records' links (within one agency, the personal ones only), their counterparts named
    by canonical id."""
    name = "corroboration"
    factor = estimate.factor(same_agency)
    where = "within the agency" if same_agency else "across agencies"
    if factor is None:
        return Step(name, f"not estimated {where}", None, None, 0.0)
    if not linked[0] or not linked[1]:
        # Within an agency a side may have links, all of them busy: none is personal.
        label = "no personal counterpart on one side" if same_agency else "missing on one side"
        return Step(name, label, len(linked[0]), len(linked[1]), 0.0)
    canonical = canonical_ids(store, sorted(linked[0] | linked[1] | set(ids)))
    selves = {canonical.get(i, i) for i in ids}
    left, right = ({canonical.get(c, c) for c in side} - selves for side in linked)
    shared = len(left & right)
    kind = "personal counterpart" if same_agency else "resolved counterpart"
    label = (
        f"{shared} {kind}{'s' if shared > 1 else ''} in common {where}"
        if shared
        else f"no {kind} in common"
    )
    return Step(name, label, len(left), len(right), factor.weight(shared))


def _one(values: dict[str, Any]) -> Any:
    return next(iter(values.values())) if len(values) == 1 else values


def _table(records: list[dict[str, Any]]) -> Any:
    import pyarrow as pa

    return pa.Table.from_pylist(records)
