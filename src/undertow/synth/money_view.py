"""Which agency records which payment, in which form -- and the typology evidence.

* a bank transfer touching an account under UK production order is a row on that
  account's statement (twice if both accounts are under order);
* one touching an account in a German, French or Belgian financial enquiry is a Payment
  in that agency's file, with both accounts and their holders;
* a hawala transfer is a row in a seized ledger (Belgium: CSV; Germany, the UK, Europol:
  a pay-in and a pay-out Payment);
* Europol holds what financial intelligence units reported (suspicious transfers) and
  what exchanges disclosed about USDT wallets.

A planted typology is written to the truth only with the recorded payments that show
it; one that left no trace in any file is not a fact anyone could find.
"""

from __future__ import annotations

import random
from datetime import date
from typing import Any

from undertow.synth import conventions as cv
from undertow.synth.coverage import Coverage
from undertow.synth.exports import Exports
from undertow.synth.flows import Flow, Ledger
from undertow.synth.identifiers import tx_hash
from undertow.synth.population import Account, Party
from undertow.synth.reports import Report, ReportPlan
from undertow.synth.scribe import Scribe
from undertow.synth.writer import Props

_JSONL_BANKS = ("DE-BKA", "FR-OLTIM", "BE-FJP")
Records = list[tuple[str, str]]


