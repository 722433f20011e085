"""Service-level need to know: users and tokens, scoped reads with hit notices, release
and requests, court use of H1, retention, and the audit entry behind each of them."""

from __future__ import annotations

import io
from datetime import date, datetime
from pathlib import Path

import orjson
import pytest

from tests.conftest import person, write_jsonl
from undertow.access import acting_user, authenticate
from undertow.errors import AccessDenied, AuthenticationError, ConfigError, NotFoundError
from undertow.service import Service, Submission
from undertow.store import Store


@pytest.fixture
def admin(tmp_path: Path) -> Service:
    store = Store.open(tmp_path / "n.duckdb")
    svc = Service(store)
    for agency in ("UK-NCA", "DE-BKA", "FR-OLTIM"):
        for role in ("analyst", "supervisor"):
            svc.add_user(f"{role}.{agency.lower()}", agency, role)
    h2 = write_jsonl(
        tmp_path / "h2.json", [person("p-1", name="Jafar KARIM", phone="07911 123456")]
    )
    h1 = write_jsonl(tmp_path / "h1.json", [person("p-2", name="Rebwar HASSAN")])
    svc.ingest_files([h2], Submission("UK-NCA", "R-H2", "H2", "UK-NCA", "B2"))
    svc.ingest_files([h1], Submission("UK-NCA", "R-H1", "H1", "all", "B2"))
    return svc


def as_user(admin: Service, name: str, purpose: str | None = "op test") -> Service:
    return Service(admin.store, acting_user(admin.store, name), purpose=purpose)


def test_tokens_are_stored_only_as_hashes(admin: Service, tmp_path: Path) -> None:
    _, token = admin.add_user("probe", "DE-BKA", "analyst")
    assert authenticate(admin.store, token).name == "probe"
    admin.store.execute("CHECKPOINT")
    raw = (tmp_path / "n.duckdb").read_bytes()
    assert token.encode() not in raw
    assert token[4:].encode() not in raw
    admin.revoke_user("probe")
    with pytest.raises(AuthenticationError, match="revoked"):
        authenticate(admin.store, token)


def test_tokens_expire(admin: Service) -> None:
    _, token = admin.add_user("brief", "DE-BKA", "analyst", datetime(2000, 1, 1))
    with pytest.raises(AuthenticationError, match="expired"):
        authenticate(admin.store, token)


def test_agency_admins_manage_only_their_own_users(admin: Service) -> None:
    admin.add_user("boss.de-bka", "DE-BKA", "admin")
    boss = as_user(admin, "boss.de-bka")
    boss.add_user("fresh.de-bka", "DE-BKA", "analyst")
    with pytest.raises(AccessDenied, match="manage users of UK-NCA"):
        boss.add_user("spy", "UK-NCA", "analyst")
    with pytest.raises(AccessDenied):
        boss.revoke_user("analyst.uk-nca")
    assert {u.agency for u in boss.users()} == {"DE-BKA"}


def test_a_hidden_entity_is_a_hit_notice_until_released(admin: Service) -> None:
    de = as_user(admin, "analyst.de-bka")
    shown = de.entity("UK-NCA.p-1")
    assert shown.values == []
    assert [n.message for n in shown.notices] == [
        "UK-NCA holds 1 record, handling H2 — ask the owner"
    ]
    request = de.request_release(owner="UK-NCA", reason="BKA case 17", entity="UK-NCA.p-1")
    assert request.status == "open"
    with pytest.raises(AccessDenied):  # analysts do not answer
        as_user(admin, "analyst.uk-nca").answer_release_request(request.id, grant=True)
    with pytest.raises(AccessDenied):  # nor do other agencies' supervisors
        as_user(admin, "supervisor.fr-oltim").answer_release_request(request.id, grant=True)
    answered, record = as_user(admin, "supervisor.uk-nca").answer_release_request(
        request.id, grant=True, note="for case 17 only"
    )
    assert answered.status == "granted"
    assert record is not None
    assert record.agencies == ["DE-BKA"]
    shown = de.entity("UK-NCA.p-1")
    assert "Jafar KARIM" in shown.properties()["name"]
    assert shown.notices == []
    # FR-OLTIM still sees only the notice.
    assert as_user(admin, "analyst.fr-oltim").entity("UK-NCA.p-1").values == []
    with pytest.raises(ConfigError, match="already granted"):
        as_user(admin, "supervisor.uk-nca").answer_release_request(request.id, grant=False)


def test_owners_release_reports_and_nobody_else_can(admin: Service) -> None:
    with pytest.raises(AccessDenied, match="release data of UK-NCA"):
        as_user(admin, "supervisor.de-bka").release(to=["DE-BKA"], report="R-H2", owner="UK-NCA")
    with pytest.raises(AccessDenied):
        as_user(admin, "analyst.uk-nca").release(to=["DE-BKA"], report="R-H2")
    record = as_user(admin, "supervisor.uk-nca").release(to=["FR-OLTIM"], report="R-H2")
    assert record.statements == 3
    found = as_user(admin, "analyst.fr-oltim").search("karim")
    assert [h.entity_id for h in found.hits] == ["UK-NCA.p-1"]
    with pytest.raises(NotFoundError):
        as_user(admin, "supervisor.uk-nca").release(to=["FR-OLTIM"], report="R-NONE")


