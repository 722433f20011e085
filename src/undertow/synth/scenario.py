"""Generate the whole scenario: infrastructure, networks, background, manifest, truth."""

from __future__ import annotations

import json
import logging
import random
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from undertow.synth.background import Background
from undertow.synth.calls import CallView
from undertow.synth.defects import Defects
from undertow.synth.exports import Exports
from undertow.synth.field_view import FieldView
from undertow.synth.hubs import Hubs
from undertow.synth.infra import build_infra
from undertow.synth.money_view import MoneyView
from undertow.synth.names import PATRONYMIC, with_name
from undertow.synth.networks import Infra
from undertow.synth.population import Person, World
from undertow.synth.profiles import ScenarioParams
from undertow.synth.reports import ReportPlan
from undertow.synth.scribe import Scribe
from undertow.synth.simulate import simulate
from undertow.synth.sizes import SizeSpec
from undertow.synth.transliterate import document_spelling
from undertow.synth.truth import TruthWriter
from undertow.synth.writer import Writer

log = logging.getLogger(__name__)
Progress = Callable[[str, int, int], None]
NAMESAKE = ("Ahmed", "Mohammed")


@dataclass(frozen=True)
class SynthSummary:
    """What :func:`undertow.synth.generate` wrote."""

    out: Path
    manifest: Path
    truth: Path
    seed: int
    size: str
    profile: str
    networks: int
    persons_true: int
    person_records: int
    company_records: int
    account_records: int
    payments: int
    calls: int
    trips: int
    crossings: int
    typologies: int
    files: int
    unusable: int
    """Records written so that ingest will quarantine them (``truth.json``'s ``unusable``)."""
    seconds: float

    def counts(self) -> dict[str, int]:
        """The headline counts (name -> number), e.g. for the CLI's summary table."""
        names = (
            "networks",
            "persons_true",
            "person_records",
            "company_records",
            "account_records",
            "payments",
            "calls",
            "trips",
            "crossings",
            "typologies",
            "files",
            "unusable",
        )
        return {name: getattr(self, name) for name in names}


def run(
    out: Path,
    *,
    seed: int,
    size: SizeSpec,
    params: ScenarioParams,
    progress: Progress | None = None,
) -> SynthSummary:
    started = time.monotonic()
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(f"undertow-synth:{seed}:{size.name}:{params.name}")
    world = World(rng)
    n_networks = max(2, round(size.networks * params.network_factor))
    infra = build_infra(world, params, size, n_networks)
    namesakes = _plant_namesakes(rng, infra)
    hubs = _hubs(infra)
    truth = TruthWriter(out / "truth.json")
    # Its own stream: which records break leaves the rest of the world as it was.
    defects = Defects(
        params.noise, random.Random(f"undertow-defects:{seed}:{size.name}:{params.name}"), truth
    )
    writer = Writer(out, defects)
    plan = ReportPlan(rng)
    scribe = Scribe(writer, truth, params, rng, hubs)
    exports = Exports(scribe, plan, hubs)
    holders = {shop.accounts[0].true_id: shop.accounts[0] for shop in infra.statement_shops}
    money = MoneyView(scribe, exports, plan, holders, {s.true_id for s in infra.ledger_shops})
    view = FieldView(scribe, plan, params, infra)
    calls = CallView(world, scribe, exports, truth, size.cdr_contacts)
    _infra_truth(infra, truth)
    view.suppliers(infra.supplier_people)

    totals = {"crossings": 0, "calls": 0}
    for i, net in enumerate(infra.networks):
        done = simulate(world, params, infra, net, view, money, calls, truth, holders)
        totals["crossings"] += done["crossings"]
        totals["calls"] += done["calls"]
        for end in (scribe.end_scope, exports.end_scope, money.end_scope):
            end()
        log.info("network %s: %s", net.id, done)
        if progress is not None:
            progress("networks", i + 1, len(infra.networks))

    background = Background(
        world, params, infra, scribe, money, view, plan, truth, size.background_boats
    )
    background.businesses()
    for end in (scribe.end_scope, exports.end_scope, money.end_scope):
        end()
    for chunk in range(size.background_chunks):
        background.chunk(size.chunk_people)
        for end in (scribe.end_scope, exports.end_scope, money.end_scope):
            end()
        if progress is not None:
            progress("background", chunk + 1, size.background_chunks)

    exports.finish()
    reports = writer.close()
    manifest = out / "manifest.json"
    manifest.write_text(
        json.dumps([r.manifest_entry() for r in reports], indent=1, ensure_ascii=False) + "\n",
        encoding="utf-8",
    )
    for hub in hubs.entries():
        truth.add("hub_identifiers", hub)
    for name, ids in namesakes.items():
        truth.add("namesakes", {"name": name, "true_ids": ids})
    for shop in infra.statement_shops + [s for s in infra.ledger_shops if s.network is None]:
        truth.add(
            "decoys",
            {
                "kind": "legitimate_business",
                "true_id": shop.true_id,
                "sector": shop.sector,
                "accounts": [a.true_id for a in shop.accounts],
                "looks_like": "collection account",
            },
        )
    payments = (
        writer.schemas["Payment"]
        + writer.rows["bank_statement"]
        + 2 * writer.rows["money_transfer"]
    )
    n_calls = writer.schemas["Call"] + writer.rows["call_records"]
    counts = {
        "payments": payments,
        "calls": n_calls,
        "files": len(reports),
        "schemas": dict(sorted(writer.schemas.items())),
        "csv_rows": dict(sorted(writer.rows.items())),
        "crossings_in_networks": totals["crossings"],
    }
    header = {
        "seed": seed,
        "size": size.name,
        "profile": params.name,
        "generated_with": {"size": asdict(size), "params": asdict(params)},
    }
    by_kind = truth.record_kinds
    truth.close(header, counts)
    if progress is not None:
        progress("truth", 1, 1)
    return SynthSummary(
        out=out,
        manifest=manifest,
        truth=out / "truth.json",
        seed=seed,
        size=size.name,
        profile=params.name,
        networks=len(infra.networks),
        persons_true=truth.counts["people"],
        person_records=by_kind.get("P", 0),
        company_records=by_kind.get("O", 0),
        account_records=by_kind.get("A", 0),
        payments=payments,
        calls=n_calls,
        trips=writer.schemas["Trip"],
        crossings=truth.counts["crossings"],
        typologies=truth.counts["typologies"],
        files=len(reports),
        unusable=truth.counts["unusable"],
        seconds=round(time.monotonic() - started, 2),
    )


