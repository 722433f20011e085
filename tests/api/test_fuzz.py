"""Property-based fuzzing of every operation in the OpenAPI spec (schemathesis strategies
driven by hypothesis): whatever the input, no server error, and every error has the one
JSON shape. (schemathesis' own pytest plugin predates this pytest, so the operations are
walked here.)"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from tests.api.conftest import World, bearer

CALLERS = (("UK-NCA", "supervisor"), ("DE-BKA", "admin"), ("UK-NCA", "auditor"))


def _check(response: Any) -> None:
    assert response.status_code < 500, response.text
    if response.status_code >= 400:
        error = response.json()["error"]
        assert set(error) == {"status", "code", "message"}
        assert error["status"] == response.status_code
        assert "Traceback" not in error["message"]


@pytest.mark.slow
def test_no_server_errors_on_any_operation(world: World) -> None:
    from undertow.api import create_app

    schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(world.db))
    operations = [result.ok() for result in schema.get_all_operations()]  # type: ignore[union-attr]
    assert len(operations) >= 15
    headers = [bearer(world.token(agency, role)) for agency, role in CALLERS]
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=25,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        )
        def fuzz(case: Any) -> None:
            for h in headers:
                _check(case.call(headers=h))

        fuzz()
