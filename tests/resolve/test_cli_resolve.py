"""The resolution commands, in-process: resolve, clusters, explain, judge, review."""

from __future__ import annotations

from pathlib import Path

import orjson
from typer.testing import CliRunner

from undertow.cli import app
from undertow.service import Service


def run(db: Path, *args: str, stdin: str | None = None) -> tuple[int, str, str]:
    result = CliRunner(env={"COLUMNS": "200"}).invoke(app, ["--db", str(db), *args], input=stdin)
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def test_resolve_and_clusters(resolved: tuple[Service, Path], resolved_db: Path) -> None:
    code, stdout, _ = run(resolved_db, "resolve", "--json")
    assert code == 0
    summary = orjson.loads(stdout)
    assert summary["cross_agency_clusters"] > 0
    assert not summary["trained"]
    # The shop of the hand-made ledger, among others, is busy; both factors estimated.
    assert summary["busy_counterparts"] > 0
    within = summary["corroboration"]["within"]
    assert 0 < within["u"] < within["m"] < 1
    code, stdout, _ = run(resolved_db, "resolve")
    assert "personal counterparts within an agency" in stdout
    code, stdout, _ = run(resolved_db, "clusters", "--json")
    rows = [orjson.loads(line) for line in stdout.splitlines()]
    jafar = {r["canonical_id"] for r in rows if r["entity_id"] in {"jk-1", "jk-2", "jk-3"}}
    assert len(jafar) == 1
    assert set(rows[0]) == {"agency", "entity_id", "canonical_id"}
    code, stdout, _ = run(resolved_db, "entities", "show", jafar.pop(), "--json")
    shown = orjson.loads(stdout)
    assert {"UK-NCA.jk-1", "DE-BKA.jk-2", "FR-OLTIM.jk-3"} <= set(shown["members"])


def test_explain_prints_the_waterfall(resolved_db: Path) -> None:
    code, stdout, _ = run(resolved_db, "explain", "UK-NCA.jk-1", "DE-BKA.jk-2", "--json")
    assert code == 0
    result = orjson.loads(stdout)
    total = result["prior_weight"] + sum(s["match_weight"] for s in result["steps"])
    assert abs(total - result["match_weight"]) < 0.01
    code, stdout, _ = run(resolved_db, "explain", "UK-NCA.jk-1", "DE-BKA.jk-2")
    assert "birth_date" in stdout
    assert "same date" in stdout
    code, _, stderr = run(resolved_db, "explain", "UK-NCA.jk-1", "XX-YY.nope")
    assert code == 2
    assert "no entity" in stderr


def test_review_records_keyboard_decisions(
    resolved: tuple[Service, Path], resolved_db: Path
) -> None:
    svc, _ = resolved
    svc.store.execute("DELETE FROM judgements")
    try:
        queue = svc.review_queue(3)
        assert queue
        code, _stdout, _ = run(resolved_db, "review", "--limit", "3", stdin="yns")
        assert code == 0
        decided = svc.store.fetchall(
            "SELECT left_id, right_id, judgement FROM judgements ORDER BY made_at"
        )
        assert [d[2] for d in decided] == ["positive", "negative"]
        first = queue[0]
        assert decided[0][:2] == tuple(sorted((first.left_id, first.right_id)))
        code, _, _ = run(resolved_db, "judge", "UK-NCA.jk-1", "DE-BKA.jk-2", "maybe")
        assert code == 2
    finally:
        svc.store.execute("DELETE FROM judgements")