def _plant_namesakes(rng: random.Random, infra: Infra) -> dict[str, list[str]]:
    """Give three members of different networks the same common name: different people
    with different birth dates and phones, whom resolution must keep apart."""
    candidates = [
        p
        for net in infra.networks
        for role in ("collector", "hawaladar", "launderer", "driver")
        for p in net.members.get(role, [])
        if p.name.origin in PATRONYMIC
    ]
    rng.shuffle(candidates)
    chosen: list[Person] = []
    for p in candidates:
        if all(p.network != c.network for c in chosen) or len(infra.networks) < 3:
            chosen.append(p)
        if len(chosen) == 3:
            break
    for p in chosen:
        p.name = with_name(p.name, *NAMESAKE)
        p.doc = document_spelling(p.name, rng) if p.doc else None
    return {" ".join(NAMESAKE): [p.true_id for p in chosen]} if len(chosen) >= 2 else {}


def _hubs(infra: Infra) -> Hubs:
    hubs = Hubs()
    for net in infra.networks:
        for shop in net.shops.values():
            hubs.register(shop.phones[0], "shop_phone", shop.true_id)
        for burner in net.burners:
            hubs.register(burner, "burner")
    for shop in infra.ledger_shops:
        hubs.register(shop.phones[0], "shop_phone", shop.true_id)
    for phone in infra.camp_phones:
        hubs.register(phone, "camp_phone")
    return hubs


def _infra_truth(infra: Infra, truth: TruthWriter) -> None:
    orgs = (
        infra.suppliers
        + infra.statement_shops
        + infra.ledger_shops
        + infra.payout_agents
        + [o for group in infra.payees.values() for o in group]
        + [f for n in infra.networks for f in n.fronts]
        + [s for n in infra.networks for s in n.shops.values()]
    )
    seen: set[str] = set()
    for org in orgs:
        if org.true_id in seen:
            continue
        seen.add(org.true_id)
        truth.person(org)
        for acc in org.accounts:
            truth.account(acc)
    for person in infra.supplier_people + infra.extra_people:
        truth.person(person)
        for acc in person.accounts:
            truth.account(acc)
