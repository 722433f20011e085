"""Ingest: agency files (FtM JSON lines, CSV through FtM mappings, manifests) into the store.

Every record is normalised through FollowTheMoney's property types with the submitting
agency's conventions, stored as statements with its provenance, or set aside in the
quarantine with the file, line, field and reason.
"""

from undertow.ingest.amounts import Amount, AmountError, parse_amount
from undertow.ingest.dates import clean_date
from undertow.ingest.mapping import SHIPPED as SHIPPED_MAPPINGS
from undertow.ingest.mapping import load_mapping
from undertow.ingest.service import ExitCode, IngestJob, IngestResult, ingest_file

__all__ = [
    "SHIPPED_MAPPINGS",
    "Amount",
    "AmountError",
    "ExitCode",
    "IngestJob",
    "IngestResult",
    "clean_date",
    "ingest_file",
    "load_mapping",
    "parse_amount",
]
