"""How the fare is paid, held and released: relatives, shops and collectors.

The relative pays before the first attempt -- at a hawala shop at home (Ranya,
Sulaymaniyah), at a UK or EU shop's counter, or by bank transfer to a UK money-service
business. The shop holds the money and releases it to the network's collector only
after the migrant has arrived (the Reuters case: released on the code word "OK"). A
release can come from a *different* shop than the one paid, in another country, with
no transfer between the two: hawala mirror settlement.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from undertow.synth.crossings import Group
from undertow.synth.flows import Flow, Ledger, Planted, Transfer, convert, round_to
from undertow.synth.identifiers import tron_address
from undertow.synth.networks import Infra, Network
from undertow.synth.population import Account, Org, Person, World

_BANK_REFS = (
    "family support",
    "gift",
    "for my brother",
    "help family",
    "loan",
    "support",
    "for Kaka",
    "Hawala",
    "rent",
    "mum",
    "pay back",
)
_CURRENCY_AT = {"iq": "USD", "ir": "USD", "af": "USD", "sy": "USD", "tr": "EUR", "gb": "GBP"}
Receipts = dict[str, list[tuple[date, float]]]


def account_of(world: World, party: Person | Org, purpose: str = "personal") -> Account:
    return party.accounts[0] if party.accounts else world.account(party, purpose)


def wallet(world: World, net_wallets: dict[str, str], party: Person) -> str:
    if party.true_id not in net_wallets:
        net_wallets[party.true_id] = tron_address(world.rng)
    return net_wallets[party.true_id]


def _send_agent(world: World, net: Network, infra: Infra, group: Group) -> Org:
    shops = net.shops
    if group.payer_where == "uk":
        return shops.get("uk", shops["eu"])
    if group.payer_where == "eu":
        return shops["eu"]
    country = group.payer.residence
    if country in {"iq", "ir"}:
        return shops["home"]
    abroad = [a for a in infra.payout_agents if a.country == country]
    return world.rng.choice(abroad) if abroad else shops["home"]


def _payout_shop(net: Network, collector: Person) -> Org:
    if collector.residence == "gb" and "uk" in net.shops:
        return net.shops["uk"]
    return net.shops["eu"]


def collect(
    world: World,
    ledger: Ledger,
    net: Network,
    infra: Infra,
    groups: list[Group],
    wallets: dict[str, str],
) -> Receipts:
    """Every group's fare, held and released; returns what each collector received."""
    rng = world.rng
    receipts: Receipts = defaultdict(list)
    pay_ins: dict[tuple[str, str, date], list[tuple[Flow, Group]]] = defaultdict(list)
    fan_in: dict[str, Planted] = {}
    for group in groups:
        eur = group.price * len(group.migrants)
        paid_on = group.agreed + timedelta(days=rng.randint(0, 3))
        released = None
        if group.arrived is not None:
            released = group.arrived + timedelta(days=rng.randint(1, 4))
            if released > ledger.end:
                released = None
        if group.channel == "cash":
            if released is not None:
                receipts[group.collector.true_id].append((released, eur))
            continue
        if group.channel == "crypto":
            if released is None:
                continue
            flow = Flow(
                group.payer,
                group.collector,
                None,
                None,
                round_to(convert(eur, "USDT"), 50) * 100,
                "USDT",
                released,
                "crypto",
                "USDT TRC-20",
                wallets=(tron_address(rng), wallet(world, wallets, group.collector)),
            )
            ledger.add(flow)
            receipts[group.collector.true_id].append((released, eur))
            continue
        if group.channel == "hawala":
            sender = _send_agent(world, net, infra, group)
            payout = _payout_shop(net, group.collector)
            currency = _CURRENCY_AT.get(sender.country, "EUR")
            if sender.country == "iq" and rng.random() < 0.15:
                currency = "IQD"  # dinars at the counter in Ranya, dollars elsewhere
            amount = round_to(convert(eur, currency), 100 if currency != "IQD" else 50_000)
            number = world.transfer_number(sender)
            transfer = Transfer(
                number, sender, payout, paid_on, released, "paid" if released else "held"
            )
            ledger.add(
                Flow(
                    group.payer,
                    group.collector,
                    None,
                    None,
                    amount * 100,
                    currency,
                    paid_on,
                    "hawala",
                    "",
                    transfer,
                )
            )
            if released is not None:
                receipts[group.collector.true_id].append((released, eur))
            continue
        # Bank: a UK or EU relative wires the fare to a money-service business's account.
        shop = (
            net.shops["uk"]
            if group.payer_where == "uk" and "uk" in net.shops
            else (net.shops["eu"])
        )
        shop_acc = account_of(world, shop, "msb")
        if shop.true_id not in fan_in:
            fan_in[shop.true_id] = ledger.plant("fan_in", [shop_acc], "relatives' fares")
        paid = ledger.pay(
            group.payer,
            shop,
            eur,
            paid_on,
            rng.choice(_BANK_REFS),
            payee_acc=shop_acc,
            step=50,
            plant=fan_in[shop.true_id],
        )
        if paid is not None and released is not None:
            pay_ins[(shop.true_id, group.collector.true_id, released)].append((paid, group))
    _release(world, ledger, net, pay_ins, receipts)
    return receipts


def _release(
    world: World,
    ledger: Ledger,
    net: Network,
    pay_ins: dict[tuple[str, str, date], list[tuple[Flow, Group]]],
    receipts: Receipts,
) -> None:
    """Release held bank fares after arrival: by the same shop, or mirrored by another."""
    rng = world.rng
    shops = {s.true_id: s for s in net.shops.values()}
    for (shop_id, _, released), items in sorted(pay_ins.items(), key=lambda kv: kv[0][2]):
        shop = shops[shop_id]
        collector = items[0][1].collector
        eur = sum(g.price * len(g.migrants) for _, g in items)
        partner = _mirror_partner(net, shop)
        if partner is not None and rng.random() < 0.5:
            # Mirror settlement: the partner shop abroad pays, nothing moves between shops.
            payer = partner
            plant = ledger.plant(
                "hawala_mirror",
                [
                    account_of(world, shop, "msb"),
                    account_of(world, partner, "msb"),
                    account_of(world, collector),
                ],
                "fares paid in, released abroad",
            )
            for flow, _ in items:
                ledger.tag(flow, plant)
            commission = 1 - rng.uniform(0.01, 0.03)
        else:
            payer, plant, commission = shop, None, 1.0
        ledger.pay(
            payer,
            collector,
            eur * commission,
            released,
            rng.choice(("release", "payment", "transfer", "settlement", "OK")),
            payer_acc=account_of(world, payer, "msb"),
            payee_acc=account_of(world, collector),
            step=10,
            plant=plant,
        )
        receipts[collector.true_id].append((released, eur))


def _mirror_partner(net: Network, shop: Org) -> Org | None:
    for slot in ("eu", "uk"):
        other = net.shops.get(slot)
        if other is not None and other.country != shop.country:
            return other
    return None
