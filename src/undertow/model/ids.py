"""Entity ids namespaced per agency, and content-hash ids for statements.

Two agencies' ``p-1`` must never collide, yet every output must still be able to name
the id as the agency submitted it. A namespaced id is ``<AGENCY>.<local id>`` (agency
codes contain no dot). A local id that FollowTheMoney would not accept as an entity id
(spaces, slashes, over-long) is replaced by a stable hash of itself; the submitted form
is kept beside it in every statement.
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache

# FollowTheMoney's entity id alphabet: letters, digits, dots and hyphens, not at the ends.
_VALID_ID = re.compile(r"^[0-9a-zA-Z]([0-9a-zA-Z.\-]*[0-9a-zA-Z])?$")
_MAX_ID = 200


@lru_cache(maxsize=1_048_576)
def namespaced_id(agency: str, local_id: str) -> str:
    """The store-wide id of an entity as ``agency`` submitted it.

    Idempotent: an id already in the agency's namespace (as exported by Undertow) is
    returned as is, so export and re-ingest round-trip.

    >>> namespaced_id("UK-NCA", "p-1")
    'UK-NCA.p-1'
    >>> namespaced_id("UK-NCA", "UK-NCA.p-1")
    'UK-NCA.p-1'
    """
    prefix = f"{agency}."
    if local_id.startswith(prefix):
        local_id = local_id[len(prefix) :]
    candidate = prefix + local_id
    if _VALID_ID.match(local_id) and len(candidate) <= _MAX_ID:
        return candidate
    digest = hashlib.sha1(local_id.encode("utf-8")).hexdigest()
    return f"{prefix}h{digest}"


def local_id_of(agency: str, local_id: str) -> str:
    """The submitted id with an own-namespace prefix removed (see :func:`namespaced_id`)."""
    prefix = f"{agency}."
    return local_id[len(prefix) :] if local_id.startswith(prefix) else local_id


def statement_id(agency: str, report: str, entity_id: str, prop: str, value: str) -> str:
    """Content hash of one statement: the same value from the same report is stored once.

    The schema is left out on purpose (as in nomenklatura): a later report that narrows
    a ``LegalEntity`` to a ``Person`` does not duplicate the values it repeats.
    """
    # Unit separators delimit the fields, so text cannot shift from one field to the next.
    key = f"{agency}\x1f{report}\x1f{entity_id}\x1f{prop}\x1f{value}"
    return hashlib.sha1(key.encode("utf-8", "surrogatepass")).hexdigest()