class MoneyView:
    def __init__(
        self,
        scribe: Scribe,
        exports: Exports,
        plan: ReportPlan,
        statement_holders: dict[str, Account],
        ledger_shops: set[str],
    ) -> None:
        self.scribe = scribe
        self.exports = exports
        self.plan = plan
        self.rng: random.Random = scribe.rng
        self.statement_holders = statement_holders
        self.ledger_shops = ledger_shops
        self._wallets: dict[tuple[str, str], str] = {}

    def render(
        self,
        ledger: Ledger,
        cov: Coverage | None,
        reports: dict[str, Report],
        wallet_holders: dict[str, str] | None = None,
    ) -> list[Records]:
        """Write every flow where it was recorded; return each flow's records."""
        out: list[Records] = []
        for flow in ledger.flows:
            if flow.channel == "bank":
                out.append(self._bank(flow, cov, reports))
            elif flow.channel == "hawala":
                out.append(self._hawala(flow, cov, reports))
            else:
                out.append(self._crypto(flow, wallet_holders or {}))
        self._typologies(ledger, out)
        return out

    def _bank(self, flow: Flow, cov: Coverage | None, reports: dict[str, Report]) -> Records:
        recs: Records = []
        ex, holders = self.exports, self.statement_holders
        pa, ba = flow.payer_acc, flow.payee_acc
        if pa is not None and ba is not None:
            if pa.true_id in holders:
                recs.append(
                    (
                        "UK-NCA",
                        ex.booking(
                            flow.payer,
                            pa,
                            flow.payee,
                            ba,
                            True,
                            flow.cents,
                            flow.currency,
                            flow.date,
                            flow.purpose,
                        ),
                    )
                )
            if ba.true_id in holders:
                recs.append(
                    (
                        "UK-NCA",
                        ex.booking(
                            flow.payee,
                            ba,
                            flow.payer,
                            pa,
                            False,
                            flow.cents,
                            flow.currency,
                            flow.date,
                            flow.purpose,
                        ),
                    )
                )
        if cov is not None:
            for agency in _JSONL_BANKS:
                if cov.knows(agency, pa) or cov.knows(agency, ba):
                    recs.append((agency, self._payment(reports[agency], flow)))
            eur = flow.amount / {"GBP": 0.86, "USD": 1.08}.get(flow.currency, 1.0)
            if (flow.tags and self.rng.random() < 0.15) or (
                eur >= 15_000 and self.rng.random() < 0.2
            ):
                recs.append(("EU-EUROPOL", self._payment(reports["EU-EUROPOL"], flow)))
        return recs

    def _payment(self, report: Report, flow: Flow) -> str:
        sc, rng = self.scribe, self.rng
        conv = cv.CONVENTIONS[report.agency]
        props: Props = {
            "payer": [sc.party(report, flow.payer)],
            "beneficiary": [sc.party(report, flow.payee)],
            "amount": [cv.amount(flow.cents, conv, rng)],
            "currency": [flow.currency],
            "date": [cv.day(flow.date, conv, rng)],
        }
        if flow.purpose:
            props["purpose"] = [flow.purpose]
        if flow.payer_acc is not None:
            props["payerAccount"] = [sc.account(report, flow.payer_acc, flow.payer)]
        if flow.payee_acc is not None:
            props["beneficiaryAccount"] = [sc.account(report, flow.payee_acc, flow.payee)]
        return sc.thing(report, "Payment", "payment", props)

    def _hawala(self, flow: Flow, cov: Coverage | None, reports: dict[str, Report]) -> Records:
        t = flow.transfer
        assert t is not None
        recs: Records = []
        shops = (t.send_agent.true_id, t.payout_agent.true_id)
        if any(s in self.ledger_shops for s in shops):
            pay_in, pay_out = self.exports.transfer(flow)
            recs += [("BE-FJP", pay_in)]
            if t.payout_date is not None:
                recs.append(("BE-FJP", pay_out))
        holders = {cov.ledgers.get(s) for s in shops} if cov is not None else set()
        for agency in sorted(h for h in holders if h and h != "BE-FJP"):
            recs += self._ledger_payments(reports[agency], flow)
        return recs

    def _ledger_payments(self, report: Report, flow: Flow) -> Records:
        """A seized ledger in an FtM file: paid in at one shop, paid out at the other."""
        sc, rng = self.scribe, self.rng
        t = flow.transfer
        assert t is not None
        conv = cv.CONVENTIONS[report.agency]
        amount = cv.amount(flow.cents, conv, rng)
        recs: Records = []
        legs: list[tuple[Party, Party, date]] = [(flow.payer, t.send_agent, t.send_date)]
        if t.payout_date is not None:
            legs.append((t.payout_agent, flow.payee, t.payout_date))
        for payer, payee, when in legs:
            pid = sc.thing(
                report,
                "Payment",
                "payment",
                {
                    "payer": [sc.party(report, payer)],
                    "beneficiary": [sc.party(report, payee)],
                    "amount": [amount],
                    "currency": [flow.currency],
                    "date": [when.isoformat()],
                    "transactionNumber": [t.number],
                    "purpose": [t.status],
                },
            )
            recs.append((report.agency, pid))
        return recs

    def _crypto(self, flow: Flow, holders: dict[str, str]) -> Records:
        if flow.wallets is None or self.rng.random() > 0.6:
            return []
        sc, rng = self.scribe, self.rng
        report = self.plan.standing("EU-EUROPOL", "2023-2024-analysis")
        wallets = []
        for address, party in zip(flow.wallets, (flow.payer, flow.payee), strict=True):
            key = (report.agency, address)
            if key not in self._wallets:
                props: Props = {
                    "publicKey": [address],
                    "currency": ["USDT"],
                    "blockchain": ["TRON"],
                }
                if holders.get(address) == party.true_id or rng.random() < 0.3:
                    props["holder"] = [sc.party(report, party)]
                self._wallets[key] = sc.thing(
                    report, "CryptoWallet", "wallet", props, f"W{address}"
                )
                sc.truth.wallet(f"W{address}", party.true_id, address)
            wallets.append(self._wallets[key])
        pid = sc.thing(
            report,
            "Payment",
            "payment",
            {
                "payer": [sc.party(report, flow.payer)],
                "beneficiary": [sc.party(report, flow.payee)],
                "amount": [cv.amount(flow.cents, cv.CONVENTIONS["EU-EUROPOL"], rng)],
                "currency": ["USDT"],
                "date": [flow.date.isoformat()],
                "purpose": [f"USDT TRC-20 {flow.wallets[0]} -> {flow.wallets[1]}"],
                "transactionNumber": [tx_hash(rng)],
            },
        )
        return [(report.agency, pid)]

    def _typologies(self, ledger: Ledger, records: list[Records]) -> None:
        by_flow = {id(f): r for f, r in zip(ledger.flows, records, strict=True)}
        seen = self.scribe.accounts_seen
        for plant in ledger.planted:
            payments = list(dict.fromkeys(r for f in plant.flows for r in by_flow.get(id(f), [])))
            if not payments:
                continue  # left no trace in any agency's files
            accounts = list(
                dict.fromkeys(r for a in plant.accounts for r in seen.get(a.true_id, {}))
            )
            entry: dict[str, Any] = {
                "typology": plant.typology,
                "network": plant.network,
                "accounts": [{"agency": a, "entity_id": e} for a, e in accounts],
                "payments": [{"agency": a, "entity_id": e} for a, e in payments],
                "true_accounts": [a.true_id for a in plant.accounts],
            }
            if plant.note:
                entry["note"] = plant.note
            self.scribe.truth.add("typologies", entry)

    def end_scope(self) -> None:
        self._wallets.clear()
