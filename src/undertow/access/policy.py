"""What each role may do, and to which agency's data.

                      analyst  supervisor  auditor  admin  local admin
    ingest (own)         x         x                            x
    consult data         x         x                            x
    quarantine (own)     x         x                            x
    request release      x         x
    release (own data)             x                            x
    answer requests                x                            x
    retention                      x                  x         x
    users (own agency)                                x         x
    audit read/verify                         x       x         x
    status               x         x          x       x         x
    judge record pairs   x         x                            x
    run resolution                 x                  x         x

Consulting data (search, entity, export, analyses) is for analysts and supervisors:
auditors check lawfulness from the log, admins run the deployment, and neither needs
the intelligence itself (data minimisation, LED Art. 4). What an allowed consultation
returns is still limited to the principal's scope (see ``undertow.store.scope``).
"""

from __future__ import annotations

from enum import StrEnum

from undertow.access.principals import Principal, Role
from undertow.errors import AccessDenied


class Action(StrEnum):
    INGEST = "ingest"
    CONSULT = "consult"
    QUARANTINE = "quarantine"
    REQUEST_RELEASE = "request_release"
    RELEASE = "release"
    ANSWER_REQUEST = "answer_request"
    RETENTION = "retention"
    USERS = "users"
    AUDIT = "audit"
    STATUS = "status"
    JUDGE = "judge"
    RESOLVE = "resolve"


_WORK = {Action.INGEST, Action.CONSULT, Action.QUARANTINE, Action.STATUS, Action.JUDGE}
ALLOWED: dict[Role, frozenset[Action]] = {
    Role.ANALYST: frozenset(_WORK | {Action.REQUEST_RELEASE}),
    Role.SUPERVISOR: frozenset(
        _WORK
        | {
            Action.REQUEST_RELEASE,
            Action.RELEASE,
            Action.ANSWER_REQUEST,
            Action.RETENTION,
            Action.RESOLVE,
        }
    ),
    Role.AUDITOR: frozenset({Action.AUDIT, Action.STATUS}),
    Role.ADMIN: frozenset(
        {Action.USERS, Action.AUDIT, Action.STATUS, Action.RETENTION, Action.RESOLVE}
    ),
}
# The local administrator of an embedded store belongs to no agency, so it has nobody to
# request a release from.
LOCAL_ADMIN_ALLOWED = frozenset(set(Action) - {Action.REQUEST_RELEASE})


def allows(principal: Principal, action: Action) -> bool:
    if principal.is_local_admin:
        return action in LOCAL_ADMIN_ALLOWED
    return action in ALLOWED[principal.role]


def require(principal: Principal, action: Action) -> None:
    if not allows(principal, action):
        raise AccessDenied(f"{principal.describe()} may not {action.value.replace('_', ' ')}")


def require_own(principal: Principal, agency: str, what: str) -> None:
    """Acting on an agency's data or users is for that agency (or the local administrator)."""
    if not principal.is_local_admin and principal.agency != agency:
        raise AccessDenied(f"{principal.describe()} may not {what} of {agency}")
