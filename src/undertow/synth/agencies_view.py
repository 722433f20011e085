"""What intelligence agencies know of a network, and how they write it down.

The NCA, the BKA, OLTIM, the FJP and Europol hold the members they know, their accounts
and who associates with whom (each in its own transliteration, id style and number
format -- see ``scribe.py``); the BKA also the storage sites and what a search seized
there; Europol the suppliers and the shipments Bulgaria and Turkey reported. What is
seen in the field (arrivals, beaches, border checks) is in ``field_view.py``.
"""

from __future__ import annotations

import random

from undertow.synth import conventions as cv
from undertow.synth.coverage import Coverage
from undertow.synth.equipment import Batch, Boat, leftover
from undertow.synth.networks import Infra, Network, Site
from undertow.synth.population import Person
from undertow.synth.profiles import ScenarioParams
from undertow.synth.reports import Report, ReportPlan
from undertow.synth.scribe import Scribe

INVESTIGATORS = ("UK-NCA", "DE-BKA", "FR-OLTIM", "BE-FJP")
_TIES = (
    ("organiser", "financier"),
    ("organiser", "collector"),
    ("organiser", "launderer"),
    ("financier", "hawaladar"),
    ("collector", "hawaladar"),
    ("equipment_buyer", "storage_keeper"),
    ("driver", "storage_keeper"),
    ("recruiter", "collector"),
    ("launderer", "mule"),
)
_ASSOCIATE = {"en": "associate", "de": "Kontaktperson", "fr": "complice", "nl": "contact"}


