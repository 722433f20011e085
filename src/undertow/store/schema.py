"""The store's schema, as an ordered list of migrations.

A database records the migrations applied to it in ``schema_version``. Opening a store
applies the missing ones in order, each in its own transaction; opening a database
written by a newer Undertow fails rather than guessing.

Statements carry no primary key: uniqueness comes from the content-hash id, which
includes the agency and the report, so a batch is deduplicated against that report's
existing statements only (see ``writer.py``). A global index on 40-character hashes
would cost five times the load time of the rows themselves.
"""

from __future__ import annotations

MIGRATIONS: list[tuple[int, str, str]] = [
    (
        1,
        "statements, reports, quarantine, agencies",
        """
        CREATE TABLE agencies (
            code VARCHAR PRIMARY KEY,
            name VARCHAR NOT NULL,
            country VARCHAR,
            phone_region VARCHAR,
            decimal_separator VARCHAR NOT NULL,
            shipped BOOLEAN NOT NULL,
            added_at TIMESTAMP NOT NULL
        );
        CREATE TABLE reports (
            id VARCHAR PRIMARY KEY,
            agency VARCHAR NOT NULL,
            reference VARCHAR NOT NULL,
            file_name VARCHAR NOT NULL,
            file_sha256 VARCHAR NOT NULL,
            format VARCHAR NOT NULL,
            handling VARCHAR NOT NULL,
            handling_note VARCHAR,
            release VARCHAR[] NOT NULL,
            grading VARCHAR NOT NULL,
            reported_at TIMESTAMP NOT NULL,
            received_at TIMESTAMP NOT NULL,
            review_by DATE NOT NULL,
            records_read BIGINT NOT NULL,
            records_stored BIGINT NOT NULL,
            records_quarantined BIGINT NOT NULL,
            entities BIGINT NOT NULL,
            statements_read BIGINT NOT NULL,
            statements_new BIGINT NOT NULL,
            status VARCHAR NOT NULL
        );
        CREATE TABLE statements (
            id VARCHAR NOT NULL,
            entity_id VARCHAR NOT NULL,
            local_id VARCHAR NOT NULL,
            schema VARCHAR NOT NULL,
            prop VARCHAR NOT NULL,
            prop_type VARCHAR NOT NULL,
            value VARCHAR NOT NULL,
            original_value VARCHAR,
            agency VARCHAR NOT NULL,
            report VARCHAR NOT NULL,
            report_id VARCHAR NOT NULL,
            handling VARCHAR NOT NULL,
            handling_note VARCHAR,
            release VARCHAR[] NOT NULL,
            grading VARCHAR NOT NULL,
            first_seen TIMESTAMP NOT NULL,
            last_seen TIMESTAMP NOT NULL,
            review_by DATE NOT NULL
        );
        CREATE TABLE quarantine (
            id VARCHAR PRIMARY KEY,
            report_id VARCHAR NOT NULL,
            agency VARCHAR NOT NULL,
            report VARCHAR NOT NULL,
            file_name VARCHAR NOT NULL,
            line BIGINT,
            field VARCHAR,
            code VARCHAR NOT NULL,
            reason VARCHAR NOT NULL,
            problems VARCHAR NOT NULL,
            raw BLOB NOT NULL,
            quarantined_at TIMESTAMP NOT NULL
        );
        """,
    ),
]

MIGRATIONS.append(
    (
        2,
        "users, audit log, releases and release requests, court release",
        """
        CREATE TABLE users (
            name VARCHAR PRIMARY KEY,
            agency VARCHAR NOT NULL,
            role VARCHAR NOT NULL,
            token_hash VARCHAR NOT NULL,
            created_at TIMESTAMP NOT NULL,
            created_by VARCHAR NOT NULL,
            expires_at TIMESTAMP,
            revoked_at TIMESTAMP
        );
        CREATE TABLE audit_log (
            seq BIGINT PRIMARY KEY,
            logged_at TIMESTAMP NOT NULL,
            user_name VARCHAR NOT NULL,
            agency VARCHAR,
            role VARCHAR NOT NULL,
            action VARCHAR NOT NULL,
            query VARCHAR NOT NULL,
            entity_ids VARCHAR[] NOT NULL,
            purpose VARCHAR,
            outcome VARCHAR NOT NULL,
            prev_hash VARCHAR NOT NULL,
            hash VARCHAR NOT NULL
        );
        CREATE TABLE releases (
            id VARCHAR PRIMARY KEY,
            released_at TIMESTAMP NOT NULL,
            by_user VARCHAR NOT NULL,
            owner VARCHAR NOT NULL,
            report VARCHAR,
            entity_id VARCHAR,
            agencies VARCHAR[] NOT NULL,
            court BOOLEAN NOT NULL,
            request_id VARCHAR,
            statements BIGINT NOT NULL
        );
        CREATE TABLE release_requests (
            id VARCHAR PRIMARY KEY,
            requested_at TIMESTAMP NOT NULL,
            requester VARCHAR NOT NULL,
            requesting_agency VARCHAR NOT NULL,
            owner VARCHAR NOT NULL,
            report VARCHAR,
            entity_id VARCHAR,
            court BOOLEAN NOT NULL,
            reason VARCHAR NOT NULL,
            status VARCHAR NOT NULL,
            answered_at TIMESTAMP,
            answered_by VARCHAR,
            answer VARCHAR
        );
        ALTER TABLE statements ADD COLUMN court BOOLEAN DEFAULT FALSE;
        ALTER TABLE reports ADD COLUMN deleted_at TIMESTAMP;
        """,
    )
)


