"""The HTTP API's contract: one error shape, pagination, size limits, no stack traces."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import World, bearer
from undertow.settings import Settings


def test_openapi_declares_bearer_auth_and_every_route(client: Any) -> None:
    spec = client.get("/openapi.json").json()
    assert spec["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"
    for path in ("/search", "/entities/{entity_id}", "/ingest", "/audit", "/users", "/releases"):
        assert path in spec["paths"]


@pytest.mark.parametrize(
    ("method", "url", "status", "code"),
    [
        ("GET", "/entities/UK-NCA.p-never", 404, "not_found"),
        ("GET", "/no-such-route", 404, "not_found"),
        ("DELETE", "/status", 405, "method_not_allowed"),
        ("GET", "/search", 422, "invalid_request"),
        ("GET", "/search?q=karwan&limit=0", 422, "invalid_request"),
        ("GET", "/audit", 403, "forbidden"),
    ],
)
def test_one_error_shape(
    client: Any, world: World, method: str, url: str, status: int, code: str
) -> None:
    response = client.request(method, url, headers=bearer(world.token("DE-BKA", "analyst")))
    assert response.status_code == status
    assert response.json()["error"]["code"] == code
    assert response.json()["error"]["status"] == status


def test_search_without_purpose_is_refused(client: Any, world: World) -> None:
    headers = bearer(world.token("DE-BKA", "analyst"), purpose=None)
    response = client.get("/search", params={"q": "karwan"}, headers=headers)
    assert response.status_code == 400
    assert "purpose" in response.json()["error"]["message"]


def test_lists_are_paginated(client: Any, world: World) -> None:
    headers = bearer(world.token("UK-NCA", "admin"))
    first = client.get("/audit", params={"limit": 2}, headers=headers).json()
    assert len(first["items"]) == 2
    assert first["next_offset"] == 2
    second = client.get("/audit", params={"limit": 2, "offset": 2}, headers=headers).json()
    assert second["items"][0]["seq"] > first["items"][-1]["seq"]
    found = client.get(
        "/search", params={"q": "a", "limit": 1}, headers=bearer(world.token("UK-NCA", "analyst"))
    ).json()
    assert found["limit"] == 1
    assert len(found["items"]) <= 1


def test_uploads_over_the_limit_are_refused(world: World) -> None:
    from undertow.api import create_app

    app = create_app(world.db, Settings(max_upload_bytes=1024))
    with TestClient(app) as c:
        response = c.post(
            "/ingest",
            headers=bearer(world.token("DE-BKA", "analyst")),
            files={"file": ("big.json", b"x" * 5000)},
            data={"agency": "DE-BKA", "report": "BIG"},
        )
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_large"


def test_an_upload_is_stored_as_a_report_and_audited(client: Any, world: World) -> None:
    headers = bearer(world.token("DE-BKA", "analyst"))
    response = client.post(
        "/ingest",
        headers=headers,
        files={
            "file": (
                "ermittlung.json",
                b'{"id": "u-1", "schema": "Person", '
                b'"properties": {"name": ["Hawre Aziz"], "phone": ["0176 23423980"]}}\n'
                b"{broken\n",
            )
        },
        data={"agency": "DE-BKA", "report": "BKA-UP-1", "handling": "H2", "grading": "B2"},
    )
    body = response.json()
    assert (body["records_stored"], body["records_quarantined"]) == (1, 1)
    entity = client.get("/entities/DE-BKA.u-1", headers=headers).json()
    assert entity["properties"]["phone"] == ["+4917623423980"]
    quarantined = client.get("/quarantine", params={"report": "BKA-UP-1"}, headers=headers).json()
    assert [q["line"] for q in quarantined["items"]] == [2]
    audit = client.get(
        "/audit", params={"user": "analyst.de-bka"}, headers=bearer(world.token("DE-BKA", "admin"))
    ).json()
    ingests = [e for e in audit["items"] if e["action"] == "ingest"]
    assert ingests[-1]["query"]["reports"][0]["report"] == "BKA-UP-1"


def test_uploads_cannot_name_mapping_files_on_the_server(client: Any, world: World) -> None:
    response = client.post(
        "/ingest",
        headers=bearer(world.token("DE-BKA", "analyst")),
        files={"file": ("a.csv", b"a,b\n1,2\n")},
        data={"agency": "DE-BKA", "report": "M", "mapping": "/etc/passwd"},
    )
    assert response.status_code == 400


def test_internal_errors_reveal_nothing(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    from undertow.api import create_app
    from undertow.service import Service

    def broken(self: Service) -> None:
        raise RuntimeError("secret detail: /var/lib/undertow and Zyxcanary")

    monkeypatch.setattr(Service, "status", broken)
    with TestClient(create_app(world.db), raise_server_exceptions=False) as c:
        response = c.get("/status", headers=bearer(world.token("DE-BKA", "analyst")))
    assert response.status_code == 500
    message = response.json()["error"]["message"]
    assert message.startswith("internal error (reference ")
    assert "secret" not in response.text


def test_concurrent_requests_make_one_unbroken_chain(world: World) -> None:
    import threading

    from undertow.api import create_app

    with TestClient(create_app(world.db)) as c:
        admin = bearer(world.token("UK-NCA", "admin"))
        before = c.get("/audit/verify", headers=admin).json()["checked"]
        failures: list[int] = []

        def hammer(k: int) -> None:
            agency = ("UK-NCA", "DE-BKA", "FR-OLTIM")[k % 3]
            headers = bearer(world.token(agency, "analyst"))
            for i in range(10):
                url = "/status" if i % 2 else "/search?q=karwan"
                response = c.get(url, headers=headers)
                if response.status_code != 200:
                    failures.append(response.status_code)

        threads = [threading.Thread(target=hammer, args=(k,)) for k in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert failures == []
        verified = c.get("/audit/verify", headers=admin).json()
    assert verified["ok"], verified["problems"]
    # 80 requests, and the first verify call's own entry.
    assert verified["checked"] == before + 81
