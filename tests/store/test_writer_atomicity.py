"""A report is stored whole or not at all -- also when the process is killed mid-ingest."""

from __future__ import annotations

import gc
import os
import signal
import subprocess
import sys
import textwrap
import weakref
from datetime import date, datetime
from pathlib import Path

import pyarrow as pa
import pytest

from tests.conftest import ProvenanceFactory, person, write_jsonl
from undertow.ingest import IngestJob, ingest_file
from undertow.settings import Settings
from undertow.store import ReportCounts, ReportHeader, ReportWriter, Store
from undertow.store.writer import VARYING_COLUMNS

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


def test_a_staged_batch_is_not_held_until_the_commit(store: Store) -> None:
    # A large report is staged batch by batch in one transaction; a batch kept alive
    # until the commit (as a view dropped inside a transaction keeps its table) would
    # hold the whole file in memory.
    header = ReportHeader(
        id="r1",
        agency="UK-NCA",
        reference="ref",
        file_name="f.json",
        file_sha256="0" * 64,
        format="ftm",
        handling="H2",
        handling_note=None,
        release=[],
        grading="B2",
        reported_at=datetime(2026, 1, 1),
        received_at=datetime(2026, 1, 1),
        review_by=date(2027, 1, 1),
    )
    with ReportWriter(store, header) as writer:
        batch = pa.table({c: [f"{c}-{i}" for i in range(3)] for c in VARYING_COLUMNS})
        kept = weakref.ref(batch)
        writer.add_table(batch)
        del batch
        gc.collect()
        assert kept() is None
        writer.quarantine("q1", "f.json", 7, "birthDate", "bad_date", "no date", "[]", b"{}")
        writer.finish(ReportCounts(records_read=4, records_stored=3, records_quarantined=1))
    assert store.scalar("SELECT count(*) FROM statements WHERE report_id = 'r1'") == 3
    assert store.scalar("SELECT line FROM quarantine WHERE id = 'q1'") == 7
