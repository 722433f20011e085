"""Search names and identifiers through a scope, with hit notices for what is hidden.

A query that reads as a phone number is matched in E.164 (national forms are read in
the searcher's agency region); one that reads as an IBAN or other code is matched on
identifiers with spacing and case removed; anything else matches names whose
accent-folded, lower-cased text contains every word of the query. Hidden matches are
never returned, only counted per owner agency as hit notices -- and not even that where
the owner's handling says "no hit".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from undertow.errors import ConfigError
from undertow.store.scope import Scope
from undertow.store.store import Store

_PHONEISH = re.compile(r"^\+?[\d\s()./-]{7,}$")
_CODEISH = re.compile(r"^(?=.*\d)[A-Za-z0-9 ./-]{5,}$")
MAX_QUERY = 200


@dataclass(frozen=True)
class HitNotice:
    agency: str
    records: int
    handling: str

    @property
    def message(self) -> str:
        plural = "record" if self.records == 1 else "records"
        return (
            f"{self.agency} holds {self.records} {plural}, handling {self.handling} — ask the owner"
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "agency": self.agency,
            "records": self.records,
            "handling": self.handling,
            "message": self.message,
        }


@dataclass(frozen=True)
class SearchHit:
    entity_id: str
    schema: str
    caption: str
    matched: list[str]

    def to_dict(self) -> dict[str, Any]:
        return {
            "entity_id": self.entity_id,
            "schema": self.schema,
            "caption": self.caption,
            "matched": self.matched,
        }


@dataclass
class SearchResult:
    query: str
    kind: str
    total: int
    hits: list[SearchHit] = field(default_factory=list)
    notices: list[HitNotice] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "kind": self.kind,
            "total": self.total,
            "hits": [h.to_dict() for h in self.hits],
            "hit_notices": [n.to_dict() for n in self.notices],
        }


def match_condition(query: str, regions: list[str]) -> tuple[str, str, list[Any]]:
    """``(kind, SQL condition on alias s, parameters)`` for a search query.

    A national phone number is read in each of ``regions`` (the searcher's first) where
    it is a valid number: an analyst may paste a partner's number as the partner wrote it.
    """
    text = query.strip()
    if not text:
        raise ConfigError("empty search query")
    if len(text) > MAX_QUERY:
        raise ConfigError(f"search query longer than {MAX_QUERY} characters")
    if _PHONEISH.match(text):
        numbers = _phone_readings(text, regions)
        if numbers:
            return "phone", "s.prop_type = 'phone' AND list_contains(?, s.value)", [numbers]
    if _CODEISH.match(text):
        code = re.sub(r"[\s./-]", "", text).upper()
        return (
            "identifier",
            "s.prop_type IN ('identifier', 'phone', 'email') "
            "AND upper(regexp_replace(s.value, '[\\s./-]', '', 'g')) = ?",
            [code],
        )
    words = [w for w in re.split(r"\s+", _fold(text)) if w]
    condition = " AND ".join("strip_accents(lower(s.value)) LIKE ?" for _ in words)
    return "name", f"s.prop_type = 'name' AND {condition}", [f"%{w}%" for w in words]


def _phone_readings(text: str, regions: list[str]) -> list[str]:
    import phonenumbers

    found: list[str] = []
    for region in regions or [None]:  # type: ignore[list-item]
        try:
            number = phonenumbers.parse(text, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
            if e164 not in found:
                found.append(e164)
    return found


def _fold(text: str) -> str:
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def search(
    store: Store,
    scope: Scope,
    query: str,
    regions: list[str] | None = None,
    limit: int = 20,
    offset: int = 0,
) -> SearchResult:
    kind, match, params = match_condition(query, regions or [])
    visible, vparams = scope.where()
    total = int(
        store.scalar(
            f"SELECT count(DISTINCT entity_id) FROM statements s WHERE {match} AND {visible}",
            [*params, *vparams],
        )
    )
    rows = store.fetchall(
        f"""
        SELECT entity_id, list(DISTINCT prop ORDER BY prop)
        FROM statements s WHERE {match} AND {visible}
        GROUP BY entity_id ORDER BY entity_id LIMIT ? OFFSET ?
        """,
        [*params, *vparams, int(limit), int(offset)],
    )
    result = SearchResult(query=query, kind=kind, total=total)
    if rows:
        ids = [r[0] for r in rows]
        captions = {
            r[0]: (r[1], r[2])
            for r in store.fetchall(
                f"""
                SELECT entity_id, min(schema),
                       coalesce(min(value) FILTER (WHERE prop = 'name'), min(value) FILTER (
                           WHERE prop_type IN ('name', 'identifier', 'phone')), entity_id)
                FROM statements s WHERE list_contains(?, entity_id) AND {visible}
                GROUP BY entity_id
                """,
                [ids, *vparams],
            )
        }
        result.hits = [
            SearchHit(eid, captions[eid][0], captions[eid][1], list(props)) for eid, props in rows
        ]
    result.notices = hit_notices(store, scope, match, params)
    return result


_HANDLING_ORDER = "CASE s.handling WHEN 'H3' THEN 3 WHEN 'H2' THEN 2 WHEN 'H1' THEN 1 ELSE 0 END"


def hit_notices(store: Store, scope: Scope, condition: str, params: list[Any]) -> list[HitNotice]:
    """Per owner agency: how many records outside the scope match ``condition``."""
    if scope.agency is None:
        return []
    hidden, hparams = scope.hidden_where()
    rows = store.fetchall(
        f"""
        SELECT s.agency, count(DISTINCT s.entity_id), max({_HANDLING_ORDER})
        FROM statements s WHERE {condition} AND {hidden}
        GROUP BY s.agency ORDER BY s.agency
        """,
        [*params, *hparams],
    )
    return [HitNotice(agency, int(n), f"H{int(level)}") for agency, n, level in rows]
