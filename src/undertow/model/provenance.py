"""Where a value came from: agency, report, handling, release, grading and dates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from undertow.model.grading import Grading
from undertow.model.handling import Handling, Release


@dataclass(frozen=True)
class Provenance:
    agency: str
    report: str
    """The submission's reference as the agency gives it (e.g. an intelligence report no.)."""
    handling: Handling
    release: Release
    grading: Grading
    reported_at: datetime
    """When the information was reported; becomes first_seen/last_seen of its statements."""
    review_by: date
    """When the report must be reviewed, and then kept or deleted (LED Art. 5)."""
