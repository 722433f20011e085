"""The UK businesses' own outgoings: rent, wages and settlements.

A shop whose statement the NCA obtained pays rent and staff every month; a money-service
business also settles weekly with a trading partner abroad, which on a statement looks
much like a hawala shop settling its books -- because that is what it is, legitimately.
"""

from __future__ import annotations

import random
from datetime import timedelta

from undertow.synth.flows import Ledger
from undertow.synth.money_view import MoneyView
from undertow.synth.networks import SPAN_END, SPAN_START, Infra
from undertow.synth.population import Org, World
from undertow.synth.truth import TruthWriter

UK_ORIGINS = (
    ("british", 0.35),
    ("pakistani", 0.18),
    ("kurd_iq", 0.2),
    ("afghan", 0.1),
    ("persian", 0.08),
    ("polish", 0.09),
)


def choice(rng: random.Random, table: tuple[tuple[str, float], ...]) -> str:
    return rng.choices([k for k, _ in table], weights=[w for _, w in table])[0]


def outgoings(
    world: World, infra: Infra, businesses: list[Org], money: MoneyView, truth: TruthWriter
) -> None:
    """The UK businesses' own outgoings: rent, wages and, for money-service
    businesses, weekly settlements with a trading partner abroad."""
    rng = world.rng
    ledger = Ledger(None, SPAN_END)
    landlords = [o for o in infra.payees["landlord"] if o.country == "gb"]
    trading = infra.payees["trading"]
    for biz in businesses:
        acc = biz.accounts[0]
        staff = []
        for _ in range(rng.randint(1, 3)):
            worker = world.person(choice(rng, UK_ORIGINS), "background", residence="gb")
            worker_acc = world.account(worker, "personal")
            truth.person(worker)
            truth.account(worker_acc)
            staff.append((worker, worker_acc, rng.uniform(900, 2_000)))
        landlord = rng.choice(landlords)
        partner = rng.choice(trading)
        day = SPAN_START + timedelta(days=rng.randint(0, 27))
        while day <= SPAN_END:
            ledger.pay(
                biz,
                landlord,
                rng.uniform(900, 2_500),
                day,
                "rent",
                payer_acc=acc,
                currency="GBP",
                step=5,
            )
            for worker, worker_acc, wage in staff:
                ledger.pay(
                    biz,
                    worker,
                    wage,
                    day + timedelta(days=rng.randint(0, 3)),
                    "wages",
                    payer_acc=acc,
                    payee_acc=worker_acc,
                    currency="GBP",
                    step=1,
                )
            if biz.sector == "hawala_shop":
                for week in range(4):
                    ledger.pay(
                        biz,
                        partner,
                        rng.uniform(3_000, 15_000),
                        day + timedelta(days=7 * week),
                        "settlement",
                        payer_acc=acc,
                        currency="GBP",
                        step=10,
                    )
            day += timedelta(days=30)
    money.render(ledger, None, {})
