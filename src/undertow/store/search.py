"""Search names and identifiers through a scope, with hit notices for what is hidden.

A query that reads as a phone number is matched in E.164 (national forms are read in
the searcher's region and the partners'); one that reads as an IBAN or other code is
matched on identifiers with spacing and case removed; anything else matches names of
which every query word starts a word (accents and case folded). Lookups go through the
search index (``terms.py``). Hidden matches are never returned, only counted per owner
agency as hit notices -- and not even that where the owner's handling says "no hit".
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


def match_ranges(query: str, regions: list[str]) -> tuple[str, list[tuple[int, str, str]]]:
    """``(kind, [(word index, low, high)])``: the term ranges a query looks up.

    A national phone number is read in each of ``regions`` (the searcher's first) where
    it is a valid number: an analyst may paste a partner's number as the partner wrote it.
    Names match word by word, each query word as the prefix of a word of the name
    ("kar" <= term < "kas"), so the lookup is a range, not a scan.
    """
    text = query.strip()
    if not text:
        raise ConfigError("empty search query")
    if len(text) > MAX_QUERY:
        raise ConfigError(f"search query longer than {MAX_QUERY} characters")
    if _PHONEISH.match(text):
        numbers = _phone_readings(text, regions)
        if numbers:
            return "phone", [(1, n, n + "\x00") for n in numbers]
    if _CODEISH.match(text):
        code = re.sub(r"[^A-Za-z0-9+@]", "", text).upper()
        return "identifier", [(1, code, code + "\x00")]
    words = [w for w in re.split(r"[^a-z0-9]+", _fold(text)) if w][:8]
    if not words:
        raise ConfigError("the search query has no letters or digits")
    return "name", [(i, w, w[:-1] + chr(ord(w[-1]) + 1)) for i, w in enumerate(words, 1)]


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
    kind, ranges = match_ranges(query, regions or [])
    words = max(i for i, _, _ in ranges)
    term_kind = "name" if kind == "name" else "id"
    visible, vparams = scope.where()
    hidden, hparams = scope.hidden_where()
    values = ", ".join("(?, ?, ?)" for _ in ranges)
    # Entities whose visible terms answer every query word; hidden terms never count.
    base = f"""
        WITH q(i, lo, hi) AS (VALUES {values}),
        m AS (SELECT s.entity_id, s.prop, q.i, {visible} AS visible, {hidden} AS hidden,
                     s.agency, {_HANDLING_ORDER} AS level
              FROM search_terms s JOIN q ON s.term >= q.lo AND s.term < q.hi
              WHERE s.kind = '{term_kind}'),
        hits AS (SELECT entity_id, list(DISTINCT prop ORDER BY prop) AS props
                 FROM m WHERE visible GROUP BY entity_id HAVING count(DISTINCT i) = {words})
    """
    args = [*[v for r in ranges for v in r], *vparams, *hparams]
    total = int(store.scalar(base + "SELECT count(*) FROM hits", args))
    rows = store.fetchall(
        base + "SELECT entity_id, props FROM hits ORDER BY entity_id LIMIT ? OFFSET ?",
        [*args, int(limit), int(offset)],
    )
    result = SearchResult(query=query, kind=kind, total=total)
    if rows:
        result.hits = _captioned(store, scope, rows)
    if scope.agency is not None:
        notices = store.fetchall(
            base
            + f"""
            , hidden_hits AS (
                SELECT entity_id, any_value(agency) AS agency, max(level) AS level
                FROM m WHERE hidden GROUP BY entity_id HAVING count(DISTINCT i) = {words})
            SELECT agency, count(*), max(level) FROM hidden_hits
            GROUP BY agency ORDER BY agency
            """,
            args,
        )
        result.notices = [HitNotice(a, int(n), f"H{int(level)}") for a, n, level in notices]
    return result


def _captioned(store: Store, scope: Scope, rows: list[tuple[Any, ...]]) -> list[SearchHit]:
    ids = [r[0] for r in rows]
    where, params = scope.where()
    captions = {
        r[0]: (r[1], r[2])
        for r in store.fetchall(
            f"""
            SELECT entity_id, min(schema),
                   coalesce(min(value) FILTER (WHERE prop = 'name'), min(value) FILTER (
                       WHERE prop_type IN ('name', 'identifier', 'phone')), entity_id)
            FROM statements s WHERE list_contains(?, entity_id) AND {where}
            GROUP BY entity_id
            """,
            [ids, *params],
        )
    }
    return [SearchHit(eid, captions[eid][0], captions[eid][1], list(props)) for eid, props in rows]


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
