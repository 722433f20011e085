"""The three CSV exports and the ids their shipped mappings will give each row's entities.

* UK-NCA bank statements (``bank_statement``): one row per booking on an account under
  production order; a transfer between two such accounts is booked twice.
* BE-FJP seized hawala ledgers (``money_transfer``): one row per transfer, paid in at
  one shop and paid out at another after the migrant arrived.
* DE-BKA intercepted call-detail records (``call_records``).

FollowTheMoney's mapper ids an entity by the SHA-1 of the mapping's name (ingest passes
it as ``key_prefix``), the key literal and the sorted key values, so the truth can name
the entity a CSV row will become before anything is ingested.

A row written unusable (see ``defects.py``) stores none of its entities. An entity first
met in such a row is recorded only once a usable row also carries it, or else, at the end
of its scope, recorded as unusable.
"""

from __future__ import annotations

import hashlib
import zlib
from datetime import date, datetime

from undertow.synth import conventions as cv
from undertow.synth import phones
from undertow.synth.flows import PER_EUR, Flow
from undertow.synth.hubs import Hubs
from undertow.synth.identifiers import scramble
from undertow.synth.population import Account, Org, Party, Person
from undertow.synth.reports import ReportPlan
from undertow.synth.scribe import Scribe
from undertow.synth.transliterate import render_tokens


def mapping_id(dataset: str, literal: str | None, *values: str) -> str:
    digest = hashlib.sha1(dataset.encode("utf-8"))
    if literal:
        digest.update(literal.encode("utf-8"))
    for value in sorted(v.strip().encode("utf-8") for v in values if v and v.strip()):
        digest.update(value)
    return digest.hexdigest()


def _bank_name_of(p: Party, variant: int) -> str:
    """A name as a UK bank holds it (KYC: the spelling on the passport, in capitals)."""
    if isinstance(p, Org):
        return p.name.upper()
    given, surname = (
        p.doc if p.doc is not None else (p.name.given, p.name.father or p.name.family or "")
    )
    options = (
        f"MR {given} {surname}" if not p.name.female else f"MS {given} {surname}",
        f"{given} {surname}",
        f"{given[0]} {surname}",
        f"{surname} {given}",
    )
    return options[variant % len(options)].upper()


