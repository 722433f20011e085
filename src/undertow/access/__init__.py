"""Need to know: principals, the role policy, users and tokens, release, the audit log."""

from undertow.access.audit import AuditEntry, AuditLog, Verification
from undertow.access.policy import Action, allows, require, require_own
from undertow.access.principals import LOCAL_ADMIN, Principal, Role
from undertow.access.release import ReleaseRecord, ReleaseRequest, Target
from undertow.access.users import User, acting_user, authenticate

__all__ = [
    "LOCAL_ADMIN",
    "Action",
    "AuditEntry",
    "AuditLog",
    "Principal",
    "ReleaseRecord",
    "ReleaseRequest",
    "Role",
    "Target",
    "User",
    "Verification",
    "acting_user",
    "allows",
    "authenticate",
    "require",
    "require_own",
]
