"""What each agency knows about one network: people, accounts, phones, ledgers.

Knowledge follows jurisdiction and role: the NCA knows the UK end, the BKA the German
end and the equipment chain, the French the camps and beaches, the Belgians the
hawala shops in Brussels and the convoys on the E40, Europol what partners and third
countries fed into cross-checking. Nobody knows everything; some people are known to
no one at all.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from undertow.synth.networks import Network
from undertow.synth.population import Account, Org, Person
from undertow.synth.profiles import ScenarioParams

_HOME = {"UK-NCA": "gb", "DE-BKA": "de", "FR-OLTIM": "fr", "BE-FJP": "be"}
# Chance that an investigating agency knows a member of each role (before jurisdiction).
_ROLE = {
    "UK-NCA": {
        "organiser": 0.45,
        "financier": 0.35,
        "collector": 0.35,
        "hawaladar": 0.3,
        "launderer": 0.4,
        "mule": 0.3,
        "recruiter": 0.08,
        "driver": 0.05,
    },
    "DE-BKA": {
        "organiser": 0.4,
        "financier": 0.35,
        "collector": 0.3,
        "hawaladar": 0.3,
        "launderer": 0.3,
        "mule": 0.2,
        "equipment_buyer": 0.55,
        "storage_keeper": 0.55,
        "driver": 0.3,
        "recruiter": 0.05,
    },
    "FR-OLTIM": {
        "recruiter": 0.6,
        "collector": 0.3,
        "driver": 0.2,
        "organiser": 0.1,
        "hawaladar": 0.05,
    },
    "BE-FJP": {
        "hawaladar": 0.6,
        "collector": 0.4,
        "driver": 0.25,
        "mule": 0.2,
        "launderer": 0.2,
        "organiser": 0.08,
    },
    "EU-EUROPOL": {
        "organiser": 0.3,
        "financier": 0.3,
        "hawaladar": 0.25,
        "collector": 0.1,
        "equipment_buyer": 0.2,
        "launderer": 0.1,
    },
}


@dataclass
class Coverage:
    people: dict[str, list[Person]] = field(default_factory=dict)
    """Members each agency holds intelligence on."""
    accounts: dict[str, dict[str, Account]] = field(default_factory=dict)
    """Accounts each agency has financial data on (statements, financial enquiries)."""
    ledgers: dict[str, str] = field(default_factory=dict)
    """Shop true id -> agency holding that shop's seized transfer ledger."""
    targets: dict[str, dict[str, str]] = field(default_factory=dict)
    """Agency -> intercepted number -> its user's true id."""

    def knows(self, agency: str, account: Account | None) -> bool:
        return account is not None and account.true_id in self.accounts.get(agency, {})


def _chance(params: ScenarioParams, agency: str, base: float) -> float:
    return min(0.97, base * params.coverage.get(agency, 1.0))


def decide(
    rng: random.Random, params: ScenarioParams, net: Network, statement_holders: dict[str, Account]
) -> Coverage:
    cov = Coverage()
    for agency, roles in _ROLE.items():
        home = _HOME.get(agency)
        known = []
        for role, people in net.members.items():
            for p in people:
                base = roles.get(role, 0.02)
                if home is not None:
                    base = min(0.95, base * 1.9) if p.residence == home else base * 0.35
                if rng.random() < _chance(params, agency, base):
                    known.append(p)
        cov.people[agency] = known
    for agency, home in _HOME.items():
        chosen: dict[str, Account] = {}
        owners: list[Person | Org] = [*cov.people[agency], *net.fronts, *net.shops.values()]
        for owner in owners:
            for acc in owner.accounts:
                if acc.country == home and rng.random() < _chance(params, agency, 0.8):
                    chosen[acc.true_id] = acc
        cov.accounts[agency] = chosen
    # UK bank data arrives as statements (CSV), which include the decoy shops' accounts.
    for acc in cov.accounts["UK-NCA"].values():
        statement_holders.setdefault(acc.true_id, acc)
    for slot, shop in net.shops.items():
        if shop.country == "be":
            cov.ledgers[shop.true_id] = "BE-FJP"
        elif shop.country == "de" and rng.random() < _chance(params, "DE-BKA", 0.7):
            cov.ledgers[shop.true_id] = "DE-BKA"
        elif shop.country == "gb" and rng.random() < _chance(params, "UK-NCA", 0.5):
            cov.ledgers[shop.true_id] = "UK-NCA"
        elif slot == "home" and rng.random() < _chance(params, "EU-EUROPOL", 0.35):
            cov.ledgers[shop.true_id] = "EU-EUROPOL"
    for agency, region in (("DE-BKA", "+49"), ("FR-OLTIM", "+33"), ("UK-NCA", "+44")):
        targets: dict[str, str] = {}
        for p in cov.people[agency]:
            for number in p.phones:
                if number.startswith(region) and rng.random() < _chance(params, agency, 0.7):
                    targets[number] = p.true_id
        if agency == "DE-BKA":
            for burner in net.burners:
                if rng.random() < 0.3:
                    targets[burner] = ""
        cov.targets[agency] = targets
    return cov
