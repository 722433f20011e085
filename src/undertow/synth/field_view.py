"""What agencies see in the field: launches, arrivals, debriefings, vans on the road.

* UK-HOIE: every small-boat arrival -- the boat, its engine, the people aboard, the pilot;
* FR-OLTIM: launches stopped on the beach, boats and engines seized, pilots arrested, and
  now and then a departure seen from the dunes;
* EU-FRONTEX: debriefings of migrants turned back at the beach, who name smugglers by
  nickname and phone (often a hub number) and the shop that holds their fare;
* DE-BPOL, NL-KMAR, BE-FJP: vans checked at the border or caught by number-plate cameras
  on the way from the Ruhr to the coast.
"""

from __future__ import annotations

from undertow.synth import conventions as cv
from undertow.synth.agencies_view import NetworkView
from undertow.synth.coverage import Coverage
from undertow.synth.crossings import Crossing, Group
from undertow.synth.equipment import Convoy
from undertow.synth.identifiers import plate_variant
from undertow.synth.networks import Network
from undertow.synth.places import CHECKPOINTS, DROP_POINTS
from undertow.synth.reports import Report


class FieldView(NetworkView):
    def _place(
        self, report: Report, place: tuple[str, str, str, float, float], country: str
    ) -> str:
        name, town, postcode, lat, lon = place
        lang = cv.CONVENTIONS[report.agency].lang
        return self.scribe.once(
            report,
            f"place:{name}",
            "Address",
            "address",
            {
                "full": [f"{name}, {postcode} {cv.city(town, lang)}"],
                "city": [cv.city(town, lang)],
                "postalCode": [postcode],
                "country": [country],
                "latitude": [f"{lat:.4f}"],
                "longitude": [f"{lon:.4f}"],
            },
            keep=True,
        )

    def crossings(self, net: Network, crossings: list[Crossing], groups: list[Group]) -> None:
        sc, rng = self.scribe, self.rng
        littoral = self.plan.standing("FR-OLTIM", "2023-2024")
        for c in crossings:
            assert c.boat is not None
            assert c.pilot is not None
            if c.outcome == "arrived" and c.landing is not None:
                self.arrival(c)
                if self._p("FR-OLTIM", 0.12):
                    sc.thing(
                        littoral,
                        "Event",
                        "event",
                        {
                            "name": [f"Départ d'embarcation observé – {c.beach[0]}"],
                            "date": [cv.day(c.date, cv.CONVENTIONS["FR-OLTIM"], rng)],
                            "addressEntity": [self._place(littoral, c.beach, "FR")],
                        },
                    )
            elif c.outcome == "intercepted" and self._p("FR-OLTIM", 0.9):
                place = self._place(littoral, c.beach, "FR")
                involved = [sc.person(littoral, c.pilot)] if self._p("FR-OLTIM", 0.7) else []
                involved += [
                    sc.person(littoral, m, detail="thin" if rng.random() < 0.5 else "full")
                    for m in c.people
                    if m is not c.pilot and rng.random() < 0.2
                ]
                event = sc.thing(
                    littoral,
                    "Event",
                    "event",
                    {
                        "name": [f"Tentative de traversée empêchée – {c.beach[0]}"],
                        "date": [cv.day(c.date, cv.CONVENTIONS["FR-OLTIM"], rng)],
                        "addressEntity": [place],
                        "involved": involved,
                    },
                )
                vessel = self._boat(littoral, c.boat, c.date.strftime("%d/%m/%Y"), serial=0.9)
                sc.link(
                    littoral,
                    "UnknownLink",
                    {"subject": [vessel], "object": [event], "role": ["saisi"]},
                )
            elif c.outcome == "rescued" and self._p("FR-OLTIM", 0.5):
                sc.thing(
                    littoral,
                    "Event",
                    "event",
                    {
                        "name": ["Sauvetage en mer (CROSS Gris-Nez)"],
                        "date": [c.date.isoformat()],
                        "addressEntity": [self._place(littoral, c.beach, "FR")],
                        "involved": [
                            sc.person(littoral, m, detail="thin")
                            for m in c.people
                            if rng.random() < 0.1
                        ],
                    },
                )
        self._debriefings(net, crossings, groups)

    def arrival(self, c: Crossing) -> None:
        """UK-HOIE's record of a small-boat arrival: trip, boat, engine, people, pilot."""
        sc = self.scribe
        assert c.boat is not None
        assert c.pilot is not None
        assert c.landing is not None
        hoie = self.plan.standing("UK-HOIE", str(c.date.year))
        start = self._place(hoie, c.beach, "FR")
        end = self._place(hoie, c.landing, "GB")
        vessel = self._boat(hoie, c.boat, c.date.strftime("%d/%m/%Y"))
        aboard = [sc.person(hoie, m) for m in c.people if self._p("UK-HOIE", 0.97)]
        sc.thing(
            hoie,
            "Trip",
            "trip",
            {
                "name": [f"Small boat arrival {c.date:%d/%m/%Y} {c.landing[1]}"],
                "date": [c.date.isoformat()],
                "startLocation": [start],
                "endLocation": [end],
                "vehicle": [vessel],
                "involved": aboard,
            },
        )
        sc.link(
            hoie,
            "UnknownLink",
            {
                "subject": [sc.person(hoie, c.pilot)],
                "object": [vessel],
                "role": ["pilot (identified by passengers)"],
            },
        )

    def _debriefings(self, net: Network, crossings: list[Crossing], groups: list[Group]) -> None:
        """Frontex debriefs some migrants turned back at the beach; they name smugglers."""
        sc, rng = self.scribe, self.rng
        failed = {c.true_id: c for c in crossings if c.outcome != "arrived"}
        for g in groups:
            attempt = next((failed[a] for a in g.attempts if a in failed), None)
            if attempt is None or not self._p("EU-FRONTEX", 0.07):
                continue
            report = self.plan.standing("EU-FRONTEX", str(attempt.date.year))
            who = g.migrants[0]
            interviewee = sc.person(report, who)
            named = [g.recruiter] + ([g.collector] if rng.random() < 0.2 else [])
            for smuggler in named:
                sid = sc.person(report, smuggler, detail="alias")
                sc.link(
                    report,
                    "UnknownLink",
                    {
                        "subject": [interviewee],
                        "object": [sid],
                        "role": ["facilitator named by interviewee"],
                    },
                )
            if g.channel == "hawala" and rng.random() < 0.3:
                shop = net.shops["home"]
                sc.link(
                    report,
                    "UnknownLink",
                    {
                        "subject": [interviewee],
                        "object": [sc.org(report, shop)],
                        "role": ["fare deposited with"],
                    },
                )
            sc.thing(
                report,
                "Event",
                "event",
                {
                    "name": ["Debriefing interview"],
                    "involved": [interviewee],
                    "date": [attempt.date.isoformat()],
                    "country": ["FR"],
                },
            )

    # -- convoys -------------------------------------------------------------------

    def convoys(self, net: Network, cov: Coverage, convoys: list[Convoy]) -> None:
        for convoy in convoys:
            if self._p("DE-BPOL", 0.25):
                self._check(
                    "DE-BPOL",
                    self.plan.standing("DE-BPOL", str(convoy.date.year)),
                    convoy,
                    "Grenzkontrolle",
                )
            if convoy.via == "nl-be" and self._p("NL-KMAR", 0.4):
                self._check(
                    "NL-KMAR", self.plan.standing("NL-KMAR", "2023-2024"), convoy, "MTV-controle"
                )
            if self._p("BE-FJP", 0.35):
                self._check(
                    "BE-FJP",
                    self.plan.standing("BE-FJP", "2023-2024"),
                    convoy,
                    "ANPR-hit",
                    driver=self.rng.random() < 0.3,
                )
            bka = self.report("DE-BKA", net, cov)
            if bka.file.startswith("DE-BKA/ermittlung") and self._p("DE-BKA", 0.3):
                self._observed(bka, convoy)

    def _observed(self, report: Report, convoy: Convoy) -> None:
        """A surveillance team follows the van from the garage towards the coast."""
        sc, rng = self.scribe, self.rng
        van = sc.once(
            report,
            convoy.vehicle_id,
            "Vehicle",
            "vehicle",
            {
                "registrationNumber": [plate_variant(convoy.plate, rng)],
                "model": [convoy.vehicle_model],
            },
            convoy.vehicle_id,
        )
        sc.thing(
            report,
            "Trip",
            "trip",
            {
                "name": [f"Observation Transporter {convoy.date:%d.%m.%Y}"],
                "date": [convoy.date.isoformat()],
                "startLocation": [self._site(report, convoy.site)],
                "endLocation": [self._place(report, rng.choice(DROP_POINTS), "FR")],
                "vehicle": [van],
                "involved": [sc.person(report, convoy.driver, ref=True)],
            },
        )

    def _check(
        self, agency: str, report: Report, convoy: Convoy, what: str, driver: bool = True
    ) -> None:
        sc, rng = self.scribe, self.rng
        name, town, country = rng.choice(CHECKPOINTS[agency])
        place = sc.once(
            report,
            f"cp:{name}",
            "Address",
            "address",
            {"full": [name], "city": [town], "country": [country]},
            keep=True,
        )
        props = {
            "registrationNumber": [plate_variant(convoy.plate, rng)],
            "model": [convoy.vehicle_model],
            "country": [cv.country(convoy.vehicle_country, cv.CONVENTIONS[agency], rng, sc.noise)],
        }
        involved: list[str] = []
        if driver:
            extra = None
            if convoy.burner and rng.random() < 0.6:
                extra = {"phone": [sc.phone(agency, convoy.burner, convoy.driver.true_id)]}
            involved.append(sc.person(report, convoy.driver, extra=extra))
            props["operator"] = involved
        vehicle = sc.once(report, convoy.vehicle_id, "Vehicle", "vehicle", props, convoy.vehicle_id)
        event = sc.thing(
            report,
            "Event",
            "event",
            {
                "name": [f"{what} {name}"],
                "date": [cv.day(convoy.date, cv.CONVENTIONS[agency], rng)],
                "addressEntity": [place],
                "involved": involved,
            },
        )
        sc.link(
            report,
            "UnknownLink",
            {"subject": [vehicle], "object": [event], "role": ["vehicle checked"]},
        )