class NetworkView:
    def __init__(
        self, scribe: Scribe, plan: ReportPlan, params: ScenarioParams, infra: Infra
    ) -> None:
        self.scribe = scribe
        self.plan = plan
        self.params = params
        self.infra = infra
        self.rng: random.Random = scribe.rng

    def report(self, agency: str, net: Network, cov: Coverage) -> Report:
        """The network's investigation file at ``agency``, or its general intelligence."""
        if agency in INVESTIGATORS and len(cov.people.get(agency, [])) >= 2:
            return self.plan.investigation(agency, net.id, net.active[1])
        intel = agency in {"FR-OLTIM", "BE-FJP"}  # their standing files are field records
        return self.plan.standing(agency, "2023-2024-intel" if intel else "2023-2024")

    def _p(self, agency: str, base: float) -> bool:
        return self.rng.random() < min(0.98, base * self.params.coverage.get(agency, 1.0))

    # -- members -------------------------------------------------------------------

    def members(self, net: Network, cov: Coverage) -> None:
        sc = self.scribe
        role_of = {p.true_id: role for role, ps in net.members.items() for p in ps}
        for agency, known in cov.people.items():
            if not known:
                continue
            report = self.report(agency, net, cov)
            ids = {p.true_id: sc.person(report, p) for p in known}
            for p in known:
                for acc in p.accounts:
                    if acc.true_id in cov.accounts.get(agency, {}) or (
                        agency == "UK-NCA" and acc.country == "gb" and self._p(agency, 0.3)
                    ):
                        sc.account(report, acc, p)
            lang = cv.CONVENTIONS[agency].lang
            for a in known:
                for b in known:
                    pair = (role_of[a.true_id], role_of[b.true_id])
                    if pair in _TIES and self.rng.random() < 0.6:
                        sc.link(
                            report,
                            "Associate",
                            {
                                "person": [ids[a.true_id]],
                                "associate": [ids[b.true_id]],
                                "relationship": [_ASSOCIATE[lang]],
                            },
                        )
            for biz in [*net.fronts, *net.shops.values()]:
                if biz.controller in ids and self.rng.random() < 0.7:
                    sc.link(
                        report,
                        "Ownership",
                        {
                            "owner": [ids[biz.controller]],
                            "asset": [sc.org(report, biz)],
                            "role": ["owner"],
                        },
                    )

    # -- equipment -----------------------------------------------------------------

    def _site(self, report: Report, site: Site) -> str:
        lang = cv.CONVENTIONS[report.agency].lang
        return self.scribe.once(
            report,
            site.true_id,
            "Address",
            "address",
            {
                "full": [f"{site.street}, {site.postcode} {site.city}"],
                "street": [site.street],
                "postalCode": [site.postcode],
                "city": [site.city],
                "country": ["DE" if lang != "de" else "Deutschland"],
            },
            site.true_id,
        )

    def _boat(self, report: Report, boat: Boat, when: str, *, serial: float = 0.7) -> str:
        lang = cv.CONVENTIONS[report.agency].lang
        kind = {"de": "Schlauchboot", "fr": "embarcation pneumatique", "nl": "rubberboot"}.get(
            lang, "inflatable boat"
        )
        length = boat.model.split()[0]
        props = {
            "name": [f"{kind} {boat.colour} {length} ({when})"],
            "type": [kind],
            "model": [boat.model],
        }
        if boat.hull and self.rng.random() < serial:
            props["registrationNumber"] = [boat.hull]
        vessel = self.scribe.thing(report, "Vessel", "vessel", props, boat.true_id)
        if self.rng.random() < 0.75:
            motor = {
                "de": "Außenbordmotor",
                "fr": "moteur hors-bord",
                "nl": "buitenboordmotor",
            }.get(lang, "outboard engine")
            eprops = {
                "name": [f"{boat.engine_model} {motor}"],
                "type": [motor],
                "model": [boat.engine_model],
            }
            if self.rng.random() < serial:
                eprops["registrationNumber"] = [boat.engine_serial]
            engine = self.scribe.thing(report, "Vehicle", "vehicle", eprops, boat.engine_id)
            self.scribe.link(
                report,
                "UnknownLink",
                {"subject": [engine], "object": [vessel], "role": ["fitted to"]},
            )
        return vessel

    def equipment(self, net: Network, cov: Coverage, batches: list[Batch]) -> None:
        sc, rng = self.scribe, self.rng
        bka = self.report("DE-BKA", net, cov)
        investigated = bka.file.startswith("DE-BKA/ermittlung")
        keepers = {p.true_id: p for p in net.members["storage_keeper"]}
        for site in net.sites:
            if investigated and self._p("DE-BKA", 0.8):
                keeper = keepers[site.keeper]
                sc.link(
                    bka,
                    "UnknownLink",
                    {
                        "subject": [sc.person(bka, keeper)],
                        "object": [self._site(bka, site)],
                        "role": ["Mieter Lagerraum"],
                    },
                )
        if investigated and self._p("DE-BKA", 0.7):
            for boat in leftover(batches):
                assert boat.site is not None
                vessel = self._boat(bka, boat, str(net.active[1]), serial=0.9)
                sc.link(
                    bka,
                    "UnknownLink",
                    {
                        "subject": [vessel],
                        "object": [self._site(bka, boat.site)],
                        "role": ["sichergestellt"],
                        "date": [net.active[1].isoformat()],
                    },
                )
        europol = self.plan.standing("EU-EUROPOL", "2023-2024")
        for batch in batches:
            if investigated and rng.random() < 0.5:
                sc.link(
                    bka,
                    "UnknownLink",
                    {
                        "subject": [sc.person(bka, batch.buyer, ref=True)],
                        "object": [sc.org(bka, batch.supplier)],
                        "role": ["Lieferant"],
                    },
                )
            if self._p("EU-EUROPOL", 0.45):
                n = len(batch.boats)
                sc.thing(
                    europol,
                    "Event",
                    "event",
                    {
                        "name": [f"Shipment of {n} PVC boats and {n} outboard engines"],
                        "date": [batch.delivered.isoformat()],
                        "involved": [
                            sc.org(europol, batch.supplier),
                            sc.person(europol, batch.buyer, ref=True),
                        ],
                        "country": [batch.supplier.country.upper(), "DE"],
                        "summary": [f"via {batch.route}; {batch.vests} life jackets"],
                    },
                )

    def suppliers(self, people: list[Person]) -> None:
        """Europol's cross-checking data on the suppliers (from Bulgaria and Turkey)."""
        report = self.plan.standing("EU-EUROPOL", "2023-2024")
        for org, person in zip(self.infra.suppliers, people, strict=True):
            if self._p("EU-EUROPOL", 0.6):
                pid = self.scribe.person(report, person, keep=True)
                self.scribe.link(
                    report,
                    "Ownership",
                    {"owner": [pid], "asset": [self.scribe.org(report, org)], "role": ["manager"]},
                )
