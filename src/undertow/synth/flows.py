"""True money movements and planted typologies, before anyone records them.

A :class:`Flow` is one movement of value: a bank transfer, a hawala transfer (paid in
at one shop, paid out at another, no money moving between them), or a crypto transfer.
A :class:`Planted` typology names the flows and accounts that make up one instance of
a laundering pattern, so the truth can say which recorded payments show it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from undertow.synth.population import Account, Org, Party

# Rough 2023-24 rates; amounts are rounded the way people round them.
PER_EUR = {
    "EUR": 1.0,
    "GBP": 0.86,
    "USD": 1.08,
    "USDT": 1.08,
    "TRY": 33.0,
    "BGN": 1.96,
    "AED": 3.97,
    "IQD": 1_410.0,
}


def convert(eur: float, currency: str) -> float:
    return eur * PER_EUR[currency]


def round_to(value: float, step: int) -> int:
    return max(step, round(value / step) * step)


@dataclass(slots=True)
class Transfer:
    """The hawala/MTO part of a flow: where it was paid in and where paid out."""

    number: str
    send_agent: Org
    payout_agent: Org
    send_date: date
    payout_date: date | None
    status: str  # paid, held, released on code


@dataclass(slots=True, eq=False)
class Flow:
    payer: Party
    payee: Party
    payer_acc: Account | None
    payee_acc: Account | None
    cents: int
    currency: str
    date: date
    channel: str  # bank, hawala, crypto
    purpose: str
    transfer: Transfer | None = None
    tags: list[int] = field(default_factory=list)
    wallets: tuple[str, str] | None = None  # (payer wallet, payee wallet) for crypto

    @property
    def amount(self) -> float:
        return self.cents / 100


@dataclass(slots=True, eq=False)
class Planted:
    """One planted instance of a typology (AMLworld vocabulary plus hawala patterns)."""

    typology: str
    network: str | None
    accounts: list[Account]
    flows: list[Flow] = field(default_factory=list)
    note: str = ""
    index: int = -1


class Ledger:
    """Flows of one scope (a network or a background chunk), with their typologies."""

    def __init__(self, network: str | None, end: date) -> None:
        self.network = network
        self.end = end
        self.flows: list[Flow] = []
        self.planted: list[Planted] = []

    def pay(
        self,
        payer: Party,
        payee: Party,
        eur: float,
        when: date,
        purpose: str,
        *,
        payer_acc: Account | None = None,
        payee_acc: Account | None = None,
        currency: str | None = None,
        exact: float | None = None,
        step: int = 10,
        plant: Planted | None = None,
    ) -> Flow | None:
        """A bank transfer (or None after the data cut-off: it has not happened yet)."""
        if when > self.end:
            return None
        payer_acc = payer_acc or (payer.accounts[0] if payer.accounts else None)
        payee_acc = payee_acc or (payee.accounts[0] if payee.accounts else None)
        cur = currency or (payer_acc.currency if payer_acc else "EUR")
        value = exact if exact is not None else round_to(convert(eur, cur), step)
        flow = Flow(
            payer, payee, payer_acc, payee_acc, round(value * 100), cur, when, "bank", purpose
        )
        self._add(flow, plant)
        return flow

    def add(self, flow: Flow, plant: Planted | None = None) -> Flow:
        self._add(flow, plant)
        return flow

    def _add(self, flow: Flow, plant: Planted | None) -> None:
        if plant is not None:
            self.tag(flow, plant)
        self.flows.append(flow)

    def tag(self, flow: Flow, plant: Planted) -> None:
        """Count ``flow`` as part of ``plant`` (a flow can be part of several)."""
        if plant.index < 0:
            plant.index = len(self.planted)
            self.planted.append(plant)
        flow.tags.append(plant.index)
        plant.flows.append(flow)

    def plant(self, typology: str, accounts: list[Account], note: str = "") -> Planted:
        return Planted(typology, self.network, [a for a in accounts if a is not None], note=note)
