"""The transaction graph as one reader may see it: payments over canonical entities.

Read through the reader's scope, as every analysis is. A Payment the reader may see is
in the graph; one they may not see is not -- the money it moved is simply not there
for them. A visible payment that names a party or account the reader may not see keeps
that end as the id the payment names (which the reader can already read) with a hit
notice, and is never mapped to a canonical id: that would tell them which visible
person the hidden record was matched to.

Account holders come from ``Ownership`` (owner -> asset) and a wallet's ``holder``; an
account with one holder is folded into that holder, a joint account stays a node of its
own. The same payment recorded twice -- by two agencies (a transfer between two accounts
under two production orders), or on the payer's and the payee's statement in one
agency's production -- is counted once: of the records of one (source, destination, day,
amount, currency), those of the view holding most of them are kept, a view being an
agency and, between two named accounts, the party records it names. So is a transfer two
agencies recorded from its two ends in the two accounts' currencies, a day or two apart
(``_SECOND_VIEWS``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

import pyarrow as pa

from undertow.flows.columns import NODES, PAYMENTS
from undertow.flows.rates import load_rates, to_eur_sql
from undertow.store import Store
from undertow.store.scope import Scope

# Tokens a payment in which is a crypto transfer, whatever the record calls it.
CRYPTO_CURRENCIES = ("BTC", "ETH", "USDT", "USDC", "TRX", "XMR", "LTC", "BNB")

# The schema a node is shown as, most specific first.
_SCHEMA_ORDER = ("Person", "Company", "Organization", "LegalEntity", "CryptoWallet", "BankAccount")


@dataclass
class PaymentTables:
    payments: pa.Table
    nodes: pa.Table

    @cached_property
    def hidden(self) -> set[str]:
        """Nodes the reader may not see (shown only with a hit notice)."""
        return {n for n, notice in self.by_node("notice").items() if notice}

    def by_node(self, column: str) -> dict[str, Any]:
        """One column of ``nodes`` keyed by node."""
        nodes = self.nodes
        return dict(
            zip(nodes.column("node").to_pylist(), nodes.column(column).to_pylist(), strict=True)
        )


def payment_tables(store: Store, scope: Scope, rates_path: str | None = None) -> PaymentTables:
    """The reader's ``payments`` and ``nodes`` (schemas in :mod:`undertow.flows.columns`)."""
    where, params = scope.where("s")
    crypto = ", ".join(f"'{c}'" for c in CRYPTO_CURRENCIES)
    rates = load_rates(rates_path)
    store.con.register("flow_rates", rates)
    # Every stage reads the statements the reader may see. Not materialised: it is
    # every visible statement, and a stage reads only the columns and schemas it needs.
    vis = f"vis AS NOT MATERIALIZED (SELECT * FROM statements s WHERE {where})"
    try:
        _drop(store, ("payments", *_STAGES))
        # Each stage is a table of its own, so that the engine knows its size. In one
        # query, at ten million payments, the joins were estimated from the statements
        # and built on the payments, once per join, past what DuckDB could spill.
        store.execute(
            f"""
            CREATE TEMP TABLE flow_raw AS WITH {vis}
            SELECT entity_id AS payment, any_value(agency) AS agency,
                   any_value(local_id) AS local_id,
                   min(value) FILTER (WHERE prop = 'date') AS date_text,
                   min(value) FILTER (WHERE prop = 'amount') AS amount_text,
                   min(value) FILTER (WHERE prop = 'currency') AS currency,
                   min(value) FILTER (WHERE prop = 'payer') AS payer,
                   min(value) FILTER (WHERE prop = 'beneficiary') AS beneficiary,
                   min(value) FILTER (WHERE prop = 'payerAccount') AS payer_account,
                   min(value) FILTER (WHERE prop = 'beneficiaryAccount')
                       AS beneficiary_account,
                   min(value) FILTER (WHERE prop = 'transactionNumber') AS reference,
                   min(value) FILTER (WHERE prop = 'purpose') AS purpose
            FROM vis WHERE schema = 'Payment' GROUP BY entity_id
            """,
            params,
        )
        store.execute(
            f"""
            CREATE TEMP TABLE flow_seen AS WITH {vis}
            -- The ends a payment can name: not the payments themselves, nine in ten of a
            -- financial production's entities.
            SELECT v.entity_id, coalesce(c.canonical_id, v.entity_id) AS cid
            FROM (SELECT DISTINCT entity_id FROM vis WHERE schema <> 'Payment') v
            LEFT JOIN canonical c USING (entity_id)
            """,
            params,
        )
        store.execute(
            f"""
            CREATE TEMP TABLE flow_holder AS
            WITH {vis},
            owned AS (
                SELECT min(value) FILTER (WHERE prop = 'asset') AS asset,
                       min(value) FILTER (WHERE prop = 'owner') AS owner
                FROM vis WHERE schema = 'Ownership' GROUP BY entity_id
                UNION ALL
                SELECT entity_id, value FROM vis WHERE schema = 'CryptoWallet' AND prop = 'holder')
            SELECT coalesce(a.cid, o.asset) AS account,
                   CASE WHEN count(DISTINCT coalesce(h.cid, o.owner)) = 1
                        THEN min(coalesce(h.cid, o.owner)) END AS owner
            FROM owned o LEFT JOIN flow_seen a ON a.entity_id = o.asset
            LEFT JOIN flow_seen h ON h.entity_id = o.owner
            WHERE o.asset IS NOT NULL AND o.owner IS NOT NULL GROUP BY 1
            """,
            params,
        )
        store.execute(
            f"""
            CREATE TEMP TABLE flow_kinds AS WITH {vis}
            SELECT entity_id, min(schema) FILTER (WHERE schema = 'CryptoWallet') AS wallet,
                   min(schema) FILTER (WHERE schema = 'BankAccount') AS bank
            FROM vis WHERE schema IN ('CryptoWallet', 'BankAccount') GROUP BY entity_id
            """,
            params,
        )
        store.execute(
            f"""
            CREATE TEMP TABLE flow_placed AS
            WITH
            ends AS (
                SELECT r.*,
                       coalesce(sp.cid, r.payer) AS src_party,
                       coalesce(dp.cid, r.beneficiary) AS dst_party,
                       coalesce(sa.cid, r.payer_account) AS src_account,
                       coalesce(da.cid, r.beneficiary_account) AS dst_account,
                       CASE
                           WHEN ks.wallet IS NOT NULL OR kd.wallet IS NOT NULL
                                OR kp.wallet IS NOT NULL OR kb.wallet IS NOT NULL
                                OR r.currency IN ({crypto}) THEN 'crypto'
                           WHEN ks.bank IS NOT NULL OR kd.bank IS NOT NULL
                                OR r.payer_account IS NOT NULL
                                OR r.beneficiary_account IS NOT NULL THEN 'bank'
                           WHEN regexp_matches(lower(coalesce(r.purpose, '')),
                                               '\\bcash\\b|withdraw|atm\\b') THEN 'cash'
                           WHEN r.reference IS NOT NULL THEN 'hawala'
                           ELSE 'other' END AS channel
                FROM flow_raw r
                LEFT JOIN flow_seen sp ON sp.entity_id = r.payer
                LEFT JOIN flow_seen dp ON dp.entity_id = r.beneficiary
                LEFT JOIN flow_seen sa ON sa.entity_id = r.payer_account
                LEFT JOIN flow_seen da ON da.entity_id = r.beneficiary_account
                LEFT JOIN flow_kinds ks ON ks.entity_id = r.payer_account
                LEFT JOIN flow_kinds kd ON kd.entity_id = r.beneficiary_account
                LEFT JOIN flow_kinds kp ON kp.entity_id = r.payer
                LEFT JOIN flow_kinds kb ON kb.entity_id = r.beneficiary),
            placed AS (
                SELECT e.* EXCLUDE (payer, beneficiary, payer_account, beneficiary_account,
                                    date_text, amount_text),
                       -- Whose record of the payment this is: the agency's, and between
                       -- two named accounts, the party records it names. The payer's
                       -- statement and the payee's name the two ends through different
                       -- records; one statement names the same ones on every line.
                       e.agency || CASE
                           WHEN e.payer_account IS NOT NULL
                                AND e.beneficiary_account IS NOT NULL
                           THEN '|' || coalesce(e.payer, '') || '|' || coalesce(e.beneficiary, '')
                           ELSE '' END AS view,
                       coalesce(e.src_party, hs.owner, e.src_account) AS src,
                       coalesce(e.dst_party, hd.owner, e.dst_account) AS dst,
                       TRY_CAST(e.amount_text AS DOUBLE) AS amount,
                       TRY_CAST(CASE length(e.date_text)
                                    WHEN 4 THEN e.date_text || '-01-01'
                                    WHEN 7 THEN e.date_text || '-01'
                                    ELSE substr(e.date_text, 1, 10) END AS DATE) AS day,
                       CASE length(e.date_text) WHEN 4 THEN 'year' WHEN 7 THEN 'month'
                            ELSE 'day' END AS day_precision
                FROM ends e
                LEFT JOIN flow_holder hs ON hs.account = e.src_account
                LEFT JOIN flow_holder hd ON hd.account = e.dst_account)
            SELECT * FROM placed
            WHERE src IS NOT NULL AND dst IS NOT NULL AND amount > 0 AND day IS NOT NULL
            """
        )
        _drop(store, ("raw", "seen", "holder", "kinds"))
        # Of the records of one payment, those of the view holding most of them (then
        # the first view by name). Aggregates and a join, not windows: a window
        # partitioned over ten million wide rows held more than DuckDB could spill.
        store.execute(
            """
            CREATE TEMP TABLE flow_payments AS
            WITH copies AS (
                SELECT src, dst, day, amount, currency, view, count(*) AS n
                FROM flow_placed GROUP BY ALL),
            chosen AS (
                SELECT src, dst, day, amount, currency, min({'n': -n, 'view': view}) AS best
                FROM copies GROUP BY ALL)
            SELECT p.* EXCLUDE (view)
            FROM flow_placed p JOIN chosen c
                ON c.src = p.src AND c.dst = p.dst AND c.day = p.day AND c.amount = p.amount
                AND c.currency IS NOT DISTINCT FROM p.currency AND c.best.view = p.view
            """
        )
        _drop(store, ("placed",))
        payments = store.arrow(
            f"""
            WITH converted AS ({to_eur_sql("flow_payments", "flow_rates")}),
            {_SECOND_VIEWS}
            SELECT c.payment, c.agency, c.local_id, c.day, c.day_precision, c.amount,
                   c.currency, c.eur, c.src, c.dst, c.src_account, c.dst_account,
                   c.src_party, c.dst_party, c.reference, c.purpose, c.channel,
                   row_number() OVER (ORDER BY c.day, c.payment) AS seq
            FROM converted c ANTI JOIN second_views d ON d.payment = c.payment
            ORDER BY seq
            """
        ).cast(PAYMENTS)
        nodes = _nodes(store, where, params)
    finally:
        store.con.unregister("flow_rates")
        _drop(store, ("payments", *_STAGES))
    return PaymentTables(payments, nodes)


