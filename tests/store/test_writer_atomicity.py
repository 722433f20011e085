"""A report is stored whole or not at all -- also when the process is killed mid-ingest."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.conftest import ProvenanceFactory, person, write_jsonl
from undertow.ingest import IngestJob, ingest_file
from undertow.settings import Settings
from undertow.store import Store

KILLED_INGEST = textwrap.dedent(
    """
    import sys, time
    from datetime import date, datetime
    from pathlib import Path
    from undertow.ingest import IngestJob, ingest_file
    from undertow.model import Grading, Handling, Provenance, Release
    from undertow.settings import Settings
    from undertow.store import Store

    db, data = sys.argv[1], Path(sys.argv[2])
    store = Store.open(db)
    prov = Provenance("UK-NCA", "R-kill", Handling.parse("H0"), Release.parse("all"),
                      Grading.parse("B2"), datetime(2024, 1, 1), date(2027, 1, 1))
    seen = 0
    def progress(n):
        global seen
        seen += n
        if seen > data.stat().st_size // 2:
            print("halfway", flush=True)  # staged chunks exist; nothing is committed
            time.sleep(60)
    ingest_file(store, IngestJob(data, prov), settings=Settings(batch_statements=500),
                progress=progress)
    """
)


def _many(tmp_path: Path, n: int) -> Path:
    return write_jsonl(
        tmp_path / "many.json",
        [person(f"p-{i}", name=f"Person {i}", phone="07911 123456") for i in range(n)]
        + [{"id": "bad", "schema": "Persn", "properties": {}}],
    )


@pytest.mark.slow
def test_kill_mid_ingest_leaves_nothing(tmp_path: Path, provenance: ProvenanceFactory) -> None:
    db = tmp_path / "kill.duckdb"
    Store.open(db).close()
    data = _many(tmp_path, 20_000)
    with subprocess.Popen(
        [sys.executable, "-c", KILLED_INGEST, str(db), str(data)],
        stdout=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    ) as proc:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == b"halfway"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    with Store.open(db) as store:
        assert store.scalar("SELECT count(*) FROM statements") == 0
        assert store.scalar("SELECT count(*) FROM reports") == 0
        assert store.scalar("SELECT count(*) FROM quarantine") == 0
        # The store is intact and the same report ingests fully afterwards.
        result = ingest_file(store, IngestJob(data, provenance(report="R-kill")))
        assert result.counts.records_stored == 20_000
        assert store.scalar("SELECT count(*) FROM statements") == 60_000


def test_an_error_mid_ingest_rolls_back(
    store: Store, tmp_path: Path, provenance: ProvenanceFactory
) -> None:
    data = _many(tmp_path, 5_000)
    seen = 0

    def interrupt(n: int) -> None:
        nonlocal seen
        seen += n
        if seen > 100_000:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        ingest_file(
            store,
            IngestJob(data, provenance()),
            settings=Settings(batch_statements=500),
            progress=interrupt,
        )
    assert store.scalar("SELECT count(*) FROM statements") == 0
    assert store.scalar("SELECT count(*) FROM reports") == 0
    assert store.scalar("SELECT count(*) FROM quarantine") == 0
    result = ingest_file(store, IngestJob(data, provenance()))
    assert result.counts.records_stored == 5_000
