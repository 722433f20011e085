"""The innocent majority, generated and written one chunk at a time.

Diaspora families remit money home through the same Brussels shops the networks use
(a few habitually send just under EUR 1,000, as structurers would); UK customers pay
travel agencies for flights to Erbil and grocers and phone shops by transfer, so a
legitimate shop's statement looks like a collection account; boats of networks
outside the scenario land in Kent; travellers are checked at borders. Each chunk's
people are forgotten once it is written, so memory does not grow with the background.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from undertow.synth.businesses import UK_ORIGINS, choice, outgoings
from undertow.synth.crossings import crossing_truth, outside_launch
from undertow.synth.field_view import FieldView
from undertow.synth.flows import Flow, Ledger, Transfer, round_to
from undertow.synth.money_view import MoneyView
from undertow.synth.networks import SPAN_END, SPAN_START, Infra
from undertow.synth.population import Org, World
from undertow.synth.profiles import ScenarioParams
from undertow.synth.reports import ReportPlan
from undertow.synth.scribe import Scribe
from undertow.synth.truth import TruthWriter

_REMITTERS = (
    ("moroccan", 0.3),
    ("kurd_iq", 0.2),
    ("afghan", 0.15),
    ("syrian", 0.1),
    ("eritrean", 0.08),
    ("sudanese", 0.05),
    ("vietnamese", 0.05),
    ("pakistani", 0.07),
)
_EU_HOMES = (("be", 0.5), ("nl", 0.25), ("fr", 0.15), ("de", 0.1))
_SPEND = {
    "mini_market": (8, 60),
    "phone_shop": (20, 300),
    "barber": (10, 25),
    "restaurant": (15, 80),
    "car_wash": (8, 30),
    "travel_agency": (300, 1_500),
    "hawala_shop": (100, 2_500),
    "transport": (50, 600),
}
_REFS = {
    "travel_agency": ("flights", "EBL tickets", "Erbil", "holiday", "booking"),
    "hawala_shop": ("family support", "for mum", "help", "transfer", "gift"),
    "transport": ("delivery", "removal", "cargo"),
}
_SPAN = (SPAN_END - SPAN_START).days


def _day(rng: random.Random) -> date:
    return SPAN_START + timedelta(days=rng.randrange(_SPAN))


def _poisson(rng: random.Random, mean: float) -> int:
    # Over-dispersed counts: a few customers do most of the business.
    return int(rng.expovariate(1 / mean)) if mean > 0 else 0


class Background:
    def __init__(
        self,
        world: World,
        params: ScenarioParams,
        infra: Infra,
        scribe: Scribe,
        money: MoneyView,
        view: FieldView,
        plan: ReportPlan,
        truth: TruthWriter,
        boats_per_chunk: int,
    ) -> None:
        self.world = world
        self.params = params
        self.infra = infra
        self.scribe = scribe
        self.money = money
        self.view = view
        self.plan = plan
        self.truth = truth
        self.boats = boats_per_chunk
        fronts = [f for n in infra.networks for f in n.fronts if f.country == "gb"]
        uk_shops = [n.shops["uk"] for n in infra.networks if "uk" in n.shops]
        # Complicit shops and fronts take honest customers' money too.
        self.uk_businesses: list[Org] = infra.statement_shops + fronts + uk_shops
        self.by_country: dict[str, list[Org]] = {}
        for agent in infra.payout_agents:
            self.by_country.setdefault(agent.country, []).append(agent)

    def chunk(self, people: int) -> None:
        world, rng = self.world, self.world.rng
        ledger = Ledger(None, SPAN_END)
        for _ in range(people):
            r = rng.random()
            if r < 0.45:
                self._uk_customer(ledger)
            elif r < 0.8:
                self._remitter(ledger)
            elif r < 0.88:
                self._traveller("DE-BPOL")
            elif r < 0.93:
                self._traveller("NL-KMAR")
            elif r < 0.96:
                self._traveller("EU-EUROPOL")
            else:
                p = world.person(choice(rng, UK_ORIGINS), "background", residence="gb")
                self.truth.person(p)
        self.money.render(ledger, None, {})
        for _ in range(self.boats):
            self._boat()

    def businesses(self) -> None:
        """The UK businesses' own outgoings (see ``businesses.py``)."""
        outgoings(self.world, self.infra, self.uk_businesses, self.money, self.truth)

    def _uk_customer(self, ledger: Ledger) -> None:
        world, rng = self.world, self.world.rng
        p = world.person(choice(rng, UK_ORIGINS), "background", residence="gb")
        acc = world.account(p, "personal")
        self.truth.person(p)
        self.truth.account(acc)
        shops = rng.sample(self.uk_businesses, k=min(3, len(self.uk_businesses)))
        for _ in range(_poisson(rng, self.params.shop_payments)):
            shop = shops[0] if rng.random() < 0.6 else rng.choice(shops)
            lo, hi = _SPEND.get(shop.sector, (10, 200))
            ref = rng.choice(_REFS.get(shop.sector, ("payment", "invoice", "thanks", "")))
            ledger.pay(
                p,
                shop,
                rng.uniform(lo, hi) / 0.86,
                _day(rng),
                ref,
                payer_acc=acc,
                payee_acc=shop.accounts[0],
                currency="GBP",
                step=1,
            )

    def _remitter(self, ledger: Ledger) -> None:
        world, rng = self.world, self.world.rng
        origin = choice(rng, _REMITTERS)
        home = choice(rng, _EU_HOMES)
        sender = world.person(origin, "background", residence=home)
        self.truth.person(sender)
        country = sender.nationality
        receivers = []
        for _ in range(1 if rng.random() < 0.7 else 2):
            r = world.person(origin, "background", female=rng.random() < 0.4)
            self.truth.person(r)
            receivers.append(r)
        shop = rng.choice(self.infra.ledger_shops)
        agents = self.by_country.get(country) or self.infra.payout_agents
        structurer = rng.random() < 0.05
        for _ in range(_poisson(rng, self.params.remittances)):
            if rng.random() < 0.2:
                shop = rng.choice(self.infra.ledger_shops)
            eur = rng.lognormvariate(5.5, 0.6)
            if structurer:
                eur = rng.uniform(900, 990)
            elif rng.random() < 0.03:
                eur = rng.uniform(2_000, 5_000)
            sent = _day(rng)
            paid = sent + timedelta(days=rng.randint(0, 2))
            number = world.transfer_number(shop)
            receiver = rng.choice(receivers)
            transfer = Transfer(
                number,
                shop,
                rng.choice(agents),
                sent,
                paid if paid <= SPAN_END else None,
                "paid" if paid <= SPAN_END else "held",
            )
            ledger.add(
                Flow(
                    sender,
                    receiver,
                    None,
                    None,
                    round_to(eur, 10) * 100,
                    "EUR",
                    sent,
                    "hawala",
                    "",
                    transfer,
                )
            )

    def _traveller(self, agency: str) -> None:
        """An innocent person checked at a border or held in another investigation."""
        world, rng = self.world, self.world.rng
        origin = rng.choice(
            (
                "german",
                "dutch",
                "belgian",
                "polish",
                "kurd_iq",
                "syrian",
                "afghan",
                "moroccan",
                "bulgarian",
                "british",
            )
        )
        p = world.person(origin, "background", residence=rng.choice(("de", "nl", "be", "fr")))
        self.truth.person(p)
        when = _day(rng)
        report = self.plan.standing(agency, str(when.year) if agency == "DE-BPOL" else "2023-2024")
        pid = self.scribe.person(report, p)
        if agency != "EU-EUROPOL":
            self.scribe.thing(
                report,
                "Event",
                "event",
                {
                    "name": ["Grenzkontrolle" if agency == "DE-BPOL" else "MTV-controle"],
                    "date": [when.isoformat()],
                    "involved": [pid],
                },
            )

    def _boat(self) -> None:
        """A launch by a network outside the scenario: UK-HOIE still records it."""
        crossing = outside_launch(self.world, self.params)
        boat = crossing.boat
        assert boat is not None
        for m in crossing.people:
            self.truth.person(m)
        self.view.arrival(crossing)
        self.truth.add("crossings", crossing_truth(crossing))
        self.truth.add(
            "equipment",
            {
                "true_id": boat.true_id,
                "kind": "boat",
                "network": None,
                "model": boat.model,
                "hull": boat.hull,
                "engine": boat.engine_id,
            },
        )
        self.truth.add(
            "equipment",
            {
                "true_id": boat.engine_id,
                "kind": "engine",
                "network": None,
                "model": boat.engine_model,
                "serial": boat.engine_serial,
            },
        )
