"""The vocabulary of Undertow: agencies, handling codes, the 4x4 grading, provenance, ids."""

from undertow.model.agencies import Agency, AgencyRegistry, shipped_agencies
from undertow.model.grading import Grading
from undertow.model.handling import ALL, Handling, HandlingCode, Release
from undertow.model.ids import local_id_of, namespaced_id, statement_id
from undertow.model.provenance import Provenance

__all__ = [
    "ALL",
    "Agency",
    "AgencyRegistry",
    "Grading",
    "Handling",
    "HandlingCode",
    "Provenance",
    "Release",
    "local_id_of",
    "namespaced_id",
    "shipped_agencies",
    "statement_id",
]