class Exports:
    def __init__(self, scribe: Scribe, plan: ReportPlan, hubs: Hubs) -> None:
        self.scribe = scribe
        self.rng = scribe.rng
        self.noise = scribe.noise
        self.hubs = hubs
        self.bank = plan.export("UK-NCA", "bank_statement")
        self.ledger = plan.export("BE-FJP", "money_transfer")
        self.cdr = plan.export("DE-BKA", "call_records")
        self._kept: set[str] = set()
        self._scoped: set[str] = set()
        # Entities met only in unusable rows so far: id -> (agency, schema, true id, via, keep).
        self._broken: dict[str, tuple[str, str, str, str, bool]] = {}
        self._hub_keys: dict[str, str] = {}
        self._spelling: dict[str, tuple[str, str, str]] = {}
        self._bookings = 0
        self._calls = 0

    def end_scope(self) -> None:
        self._flush(everything=False)
        self._scoped.clear()
        self._spelling.clear()

    def finish(self) -> None:
        """Record as unusable what was only ever met in unusable rows."""
        self._flush(everything=True)

    def _flush(self, everything: bool) -> None:
        for eid, (agency, schema, true_id, via, keep) in list(self._broken.items()):
            if everything or not keep:
                del self._broken[eid]
                self.scribe.truth.record(agency, eid, schema, true_id, via, unusable=True)

    def _record(
        self,
        agency: str,
        eid: str,
        schema: str,
        true_id: str,
        via: str,
        keep: bool,
        usable: bool = True,
    ) -> None:
        seen = self._kept if keep else self._scoped
        if eid in seen:
            return
        if not usable:
            self._broken.setdefault(eid, (agency, schema, true_id, via, keep))
            return
        self._broken.pop(eid, None)
        seen.add(eid)
        self.scribe.truth.record(agency, eid, schema, true_id, via)

    # -- bank statements -----------------------------------------------------------

    def booking(
        self,
        holder: Party,
        acc: Account,
        other: Party,
        other_acc: Account,
        debit: bool,
        cents: int,
        currency: str,
        when: date,
        reference: str,
    ) -> str:
        """One row on ``acc``'s statement; returns the Payment id the mapping will make."""
        self._bookings += 1
        tx = f"{acc.bank[:2].upper()}{when:%y%m%d}{scramble(self._bookings, 8, 5):08d}"
        if currency != acc.currency:  # booked in the account's currency, converted
            reference = f"{reference} {currency} {cents // 100}.{cents % 100:02d}".strip()
            cents = round(cents * PER_EUR[acc.currency] / PER_EUR[currency])
            currency = acc.currency
        holder_name = _bank_name_of(holder, zlib.crc32(acc.iban.encode()))
        if debit:  # the name the holder typed when setting up the payee
            variant = zlib.crc32(f"{acc.iban}{other_acc.iban}".encode())
            other_name = _bank_name_of(other, variant)
            if isinstance(other, Person) and variant % 5 == 0:
                other_name = other.name.given.title()
        else:  # the name the payer's bank transmits with the payment
            other_name = _bank_name_of(other, zlib.crc32(other_acc.iban.encode()))
        ds, agency = "bank_statement", "UK-NCA"
        payment = mapping_id(ds, None, tx, acc.iban)
        usable = self.scribe.writer.row(
            self.bank,
            (
                tx,
                when.strftime("%d/%m/%Y"),
                acc.iban,
                holder_name,
                acc.bank,
                "DEBIT" if debit else "CREDIT",
                f"{cents // 100:,}.{cents % 100:02d}",
                currency,
                other_name,
                other_acc.iban,
                reference,
            ),
            (payment,),
        )
        account_id = mapping_id(ds, None, acc.iban)
        keep_holder, keep_other = isinstance(holder, Org), isinstance(other, Org)
        for eid, schema, true_id, keep in (
            (
                mapping_id(ds, None, acc.iban, holder_name),
                "LegalEntity",
                holder.true_id,
                keep_holder,
            ),
            (account_id, "BankAccount", acc.true_id, keep_holder),
            (
                mapping_id(ds, None, other_acc.iban, other_name),
                "LegalEntity",
                other.true_id,
                keep_other,
            ),
            (mapping_id(ds, None, other_acc.iban), "BankAccount", other_acc.true_id, keep_other),
        ):
            self._record(agency, eid, schema, true_id, ds, keep, usable)
        self.scribe.accounts_seen[acc.true_id][(agency, account_id)] = None
        return payment

    # -- hawala ledgers ------------------------------------------------------------

    def _clerk(self, p: Person, shop: Org, sender: bool) -> tuple[str, str, str]:
        """(name, number, as written) for a customer: a regular customer's details come
        back from the shop's system; now and then a clerk types them afresh."""
        known = self._spelling.get(p.true_id)
        if known is not None and self.rng.random() < 0.9:
            return known
        given, surname = render_tokens(
            p.name, "en", self.rng, strictness=0.5, typo_rate=self.noise.typo, doc_spelling=p.doc
        )
        number = p.phones[0]
        if sender and shop.phones and self.rng.random() < self.noise.shop_phone:
            number = shop.phones[0]  # the customer gave none: the clerk wrote the shop's
        entry = (f"{given} {surname}".strip(), number, phones.render(number, "BE", self.rng))
        self._spelling.setdefault(p.true_id, entry)
        return entry

    def _customer(self, p: Person, shop: Org, with_id: bool, sender: bool) -> tuple[str, ...]:
        rng = self.rng
        name, number, phone = self._clerk(p, shop, sender)
        id_number = p.passport if with_id and p.passport else ""
        fields = (name, phone, id_number) if sender else (name, phone)
        if self.hubs.is_hub(number):
            key = mapping_id("money_transfer", None, *fields)
            owner = self._hub_keys.setdefault(key, p.true_id)
            if owner != p.true_id:  # a namesake on a shared phone: the clerk notes the id
                phone = phones.render(p.phones[0], "BE", rng)
                fields = (name, phone, id_number) if sender else (name, phone)
            else:
                self.hubs.used(number, p.true_id)
        return fields

    def transfer(self, flow: Flow, keep_people: bool = False) -> tuple[str, str]:
        """One ledger row; returns the ids of the pay-in and pay-out payments."""
        rng, conv = self.rng, cv.CONVENTIONS["BE-FJP"]
        t = flow.transfer
        assert t is not None
        assert isinstance(flow.payer, Person)
        assert isinstance(flow.payee, Person)
        eur = flow.cents / 100 / {"USD": 1.08, "GBP": 0.86}.get(flow.currency, 1.0)
        with_id = eur >= 1_000 and rng.random() < 0.8
        sender = self._customer(flow.payer, t.send_agent, with_id, sender=True)
        receiver = self._customer(flow.payee, t.payout_agent, False, sender=False)
        whole, frac = divmod(flow.cents, 100)
        amount = (
            f"{whole:,}".replace(",", ".") + f",{frac:02d}" if rng.random() < 0.6 else (str(whole))
        )
        ds, agency = "money_transfer", "BE-FJP"
        payments = (mapping_id(ds, "pay-in", t.number), mapping_id(ds, "pay-out", t.number))
        usable = self.scribe.writer.row(
            self.ledger,
            (
                t.number,
                t.send_date.strftime("%d/%m/%Y"),
                t.payout_date.strftime("%d/%m/%Y") if t.payout_date else "",
                sender[0],
                sender[1],
                cv.country(flow.payer.residence, conv, rng, self.noise),
                sender[2],
                receiver[0],
                receiver[1],
                cv.country(flow.payee.residence, conv, rng, self.noise),
                amount,
                flow.currency,
                t.send_agent.name,
                t.send_agent.country.upper(),
                t.payout_agent.name,
                t.payout_agent.country.upper(),
                t.status.upper(),
            ),
            payments,
        )
        for fields, person in ((sender, flow.payer), (receiver, flow.payee)):
            eid = mapping_id(ds, None, *fields)
            self._record(agency, eid, "Person", person.true_id, ds, keep_people, usable)
        for shop in (t.send_agent, t.payout_agent):
            eid = mapping_id(ds, None, shop.name, shop.country.upper())
            self._record(agency, eid, "Company", shop.true_id, ds, True, usable)
        return payments

    # -- call-detail records -------------------------------------------------------

    def call(self, caller: str, called: str, when: datetime, seconds: int, sms: bool) -> None:
        self._calls += 1
        record_id = f"TKU{self._calls:010d}"
        self.scribe.writer.row(
            self.cdr,
            (
                record_id,
                when.strftime("%d.%m.%Y %H:%M"),
                phones.cdr(caller),
                phones.cdr(called),
                "0" if sms else str(seconds),
                "SMS" if sms else "Telefonie",
            ),
            (mapping_id("call_records", None, record_id),),
        )
