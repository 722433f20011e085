"""The audit log: every action logged; any tampering with the file detected and named."""

from __future__ import annotations

import threading
from pathlib import Path

import duckdb
import pytest

from undertow.access import LOCAL_ADMIN, AuditLog, Principal, Role
from undertow.access.audit import GENESIS, entry_hash
from undertow.store import Store

ANA = Principal("ana", "UK-NCA", Role.ANALYST)


def make_log(tmp_path: Path, n: int = 10, anchor_every: int = 100) -> tuple[Path, Path]:
    db = tmp_path / "a.duckdb"
    anchors = tmp_path / "a.duckdb.audit-anchors"
    with Store.open(db) as store:
        log = AuditLog(store, anchors, anchor_every=anchor_every)
        for i in range(n):
            log.append(
                ANA,
                "search",
                query={"q": f"name {i}"},
                entity_ids=[f"UK-NCA.p-{i}"],
                purpose="op heron",
            )
        log.anchor()
    return db, anchors


def verify(db: Path, anchors: Path) -> list[str]:
    with Store.open(db) as store:
        return AuditLog(store, anchors).verify().problems


def tamper(db: Path, *sql: str) -> None:
    con = duckdb.connect(str(db))
    for statement in sql:
        con.execute(statement)
    con.close()


def test_an_untouched_log_verifies(tmp_path: Path) -> None:
    db, anchors = make_log(tmp_path)
    assert verify(db, anchors) == []


def test_a_changed_entry_is_named(tmp_path: Path) -> None:
    db, anchors = make_log(tmp_path)
    tamper(db, "UPDATE audit_log SET purpose = 'routine' WHERE seq = 4")
    assert verify(db, anchors) == ["entry 4 was changed after it was written"]


def test_a_changed_entity_list_is_named(tmp_path: Path) -> None:
    db, anchors = make_log(tmp_path)
    tamper(db, "UPDATE audit_log SET entity_ids = [] WHERE seq = 7")
    assert verify(db, anchors) == ["entry 7 was changed after it was written"]


def test_a_deleted_entry_is_named(tmp_path: Path) -> None:
    db, anchors = make_log(tmp_path)
    tamper(db, "DELETE FROM audit_log WHERE seq = 5")
    problems = verify(db, anchors)
    assert "entries 5..5 are missing (deleted)" in problems
    assert any("entry 6 does not follow" in p for p in problems)


def test_an_inserted_entry_is_named(tmp_path: Path) -> None:
    db, anchors = make_log(tmp_path)
    tamper(
        db,
        "UPDATE audit_log SET seq = seq + 1 WHERE seq >= 6",
        "INSERT INTO audit_log SELECT 6, logged_at, user_name, agency, role, 'consult', query, "
        "entity_ids, purpose, outcome, prev_hash, hash FROM audit_log WHERE seq = 5",
    )
    problems = verify(db, anchors)
    assert problems
    assert any(p.startswith("entry 6 ") for p in problems)


def test_reordered_entries_are_named(tmp_path: Path) -> None:
    db, anchors = make_log(tmp_path)
    tamper(
        db,
        "UPDATE audit_log SET seq = 1000 WHERE seq = 3",
        "UPDATE audit_log SET seq = 3 WHERE seq = 4",
        "UPDATE audit_log SET seq = 4 WHERE seq = 1000",
    )
    problems = verify(db, anchors)
    assert any(p.startswith("entry 3 ") for p in problems)
    assert any(p.startswith("entry 4 ") for p in problems)


def test_a_truncated_tail_is_caught_by_the_anchor(tmp_path: Path) -> None:
    db, anchors = make_log(tmp_path)
    tamper(db, "DELETE FROM audit_log WHERE seq > 7")
    assert verify(db, anchors) == [
        "the log ends at entry 7 but was anchored at entry 10: entries were removed from the end"
    ]


def test_a_rewritten_chain_is_caught_by_the_anchor(tmp_path: Path) -> None:
    """Someone who recomputes every hash after editing still cannot match the anchor."""
    db, anchors = make_log(tmp_path, n=5)
    with Store.open(db) as store:
        prev = GENESIS
        for e in AuditLog(store, None).entries():
            query = '{"q":"something else"}'
            digest = entry_hash(
                prev,
                e.seq,
                e.at,
                e.user_name,
                e.agency,
                e.role,
                e.action,
                query,
                e.entity_ids,
                e.purpose,
                e.outcome,
            )
            store.execute(
                "UPDATE audit_log SET query = ?, prev_hash = ?, hash = ? WHERE seq = ?",
                [query, prev, digest, e.seq],
            )
            prev = digest
        assert AuditLog(store, None).verify().ok  # consistent without the anchors...
    assert verify(db, anchors) == ["entry 5 does not match its anchor: the chain was rewritten"]


def test_anchors_are_written_periodically(tmp_path: Path) -> None:
    db, anchors = make_log(tmp_path, n=25, anchor_every=10)
    lines = anchors.read_text().splitlines()
    assert len(lines) == 3  # after 10, after 20, and at the end (25)
    assert verify(db, anchors) == []


def test_concurrent_appends_make_one_unbroken_chain(tmp_path: Path) -> None:
    db = tmp_path / "a.duckdb"
    with Store.open(db) as base:

        def work(k: int) -> None:
            cursor = Store(base.con.cursor(), base.path)
            log = AuditLog(cursor, None)
            for i in range(25):
                log.append(ANA, "consult", entity_ids=[f"UK-NCA.p-{k}-{i}"])
            cursor.con.close()

        threads = [threading.Thread(target=work, args=(k,)) for k in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        result = AuditLog(base, None).verify()
        assert result.ok, result.problems
        assert result.checked == 200
        assert base.scalar("SELECT count(DISTINCT seq) FROM audit_log") == 200


def test_entries_filter_by_user_and_entity(tmp_path: Path) -> None:
    with Store.open(tmp_path / "a.duckdb") as store:
        log = AuditLog(store, None)
        log.append(ANA, "consult", entity_ids=["UK-NCA.p-1"])
        log.append(LOCAL_ADMIN, "consult", entity_ids=["DE-BKA.p-1"])
        assert [e.user_name for e in log.entries(entity="DE-BKA.p-1")] == ["local-admin"]
        assert [e.entity_ids for e in log.entries(user="ana")] == [["UK-NCA.p-1"]]


@pytest.mark.parametrize("bad", ["not json", '{"seq": "x"}'])
def test_unreadable_anchors_fail_loudly(tmp_path: Path, bad: str) -> None:
    from undertow.errors import StoreError

    db, anchors = make_log(tmp_path)
    anchors.write_text(bad + "\n")
    with pytest.raises(StoreError, match="unreadable audit anchor"):
        verify(db, anchors)
