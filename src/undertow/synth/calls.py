"""Who phones whom: the network's chain of command, and the ordinary calls around it.

Organisers phone their lieutenants (financier, collectors, equipment buyer, launderers,
hawaladars) and nobody else in the network: they never speak to a migrant. Recruiters
phone migrants before a launch, drivers use a burner around a convoy, relatives phone
the shop that holds the fare. An intercepted phone also shows family, friends and
shops -- most of any call-detail record is innocent.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from undertow.synth import conventions as cv
from undertow.synth import phones
from undertow.synth.coverage import Coverage
from undertow.synth.crossings import Group
from undertow.synth.equipment import Batch, Convoy
from undertow.synth.exports import Exports
from undertow.synth.networks import Infra, Network
from undertow.synth.population import Person, World
from undertow.synth.reports import Report
from undertow.synth.scribe import Scribe
from undertow.synth.truth import TruthWriter


@dataclass(slots=True)
class Call:
    caller: Person
    caller_no: str
    callee: Person
    callee_no: str
    when: datetime
    seconds: int
    sms: bool


def _calls(
    rng: random.Random,
    a: Person,
    b: Person,
    start: date,
    end: date,
    count: float,
    a_no: str | None = None,
    b_no: str | None = None,
) -> list[Call]:
    out = []
    days = max(1, (end - start).days)
    for _ in range(int(count * rng.uniform(0.5, 1.5) + rng.random())):
        when = datetime.combine(start + timedelta(days=rng.randrange(days)), datetime.min.time())
        when += timedelta(minutes=rng.randint(8 * 60, 23 * 60 + 59))
        sms = rng.random() < 0.2
        seconds = 0 if sms else max(5, int(rng.lognormvariate(4.1, 0.9)))
        first, second = (a, a_no or a.phones[0]), (b, b_no or b.phones[0])
        if rng.random() < 0.5:
            first, second = second, first
        out.append(Call(first[0], first[1], second[0], second[1], when, seconds, sms))
    return out


def network_calls(
    rng: random.Random,
    net: Network,
    infra: Infra,
    groups: list[Group],
    batches: list[Batch],
    convoys: list[Convoy],
) -> list[Call]:
    start, end = net.active
    months = max(1.0, (end - start).days / 30)
    m = net.members
    calls: list[Call] = []
    for boss in m["organiser"]:
        for lieutenant in net.lieutenants():
            calls += _calls(rng, boss, lieutenant, start, end, 5 * months)
    for fin in m["financier"]:
        for other in m["hawaladar"] + m["collector"]:
            calls += _calls(rng, fin, other, start, end, 2 * months)
    for buyer in m["equipment_buyer"]:
        for keeper in m["storage_keeper"]:
            calls += _calls(rng, buyer, keeper, start, end, 3 * months)
    for recruiter in m["recruiter"]:
        for collector in m["collector"]:
            calls += _calls(rng, recruiter, collector, start, end, 2 * months)
    suppliers = dict(zip((o.true_id for o in infra.suppliers), infra.supplier_people, strict=True))
    for batch in batches:
        calls += _calls(
            rng,
            batch.buyer,
            suppliers[batch.supplier.true_id],
            batch.ordered - timedelta(days=10),
            batch.delivered,
            4,
        )
    keepers = {k.true_id: k for k in m["storage_keeper"]}
    for convoy in convoys:
        keeper = keepers[convoy.site.keeper]
        calls += _calls(
            rng,
            convoy.driver,
            keeper,
            convoy.date - timedelta(days=3),
            convoy.date + timedelta(days=1),
            3,
            a_no=convoy.burner,
        )
        calls += _calls(
            rng,
            convoy.driver,
            rng.choice(m["equipment_buyer"]),
            convoy.date - timedelta(days=3),
            convoy.date + timedelta(days=1),
            2,
            a_no=convoy.burner,
        )
    hawaladars = {p.true_id: p for p in m["hawaladar"]}
    for g in groups:
        lead = g.migrants[0]
        calls += _calls(rng, g.recruiter, lead, g.agreed, g.agreed + timedelta(days=20), 3)
        if g.payer is not lead:
            calls += _calls(
                rng,
                g.payer,
                lead,
                g.agreed - timedelta(days=20),
                g.arrived or g.agreed + timedelta(days=20),
                2,
            )
        if g.arrived is not None and g.channel in {"hawala", "bank"}:
            shop = (
                net.shops["uk"]
                if g.collector.residence == "gb" and "uk" in net.shops
                else (net.shops["eu"])
            )
            shopkeeper = hawaladars.get(shop.controller or "")
            if shopkeeper is not None:
                calls += _calls(
                    rng, g.collector, shopkeeper, g.arrived, g.arrived + timedelta(days=3), 1
                )
    return calls


class CallView:
    """Intercepts: DE-BKA call-detail records (CSV), French and UK phone data (FtM)."""

    def __init__(
        self,
        world: World,
        scribe: Scribe,
        exports: Exports,
        truth: TruthWriter,
        contacts: tuple[int, int],
    ) -> None:
        self.world = world
        self.scribe = scribe
        self.exports = exports
        self.truth = truth
        self.contacts = contacts

    def render(
        self, net: Network, cov: Coverage, calls: list[Call], reports: dict[str, Report]
    ) -> int:
        rng = self.world.rng
        start, end = net.active
        months = max(1.0, (end - start).days / 30)
        everyone = {p.true_id: p for p in net.people()}
        extra: list[Call] = []
        for targets in cov.targets.values():
            for number, user in targets.items():
                person = everyone.get(user)
                if person is None:
                    continue
                for _ in range(rng.randint(*self.contacts)):
                    origin = person.name.origin if rng.random() < 0.7 else "german"
                    contact = self.world.person(
                        origin, "background", residence=phones.country_of(number)
                    )
                    self.truth.person(contact)
                    extra += _calls(
                        rng, person, contact, start, end, rng.uniform(1, 5) * months, a_no=number
                    )
        written = 0
        for call in sorted(calls + extra, key=lambda c: c.when):
            de = cov.targets.get("DE-BKA", {})
            if call.caller_no in de or call.callee_no in de:
                self.exports.call(call.caller_no, call.callee_no, call.when, call.seconds, call.sms)
                written += 1
            for agency in ("FR-OLTIM", "UK-NCA"):
                targets = cov.targets.get(agency, {})
                if call.caller_no in targets or call.callee_no in targets:
                    self._ftm(reports[agency], cov, call)
                    written += 1
        return written

    def _ftm(self, report: Report, cov: Coverage, call: Call) -> None:
        sc, rng = self.scribe, self.world.rng
        known = {p.true_id for p in cov.people.get(report.agency, [])}
        region = cv.CONVENTIONS[report.agency].region
        props = {
            "callerNumber": [phones.render(call.caller_no, region, rng)],
            "receiverNumber": [phones.render(call.callee_no, region, rng)],
            "date": [call.when.isoformat(timespec="minutes")],
            "duration": [
                str(call.seconds)
                if rng.random() < 0.6
                else f"{call.seconds // 60:02d}:{call.seconds % 60:02d}"
            ],
        }
        if call.caller.true_id in known:
            props["caller"] = [sc.person(report, call.caller, ref=True)]
        if call.callee.true_id in known:
            props["receiver"] = [sc.person(report, call.callee, ref=True)]
        if call.sms:
            props["summary"] = ["SMS"]
        sc.thing(report, "Call", "call", props)
