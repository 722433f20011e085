"""Review-by dates: find what is past its date, and erase it (LED Art. 5: storage limits).

Erasure removes the report's statements and quarantined records and keeps the report
row, marked deleted, so the store can still say that the report existed and when it was
erased; the audit log records who erased it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from undertow.store.store import Store, utcnow


@dataclass(frozen=True)
class DueReport:
    id: str
    agency: str
    reference: str
    review_by: date
    statements: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "report_id": self.id,
            "agency": self.agency,
            "report": self.reference,
            "review_by": self.review_by.isoformat(),
            "statements": self.statements,
        }


def due_reports(store: Store, today: date, agency: str | None = None) -> list[DueReport]:
    clauses = ["r.review_by < ?", "r.deleted_at IS NULL"]
    args: list[object] = [today]
    if agency is not None:
        clauses.append("r.agency = ?")
        args.append(agency)
    rows = store.fetchall(
        f"""
        SELECT r.id, r.agency, r.reference, r.review_by,
               (SELECT count(*) FROM statements s WHERE s.report_id = r.id)
        FROM reports r WHERE {" AND ".join(clauses)} ORDER BY r.review_by, r.agency, r.reference
        """,
        args,
    )
    return [DueReport(r[0], r[1], r[2], r[3], int(r[4])) for r in rows]


def erase_reports(store: Store, reports: list[DueReport]) -> int:
    """Delete the statements and quarantine of ``reports`` in one transaction."""
    if not reports:
        return 0
    ids = [r.id for r in reports]
    store.execute("BEGIN TRANSACTION")
    try:
        store.execute(
            "DELETE FROM search_terms WHERE statement_id IN "
            "(SELECT id FROM statements WHERE list_contains(?, report_id))",
            [ids],
        )
        deleted = store.one("DELETE FROM statements WHERE list_contains(?, report_id)", [ids])
        store.execute("DELETE FROM quarantine WHERE list_contains(?, report_id)", [ids])
        store.execute(
            "UPDATE reports SET deleted_at = ? WHERE list_contains(?, id)", [utcnow(), ids]
        )
        store.execute("COMMIT")
    except BaseException:
        store.execute("ROLLBACK")
        raise
    return int(deleted[0]) if deleted else 0