# The temporary tables the payment table is built through (``flow_<stage>``).
_STAGES = ("raw", "seen", "holder", "kinds", "placed")


def _drop(store: Store, stages: tuple[str, ...]) -> None:
    for stage in stages:
        store.execute(f"DROP TABLE IF EXISTS temp.flow_{stage}")


SETTLEMENT_DAYS = 2
"""Days between the two ends' records of one transfer (a payment booked on the payer's
account one day can be credited two days later)."""
FX_TOLERANCE = 0.05
"""How far the two ends' amounts of one transfer may differ in euros: each end converts
at its bank's rate and charges, this table at the month's rate."""

# The same transfer recorded by two agencies from its two ends, in the two accounts'
# currencies: the payer's statement in pounds, the payee's in euros, a day or two
# apart. Between the records of one pair of accounts that two agencies hold in
# different currencies, each record of the lesser agency (fewer records of the pair,
# then the later name) is the same transfer as its nearest record of the greater --
# within the settlement days and the tolerance; nearest day, then amount, then the same
# place among that day's records; each the other's nearest, so one transfer meets one
# copy and repeated equal payments pair off in order. One agency's records are never
# taken for one transfer (nor records in one currency: both ends of a transfer in one
# currency carry the same amount, and are found as exact copies above).
_SECOND_VIEWS = f"""
acct AS (
    SELECT payment, agency, currency, src_account, dst_account, day, eur,
           count(*) OVER (PARTITION BY src_account, dst_account, agency) AS n_agency,
           row_number() OVER (PARTITION BY src_account, dst_account, agency, day
                              ORDER BY eur, payment) AS nth
    FROM converted
    WHERE src_account IS NOT NULL AND dst_account IS NOT NULL AND eur > 0),
pairs_seen AS (
    SELECT src_account, dst_account FROM acct
    GROUP BY ALL HAVING count(DISTINCT agency) > 1 AND count(DISTINCT currency) > 1),
candidates AS (
    SELECT x.payment AS kept, x.agency AS kept_by, y.payment AS copy, y.agency AS copy_by,
           abs(date_diff('day', x.day, y.day)) AS dd,
           abs(x.eur - y.eur) / greatest(x.eur, y.eur) AS gap, abs(x.nth - y.nth) AS dn
    FROM acct x SEMI JOIN pairs_seen USING (src_account, dst_account)
    JOIN acct y ON y.src_account = x.src_account AND y.dst_account = x.dst_account
        AND (x.n_agency > y.n_agency OR (x.n_agency = y.n_agency AND x.agency < y.agency))
        AND y.currency <> x.currency
        AND y.day BETWEEN x.day - {SETTLEMENT_DAYS} AND x.day + {SETTLEMENT_DAYS}
    WHERE abs(x.eur - y.eur) <= {FX_TOLERANCE} * greatest(x.eur, y.eur)),
nearest_copy AS (
    SELECT kept, copy_by, min({{'d': dd, 'g': gap, 'n': dn, 'p': copy}}) AS m
    FROM candidates GROUP BY kept, copy_by),
nearest_kept AS (
    SELECT copy, kept_by, min({{'d': dd, 'g': gap, 'n': dn, 'p': kept}}) AS m
    FROM candidates GROUP BY copy, kept_by),
second_views AS (
    SELECT DISTINCT c.copy AS payment FROM candidates c
    JOIN nearest_copy a ON a.kept = c.kept AND a.copy_by = c.copy_by AND a.m.p = c.copy
    JOIN nearest_kept b ON b.copy = c.copy AND b.kept_by = c.kept_by AND b.m.p = c.kept)
"""