def test_h1_values_stay_out_of_court_exports_until_released_for_court(admin: Service) -> None:
    de = as_user(admin, "analyst.de-bka")

    def exported(for_court: bool) -> set[str]:
        buffer = io.BytesIO()
        de.export_ftm(buffer, for_court=for_court)
        return {orjson.loads(line)["id"] for line in buffer.getvalue().splitlines()}

    assert exported(False) == {"UK-NCA.p-2"}
    assert exported(True) == set()
    as_user(admin, "supervisor.uk-nca").release(to=[], report="R-H1", court=True)
    assert exported(True) == {"UK-NCA.p-2"}


def test_searches_need_a_purpose_and_are_audited(admin: Service) -> None:
    with pytest.raises(ConfigError, match="purpose"):
        as_user(admin, "analyst.de-bka", purpose=None).search("karim")
    de = as_user(admin, "analyst.de-bka", purpose="BKA case 17")
    found = de.search("07911 123456")
    assert found.kind == "phone"
    assert found.hits == []
    assert [n.agency for n in found.notices] == ["UK-NCA"]
    (entry,) = [e for e in admin.audit.entries(action="search") if e.outcome == "ok"]
    assert (entry.user_name, entry.agency, entry.purpose) == (
        "analyst.de-bka",
        "DE-BKA",
        "BKA case 17",
    )
    assert entry.query["q"] == "07911 123456"
    assert entry.query["hit_notices"] == ["UK-NCA"]
    failed = [e for e in admin.audit.entries(action="search") if e.outcome != "ok"]
    assert failed[0].outcome == "error: ConfigError"


def test_denials_are_audited_too(admin: Service) -> None:
    with pytest.raises(AccessDenied):
        as_user(admin, "analyst.de-bka").audit_log()
    (entry,) = admin.audit.entries(action="audit_read")
    assert entry.outcome.startswith("denied")


def test_every_consultation_names_what_it_returned(admin: Service) -> None:
    uk = as_user(admin, "analyst.uk-nca")
    uk.entity("p-1", agency="UK-NCA")
    buffer = io.BytesIO()
    uk.export_ftm(buffer)
    consult = admin.audit.entries(action="consult")[-1]
    export = admin.audit.entries(action="export")[-1]
    assert consult.entity_ids == ["UK-NCA.p-1"]
    assert sorted(export.entity_ids) == ["UK-NCA.p-1", "UK-NCA.p-2"]


def test_retention_flags_then_erases_what_is_past_review(admin: Service, tmp_path: Path) -> None:
    old = write_jsonl(tmp_path / "old.json", [person("p-9", name="Old Record")])
    admin.ingest_files(
        [old], Submission("DE-BKA", "B-OLD", "H0", "all", "B2", review_by=date(2020, 1, 1))
    )
    supervisor = as_user(admin, "supervisor.de-bka")
    flagged = supervisor.retention(erase=False, today=date(2024, 1, 1))
    assert [r.reference for r in flagged.due] == ["B-OLD"]
    assert admin.store.scalar("SELECT count(*) FROM statements WHERE agency = 'DE-BKA'") == 2
    with pytest.raises(AccessDenied):
        as_user(admin, "analyst.de-bka").retention(erase=True)
    # UK-NCA's supervisor sees and erases only UK-NCA's due reports (none).
    assert (
        as_user(admin, "supervisor.uk-nca").retention(erase=True, today=date(2024, 1, 1)).due == []
    )
    assert [h.entity_id for h in supervisor.search("old record").hits] == ["DE-BKA.p-9"]
    erased = supervisor.retention(erase=True, today=date(2024, 1, 1))
    assert erased.statements_deleted == 2
    assert supervisor.search("old record").hits == []
    assert admin.store.scalar("SELECT count(*) FROM statements WHERE agency = 'DE-BKA'") == 0
    assert admin.store.scalar(
        "SELECT deleted_at IS NOT NULL FROM reports WHERE reference = 'B-OLD'"
    )
    (entry,) = admin.audit.entries(action="erasure", user="supervisor.de-bka")
    assert entry.query["statements_deleted"] == 2


def test_an_agency_cannot_submit_for_another(admin: Service, tmp_path: Path) -> None:
    data = write_jsonl(tmp_path / "x.json", [person("p-1", name="X")])
    with pytest.raises(AccessDenied, match="submit reports of UK-NCA"):
        as_user(admin, "analyst.de-bka").ingest_files(
            [data], Submission("UK-NCA", "X-1", "H0", "all", "B2")
        )
