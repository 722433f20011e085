"""The command line, in-process: exit codes, JSON output, one-line errors."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from typer.testing import CliRunner

from tests.conftest import person, write_jsonl
from undertow.cli import app


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner(env={"COLUMNS": "240"})


def run(runner: CliRunner, db: Path, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["--db", str(db), *args])
    return result.exit_code, result.stdout, result.stderr


def json_lines(text: str) -> list[dict[str, object]]:
    return [orjson.loads(line) for line in text.splitlines() if line.strip()]


PROV = ["--agency", "UK-NCA", "--report", "R-1", "--handling", "H2", "--grading", "B2"]


def test_ingest_exit_codes(runner: CliRunner, tmp_path: Path) -> None:
    db = tmp_path / "u.duckdb"
    good = write_jsonl(tmp_path / "good.json", [person("p-1", name="Jafar KARIM")])
    mixed = tmp_path / "mixed.json"
    mixed.write_bytes(b'{"id": "p-2", "schema": "Person", "properties": {}}\n{bad\n')
    bad = tmp_path / "bad.json"
    bad.write_bytes(b"{bad\n")
    assert run(runner, db, "ingest", str(good), *PROV)[0] == 0
    assert run(runner, db, "ingest", str(mixed), *PROV)[0] == 3
    assert run(runner, db, "ingest", str(bad), *PROV)[0] == 2
    code, _, _ = run(runner, db, "ingest", str(mixed), *PROV[:2], "--report", "R-2", "--strict")
    assert code == 2


def test_ingest_json_summary_and_quarantine_list(runner: CliRunner, tmp_path: Path) -> None:
    db = tmp_path / "u.duckdb"
    mixed = tmp_path / "mixed.json"
    mixed.write_bytes(
        b'{"id": "p-2", "schema": "Person", "properties": {"phone": ["07911 123456"]}}\n'
        b'{"id": "p-3", "schema": "Person", "properties": {"phone": ["12"]}}\n'
    )
    code, stdout, _ = run(runner, db, "ingest", str(mixed), *PROV, "--json")
    assert code == 3
    (summary,) = json_lines(stdout)
    assert summary["records_stored"] == 1
    assert summary["quarantine_codes"] == {"invalid_value": 1}
    code, stdout, _ = run(runner, db, "quarantine", "list", "--json")
    (entry,) = json_lines(stdout)
    assert (entry["line"], entry["field"], entry["code"]) == (2, "phone", "invalid_value")
    assert entry["file"] == str(mixed)
    code, stdout, _ = run(runner, db, "quarantine", "list")
    assert "not a valid phone number" in stdout


def test_errors_are_one_line_naming_where(runner: CliRunner, tmp_path: Path) -> None:
    db = tmp_path / "u.duckdb"
    csv = tmp_path / "cdr.csv"
    csv.write_text("record_id,start_time\nC1,14.05.2024\n")
    code, _, stderr = run(runner, db, "ingest", str(csv), *PROV[:4], "--mapping", "call_records")
    assert code == 2
    assert f"{csv}:1 [called_number]" in stderr
    assert "Traceback" not in stderr
    code, _, stderr = run(runner, db, "ingest", str(csv), "--agency", "XX-NO", "--report", "R")
    assert code == 2
    assert "unknown agency 'XX-NO'" in stderr
    code, _, stderr = run(runner, db, "ingest", str(csv), *PROV, "--grading", "D1")
    assert code == 2
    assert "no D" in stderr
    code, _, stderr = run(runner, db, "ingest", str(tmp_path / "absent.json"), *PROV)
    assert code == 2
    assert "no such file" in stderr


def test_show_export_status(runner: CliRunner, tmp_path: Path) -> None:
    db = tmp_path / "u.duckdb"
    data = write_jsonl(
        tmp_path / "a.json", [person("p-1", name="Jafar KARIM", phone="07911 123456")]
    )
    assert run(runner, db, "ingest", str(data), *PROV)[0] == 0
    code, stdout, _ = run(runner, db, "entities", "show", "p-1", "--agency", "UK-NCA", "--json")
    assert code == 0
    shown = orjson.loads(stdout)
    assert shown["id"] == "UK-NCA.p-1"
    assert shown["entity_id"] == "p-1"
    phone = next(s for s in shown["statements"] if s["prop"] == "phone")
    assert phone["value"] == "+447911123456"
    assert (phone["agency"], phone["report"], phone["handling"], phone["grading"]) == (
        "UK-NCA",
        "R-1",
        "H2",
        "B2",
    )
    code, stdout, _ = run(runner, db, "entities", "show", "UK-NCA.p-1")
    assert code == 0
    assert "07911 123456" in stdout
    code, _, stderr = run(runner, db, "entities", "show", "UK-NCA.p-404")
    assert code == 2
    assert "no entity" in stderr
    code, stdout, _ = run(runner, db, "export", "--format", "ftm", "--agency", "UK-NCA")
    assert code == 0
    assert json_lines(stdout)[0]["id"] == "p-1"
    out = tmp_path / "out.json"
    assert run(runner, db, "export", "--out", str(out))[0] == 0
    assert json_lines(out.read_text())[0]["id"] == "UK-NCA.p-1"
    code, stdout, _ = run(runner, db, "status", "--json")
    status = orjson.loads(stdout)
    assert (status["reports"], status["entities"], status["statements"]) == (1, 1, 3)
    uk = next(a for a in status["agencies"] if a["code"] == "UK-NCA")
    assert uk["entities"] == 1


def test_manifest_ingest(runner: CliRunner, tmp_path: Path) -> None:
    db = tmp_path / "u.duckdb"
    write_jsonl(tmp_path / "a.json", [person("p-1", name="A")])
    (tmp_path / "cdr.csv").write_text(
        "record_id,start_time,caller_number,called_number,duration_seconds,event_type\n"
        "C1,14.05.2024 22:15,0176 23423980,+44 7911 123456,12,voice\n"
    )
    manifest = tmp_path / "manifest.json"
    manifest.write_bytes(
        orjson.dumps(
            [
                {
                    "file": "a.json",
                    "agency": "FR-OLTIM",
                    "report": "F-1",
                    "handling": "H0",
                    "release": "all",
                    "grading": "A1",
                },
                {
                    "file": "cdr.csv",
                    "agency": "DE-BKA",
                    "report": "B-1",
                    "handling": "H3",
                    "handling_note": "no hit",
                    "release": "FR-OLTIM",
                    "grading": "B2",
                    "mapping": "call_records",
                },
            ]
        )
    )
    code, stdout, _ = run(runner, db, "ingest", "--manifest", str(manifest), "--json")
    assert code == 0
    assert [r["agency"] for r in json_lines(stdout)] == ["FR-OLTIM", "DE-BKA"]


def test_agencies_are_data(runner: CliRunner, tmp_path: Path) -> None:
    db = tmp_path / "u.duckdb"
    code, _, _ = run(
        runner,
        db,
        "agencies",
        "add",
        "ES-CNP",
        "--name",
        "Policía Nacional",
        "--country",
        "es",
        "--phone-region",
        "ES",
    )
    assert code == 0
    code, stdout, _ = run(runner, db, "agencies", "list", "--json")
    assert "ES-CNP" in {a["code"] for a in json_lines(stdout)}
    data = write_jsonl(tmp_path / "a.json", [person("p-1", phone="612 34 56 78")])
    code, _, _ = run(runner, db, "ingest", str(data), "--agency", "ES-CNP", "--report", "E-1")
    assert code == 0


def test_help_is_fast_and_lists_commands(runner: CliRunner) -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in ("ingest", "quarantine", "entities", "export", "status", "agencies"):
        assert command in result.stdout
