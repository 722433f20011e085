"""``truth.json``, written as it is learnt, in bounded memory.

Each section goes to its own part file as entries arrive; ``close`` splices the parts
into one JSON object and deletes them. The large scenario has millions of records and
people; nothing here holds more than one entry at a time.

Layout::

    {"seed": 7, "size": "small", "profile": "default", "generated_with": {...},
     "people": {true_id: {...}}, "accounts": {true_id: {...}},
     "records": [{"agency", "entity_id", "schema", "true_id"}, ...],
     "networks": [...], "hub_identifiers": [...], "typologies": [...],
     "crossings": [...], "convoys": [...], "equipment": [...], "namesakes": [...],
     "decoys": [...],
     "unusable": [{"agency", "file", "line", "entity_id", "defect", "expected_code"}, ...],
     "counts": {...}}

A record whose every occurrence in the files was written unusable (see ``defects.py``)
stays in ``records``, flagged ``"unusable": true``: its identity is still true, but
ingest will not store it. ``unusable`` lists the broken lines themselves; ``line`` is
1-based (a CSV header is line 1), ``entity_id`` is the local id of a JSON line and
``null`` for a CSV row, whose ``entity_ids`` are the payments or call it makes.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import IO, Any

from undertow.synth.population import Account, Org, Person

_DICTS = ("people", "accounts")
_LISTS = (
    "records",
    "networks",
    "hub_identifiers",
    "typologies",
    "crossings",
    "convoys",
    "equipment",
    "namesakes",
    "decoys",
    "unusable",
)


def _dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


class TruthWriter:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.parts = path.parent / ".truth-parts"
        self.parts.mkdir(parents=True, exist_ok=True)
        self._files: dict[str, IO[str]] = {
            name: (self.parts / f"{name}.jsonl").open("w", encoding="utf-8", buffering=1 << 18)
            for name in _DICTS + _LISTS
        }
        self.counts: dict[str, int] = dict.fromkeys(_DICTS + _LISTS, 0)
        # Records by the first letter of the true id: P people, O organisations,
        # A bank accounts, W wallets, E boats, engines, vehicles, sites.
        self.record_kinds: dict[str, int] = {}

    def add(self, section: str, obj: Any) -> None:
        self._files[section].write(_dumps(obj))
        self._files[section].write("\n")
        self.counts[section] += 1

    def _keyed(self, section: str, key: str, obj: Any) -> None:
        self._files[section].write(f"{_dumps(key)}:{_dumps(obj)}\n")
        self.counts[section] += 1

    def person(self, p: Person | Org) -> None:
        if isinstance(p, Person):
            entry: dict[str, Any] = {
                "kind": "person",
                "role": p.role,
                "network": p.network,
                "category": p.category,
                "names": [p.name.canonical()],
                "nationality": p.nationality,
                "residence": p.residence,
                "birth_date": p.birth.isoformat(),
                "phones": list(dict.fromkeys(p.phones)),
            }
            if p.migrant:
                entry["migrant"] = True
        else:
            entry = {
                "kind": "company",
                "role": p.role,
                "network": p.network,
                "category": "suspect" if p.network else "other",
                "names": [p.name],
                "nationality": p.country,
                "sector": p.sector,
                "controlled_by": p.controller,
                "phones": list(p.phones),
            }
        self._keyed("people", p.true_id, entry)

    def account(self, a: Account) -> None:
        self._keyed(
            "accounts",
            a.true_id,
            {
                "holder": a.holder,
                "iban": a.iban,
                "bank": a.bank,
                "country": a.country,
                "currency": a.currency,
                "purpose": a.purpose,
            },
        )

    def wallet(self, true_id: str, holder: str, address: str) -> None:
        self._keyed(
            "accounts",
            true_id,
            {"holder": holder, "kind": "crypto", "address": address, "purpose": "crypto"},
        )

    def record(
        self,
        agency: str,
        entity_id: str,
        schema: str,
        true_id: str,
        via: str | None = None,
        *,
        unusable: bool = False,
    ) -> None:
        row: dict[str, Any] = {
            "agency": agency,
            "entity_id": entity_id,
            "schema": schema,
            "true_id": true_id,
        }
        if via:
            row["via"] = via
        if unusable:
            row["unusable"] = True
        self.add("records", row)
        kind = true_id[:1]
        self.record_kinds[kind] = self.record_kinds.get(kind, 0) + 1

    def close(self, header: dict[str, Any], footer: dict[str, Any]) -> None:
        for handle in self._files.values():
            handle.close()
        with self.path.open("w", encoding="utf-8", buffering=1 << 18) as out:
            out.write("{\n")
            for key, value in header.items():
                out.write(f"{_dumps(key)}: {_dumps(value)},\n")
            for section in _DICTS + _LISTS:
                opener, closer = ("{", "}") if section in _DICTS else ("[", "]")
                out.write(f"{_dumps(section)}: {opener}\n")
                with (self.parts / f"{section}.jsonl").open(encoding="utf-8") as part:
                    first = True
                    for line in part:
                        if not first:
                            out.write(",\n")
                        out.write(line.rstrip("\n"))
                        first = False
                out.write(f"\n{closer},\n")
            out.write(f'"counts": {_dumps({**footer, **self.counts})}\n}}\n')
        shutil.rmtree(self.parts)
