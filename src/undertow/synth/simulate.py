"""One network's two years, from first launch to last release, then written down.

The order matters for consistency: launches are scheduled first, then equipment is
bought for them, boats are filled, fares collected and released after arrival, the
takings layered and the costs paid; only then is it decided who knows what, and each
agency writes its slice. Everything here is forgotten when the network is done.
"""

from __future__ import annotations

from undertow.synth.calls import CallView, network_calls
from undertow.synth.collection import collect
from undertow.synth.conventions import AGENCIES
from undertow.synth.costs import costs, personal, spending
from undertow.synth.coverage import decide
from undertow.synth.crossings import crossing_truth, fill_boats, launch_dates
from undertow.synth.equipment import assign_boats, plan_batches, plan_convoys
from undertow.synth.field_view import FieldView
from undertow.synth.flows import Ledger
from undertow.synth.layering import layer
from undertow.synth.money_view import MoneyView
from undertow.synth.networks import SPAN_END, Infra, Network
from undertow.synth.population import Account, Person, World
from undertow.synth.profiles import ScenarioParams
from undertow.synth.truth import TruthWriter


def simulate(
    world: World,
    params: ScenarioParams,
    infra: Infra,
    net: Network,
    view: FieldView,
    money: MoneyView,
    calls: CallView,
    truth: TruthWriter,
    statement_holders: dict[str, Account],
) -> dict[str, int]:
    rng = world.rng
    dates = launch_dates(rng, net)
    batches = plan_batches(world, net, dates)
    boats = assign_boats(batches, dates)
    crossings, groups = fill_boats(world, params, net, dates, boats, infra.camp_phones)
    convoys = plan_convoys(world, net, list(zip(dates, boats, strict=True)))

    ledger = Ledger(net.id, SPAN_END)
    wallets: dict[str, str] = {}
    receipts = collect(world, ledger, net, infra, groups, wallets)
    layer(world, ledger, net, params, receipts)
    costs(world, ledger, net, params, batches, convoys, wallets)
    spending(world, ledger, net, infra)

    cov = decide(rng, params, net, statement_holders)
    watched = [
        (p, acc)
        for p in net.people()
        for acc in p.accounts
        if acc.true_id in statement_holders
        or any(cov.knows(a, acc) for a in ("DE-BKA", "FR-OLTIM", "BE-FJP"))
    ]
    personal(world, ledger, infra, watched, *net.active)

    reports = {agency: view.report(agency, net, cov) for agency in AGENCIES}
    view.members(net, cov)
    view.equipment(net, cov, batches)
    view.crossings(net, crossings, groups)
    view.convoys(net, cov, convoys)
    money.render(ledger, cov, reports, {address: tid for tid, address in wallets.items()})
    n_calls = calls.render(
        net, cov, network_calls(rng, net, infra, groups, batches, convoys), reports
    )

    people: dict[str, Person] = {p.true_id: p for p in net.people()}
    for g in groups:
        for m in [*g.migrants, g.payer]:
            people.setdefault(m.true_id, m)
    for p in people.values():
        truth.person(p)
        for acc in p.accounts:
            truth.account(acc)
    _network_truth(net, truth)
    for c in crossings:
        truth.add("crossings", crossing_truth(c))
    for convoy in convoys:
        truth.add(
            "convoys",
            {
                "true_id": convoy.true_id,
                "network": net.id,
                "date": convoy.date.isoformat(),
                "driver": convoy.driver.true_id,
                "vehicle": convoy.vehicle_id,
                "plate": convoy.plate,
                "storage": convoy.site.true_id,
                "via": convoy.via,
                "boats": [b.true_id for b in convoy.boats],
                "burner": convoy.burner,
            },
        )
        truth.add(
            "equipment",
            {
                "true_id": convoy.vehicle_id,
                "kind": "vehicle",
                "network": net.id,
                "plate": convoy.plate,
                "model": convoy.vehicle_model,
                "driver": convoy.driver.true_id,
            },
        )
    for batch in batches:
        for boat in batch.boats:
            assert boat.supplier is not None
            assert boat.buyer is not None
            assert boat.site is not None
            base = {
                "network": net.id,
                "supplier": boat.supplier.true_id,
                "buyer": boat.buyer.true_id,
                "storage": boat.site.true_id,
                "bought": boat.bought.isoformat(),
                "batch": batch.index,
            }
            truth.add(
                "equipment",
                {
                    "true_id": boat.true_id,
                    "kind": "boat",
                    **base,
                    "model": boat.model,
                    "hull": boat.hull,
                    "engine": boat.engine_id,
                    "used": boat.used,
                },
            )
            truth.add(
                "equipment",
                {
                    "true_id": boat.engine_id,
                    "kind": "engine",
                    **base,
                    "model": boat.engine_model,
                    "serial": boat.engine_serial,
                },
            )
    for site in net.sites:
        truth.add(
            "equipment",
            {
                "true_id": site.true_id,
                "kind": "storage_site",
                "network": net.id,
                "keeper": site.keeper,
                "address": f"{site.street}, {site.postcode} {site.city}",
            },
        )
    return {
        "crossings": len(crossings),
        "calls": n_calls,
        "migrants": sum(len(g.migrants) for g in groups),
    }


def _network_truth(net: Network, truth: TruthWriter) -> None:
    entry: dict[str, object] = {
        "id": net.id,
        "origin": net.origin,
        "base": net.base,
        "active": [net.active[0].isoformat(), net.active[1].isoformat()],
    }
    for role, people in net.members.items():
        entry[f"{role}s"] = [p.true_id for p in people]
    # Mules carry the role "launderer" in the people table: list them under both.
    entry["launderers"] = [
        p.true_id for p in net.members["launderer"] + net.members.get("mule", [])
    ]
    entry["shops"] = {slot: shop.true_id for slot, shop in net.shops.items()}
    entry["fronts"] = [f.true_id for f in net.fronts]
    entry["suppliers"] = [s.true_id for s in net.suppliers]
    entry["storage_sites"] = [s.true_id for s in net.sites]
    entry["burners"] = list(net.burners)
    truth.add("networks", entry)