def _nodes(store: Store, where: str, params: list[str]) -> pa.Table:
    order = ", ".join(f"'{s}'" for s in _SCHEMA_ORDER)
    return store.arrow(
        f"""
        WITH ends AS (
            SELECT src AS node FROM flow_payments UNION SELECT dst FROM flow_payments
            UNION SELECT src_account FROM flow_payments WHERE src_account IS NOT NULL
            UNION SELECT dst_account FROM flow_payments WHERE dst_account IS NOT NULL),
        vis AS (SELECT * FROM statements s WHERE {where}),
        members AS (
            SELECT coalesce(c.canonical_id, v.entity_id) AS node, v.*
            FROM vis v LEFT JOIN canonical c USING (entity_id)
            WHERE v.schema <> 'Payment'),
        described AS (
            SELECT node,
                   min(value) FILTER (WHERE prop = 'name') AS name,
                   min(schema ORDER BY list_position([{order}], schema)) AS schema,
                   lower(coalesce(
                       min(value) FILTER (WHERE prop IN ('country', 'jurisdiction')),
                       min(substr(value, 1, 2)) FILTER (WHERE prop = 'iban'),
                       min(value) FILTER (WHERE prop = 'nationality'))) AS country
            FROM members WHERE node IN (SELECT node FROM ends) GROUP BY node)
        SELECT e.node, d.name, d.schema, d.country, CAST(NULL AS VARCHAR) AS role,
               CASE WHEN d.node IS NULL THEN
                   'no record you may see: ask ' || split_part(e.node, '.', 1) END AS notice
        FROM ends e LEFT JOIN described d USING (node) ORDER BY e.node
        """,
        params,
    ).cast(NODES)