def _search_terms() -> str:
    from undertow.store.terms import terms_select

    return f"""
        CREATE TABLE search_terms (
            statement_id VARCHAR NOT NULL,
            entity_id VARCHAR NOT NULL,
            kind VARCHAR NOT NULL,
            term VARCHAR NOT NULL,
            prop VARCHAR NOT NULL,
            agency VARCHAR NOT NULL,
            release VARCHAR[] NOT NULL,
            handling VARCHAR NOT NULL,
            handling_note VARCHAR
        );
        INSERT INTO search_terms {terms_select("TRUE")};
    """


MIGRATIONS.append((3, "search index of name words and identifiers", _search_terms()))

MIGRATIONS.append(
    (
        4,
        "resolution: judgements, runs, canonical ids, candidate pairs, hub links",
        """
        CREATE TABLE secrets (name VARCHAR PRIMARY KEY, value BLOB NOT NULL);
        CREATE TABLE judgements (
            id VARCHAR PRIMARY KEY,
            left_id VARCHAR NOT NULL,
            right_id VARCHAR NOT NULL,
            judgement VARCHAR NOT NULL,
            user_name VARCHAR NOT NULL,
            agency VARCHAR,
            made_at TIMESTAMP NOT NULL,
            note VARCHAR
        );
        CREATE TABLE resolution_runs (
            id VARCHAR PRIMARY KEY,
            started_at TIMESTAMP NOT NULL,
            finished_at TIMESTAMP NOT NULL,
            by_user VARCHAR NOT NULL,
            engine VARCHAR NOT NULL,
            trained BOOLEAN NOT NULL,
            threshold DOUBLE NOT NULL,
            records BIGINT NOT NULL,
            pairs BIGINT NOT NULL,
            clusters BIGINT NOT NULL,
            merged_records BIGINT NOT NULL,
            cross_agency_clusters BIGINT NOT NULL,
            model VARCHAR NOT NULL
        );
        CREATE TABLE canonical (
            entity_id VARCHAR NOT NULL,
            canonical_id VARCHAR NOT NULL,
            run_id VARCHAR NOT NULL
        );
        CREATE TABLE resolve_pairs (
            left_id VARCHAR NOT NULL,
            right_id VARCHAR NOT NULL,
            match_probability DOUBLE NOT NULL,
            match_weight DOUBLE NOT NULL,
            run_id VARCHAR NOT NULL
        );
        CREATE TABLE resolve_links (
            key_type VARCHAR NOT NULL,
            value VARCHAR NOT NULL,
            people BIGINT NOT NULL,
            run_id VARCHAR NOT NULL
        );
        CREATE TABLE resolve_tf (
            name_key VARCHAR NOT NULL,
            tf DOUBLE NOT NULL,
            run_id VARCHAR NOT NULL
        );
        """,
    )
)

MIGRATIONS.append(
    (
        5,
        "resolution: the run's estimate of corroboration across agencies",
        "ALTER TABLE resolution_runs ADD COLUMN corroboration VARCHAR;",
    )
)

LATEST = MIGRATIONS[-1][0]

# The column order of ``statements``; the writer builds its batches in this order.
STATEMENT_COLUMNS: tuple[str, ...] = (
    "id",
    "entity_id",
    "local_id",
    "schema",
    "prop",
    "prop_type",
    "value",
    "original_value",
    "agency",
    "report",
    "report_id",
    "handling",
    "handling_note",
    "release",
    "grading",
    "first_seen",
    "last_seen",
    "review_by",
)
