"""Which reports each agency submits, with their handling, release and grading.

Investigations get one report each (an NCA operation, a BKA Ermittlungsverfahren, a
French procédure, a Belgian dossier); standing collections (arrivals, border checks,
debriefings, cross-checking data, seized ledgers, intercepts) get one report per
period. Most are H0 or H2 and released to all partners; some are H1, restricted to
named partners, and a few are H3 with the restriction stated.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

_CODENAMES = (
    "kestrel",
    "heron",
    "plover",
    "curlew",
    "dunlin",
    "merlin",
    "osprey",
    "bittern",
    "avocet",
    "lapwing",
    "redshank",
    "shearwater",
    "fulmar",
    "gannet",
    "skua",
    "tern",
    "linnet",
    "siskin",
    "twite",
    "godwit",
    "whimbrel",
    "sanderling",
    "turnstone",
    "kittiwake",
    "guillemot",
    "razorbill",
    "petrel",
    "dipper",
    "stonechat",
    "wheatear",
)
_PARTNERS = ("UK-NCA", "DE-BKA", "FR-OLTIM", "BE-FJP", "NL-KMAR", "EU-EUROPOL")
_BE_CITIES = ("bruxelles", "antwerpen", "liege", "gent", "brugge")
_H3_NOTES = (
    "no hit: do not disclose existence",
    "judicial authorisation required before any use (secret de l'instruction)",
    "not to be shared with third countries",
)


@dataclass
class Report:
    agency: str
    report: str
    file: str
    handling: str
    release: str
    grading: str
    reported_at: date
    note: str | None = None
    mapping: str | None = None

    def manifest_entry(self) -> dict[str, Any]:
        entry: dict[str, Any] = {
            "file": self.file,
            "agency": self.agency,
            "report": self.report,
            "handling": self.handling,
            "release": self.release,
            "grading": self.grading,
        }
        if self.mapping:
            entry["mapping"] = self.mapping
        if self.note:
            entry["handling_note"] = self.note
        entry["reported_at"] = self.reported_at.isoformat()
        return entry


class ReportPlan:
    """Creates reports on first use, so an agency with nothing to say submits nothing."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.reports: dict[tuple[str, str], Report] = {}
        self._serial = 17
        self._codenames = 0
        self._names = rng.sample(_CODENAMES, k=len(_CODENAMES))

    def _make(self, key: tuple[str, str], **kw: Any) -> Report:
        report = self.reports.get(key)
        if report is None:
            report = self.reports[key] = Report(**kw)
        return report

    def _handling(self, agency: str, default: str) -> tuple[str, str, str | None]:
        r = self.rng.random()
        others = [a for a in _PARTNERS if a != agency]
        if r < 0.05:
            return (
                "H3",
                "EU-EUROPOL" if agency != "EU-EUROPOL" else "UK-NCA",
                self.rng.choice(_H3_NOTES),
            )
        if r < 0.2:
            return "H1", "all", None
        if r < 0.35:
            return default, ",".join(sorted(self.rng.sample(others, k=3))), None
        return default, "all", None

    def investigation(self, agency: str, net_id: str, ends: date) -> Report:
        key = (agency, net_id)
        if key in self.reports:
            return self.reports[key]
        self._serial += self.rng.randint(1, 9)
        n, year = self._serial, ends.year
        handling, release, note = self._handling(agency, "H2")
        if agency == "UK-NCA":
            k, self._codenames = self._codenames, self._codenames + 1
            name = self._names[k % len(_CODENAMES)] + (
                f"-{k // len(_CODENAMES) + 1}" if k >= len(_CODENAMES) else ""
            )
            ref, file = f"NCA-OP-{name.upper()}", f"UK-NCA/op-{name}.ftm.json"
        elif agency == "DE-BKA":
            ref, file = f"BKA-{year}-{n:03d}", f"DE-BKA/ermittlung-{year}-{n:03d}.ftm.json"
        elif agency == "FR-OLTIM":
            ref, file = f"OLTIM-PROC-{year}-{n:04d}", f"FR-OLTIM/procedure-{year}-{n:04d}.ftm.json"
        else:
            city = self.rng.choice(_BE_CITIES)
            ref, file = (
                f"FJP-{city.upper()}-{year}-{n:03d}",
                (f"BE-FJP/dossier-{city}-{year}-{n:03d}.ftm.json"),
            )
        return self._make(
            key,
            agency=agency,
            report=ref,
            file=file,
            handling=handling,
            release=release,
            grading=self.rng.choice(("B2", "B2", "A2", "B3")),
            reported_at=min(ends + timedelta(days=self.rng.randint(10, 60)), date(2025, 2, 28)),
            note=note,
        )

    def standing(self, agency: str, period: str) -> Report:
        """A standing collection: arrivals, checks, debriefings, cross-checking data."""
        key = (agency, period)
        if key in self.reports:
            return self.reports[key]
        year = int(period[-4:]) if period[-4:].isdigit() else 2024
        spec = {
            "UK-HOIE": ("HOIE-SBA-{p}", "UK-HOIE/small-boat-arrivals-{p}.ftm.json", "H2", "A2"),
            "DE-BPOL": ("BPOL-KONTR-{p}", "DE-BPOL/grenzkontrollen-{p}.ftm.json", "H0", "A1"),
            "NL-KMAR": ("KMAR-MTV-{p}", "NL-KMAR/mobiel-toezicht-{p}.ftm.json", "H0", "A2"),
            "BE-FJP": ("FJP-OBS-E40-{p}", "BE-FJP/observaties-e40-{p}.ftm.json", "H2", "B2"),
            "FR-OLTIM": (
                "OLTIM-LITT-{p}",
                "FR-OLTIM/interpellations-littoral-{p}.ftm.json",
                "H0",
                "A2",
            ),
            "EU-FRONTEX": ("FX-DEB-{p}", "EU-FRONTEX/debriefing-{p}.ftm.json", "H2", "X3"),
            "EU-EUROPOL": ("EMSC-XC-{p}", "EU-EUROPOL/emsc-crosscheck-{p}.ftm.json", "H2", "B3"),
            "UK-NCA": ("NCA-INT-{p}", "UK-NCA/intelligence-{p}.ftm.json", "H2", "B3"),
            "DE-BKA": ("BKA-AUSW-{p}", "DE-BKA/auswertung-{p}.ftm.json", "H2", "B3"),
        }[agency]
        if period.endswith("-intel"):  # intelligence outside any investigation
            period = period.removesuffix("-intel")
            spec = {
                "FR-OLTIM": ("OLTIM-RENS-{p}", "FR-OLTIM/renseignement-{p}.ftm.json", "H2", "B3"),
                "BE-FJP": ("FJP-INL-{p}", "BE-FJP/inlichtingen-{p}.ftm.json", "H2", "B3"),
            }.get(agency, spec)
        ref, file, handling, grading = (s.format(p=period) for s in spec)
        release, note = "all", None
        if agency == "EU-EUROPOL" and period.endswith("analysis"):
            # An analysis project: partners learn only of a hit, never of the content.
            ref = "EMSC-AP-" + period.removesuffix("-analysis")
            file = f"EU-EUROPOL/emsc-analysis-project-{period.removesuffix('-analysis')}.ftm.json"
            handling, note, release, grading = "H3", _H3_NOTES[0], "EU-EUROPOL", "B2"
        if agency == "EU-FRONTEX" and self.rng.random() < 0.5:
            grading = "X4"
        return self._make(
            key,
            agency=agency,
            report=ref,
            file=file,
            handling=handling,
            release=release,
            grading=grading,
            reported_at=date(min(year, 2024), 12, 31) + timedelta(days=14),
            note=note,
        )

    def export(self, agency: str, mapping: str) -> Report:
        """A CSV export read through a shipped mapping (the file keeps the mapping's name)."""
        spec = {
            "bank_statement": (
                "NCA-PO-2024-0133",
                "UK-NCA/production-orders-2024/",
                "H1",
                "all",
                "A1",
            ),
            "call_records": (
                "BKA-TKUE-2024-017",
                "DE-BKA/tkue-2024-017/",
                "H2",
                "DE-BPOL,EU-EUROPOL,FR-OLTIM,UK-NCA",
                "A1",
            ),
            "money_transfer": (
                "FJP-HAWALA-2024-041",
                "BE-FJP/hawala-ledgers-2024/",
                "H2",
                "all",
                "B2",
            ),
        }[mapping]
        ref, folder, handling, release, grading = spec
        return self._make(
            (agency, mapping),
            agency=agency,
            report=ref,
            file=f"{folder}{mapping}.csv",
            handling=handling,
            release=release,
            grading=grading,
            reported_at=date(2025, 1, 20),
            mapping=mapping,
        )
