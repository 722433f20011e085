"""How an agency writes what it knows: its ids, its spelling, its gaps.

The scribe keeps, per agency, which true person or thing it has already recorded and
under which local id(s), so that a payment or a call refers to the same record. Some
people are recorded twice by the same agency (two officers, two reports); some
referenced entities are withheld from the agency's files (intelligence is partial)
and the reference dangles. Books for one network or background chunk are forgotten
when it is done, which bounds memory.
"""

from __future__ import annotations

import random
from collections import defaultdict

from undertow.synth import conventions as cv
from undertow.synth import phones
from undertow.synth.hubs import Hubs
from undertow.synth.identifiers import spaced_iban
from undertow.synth.population import Account, Org, Party, Person
from undertow.synth.profiles import ScenarioParams
from undertow.synth.reports import Report
from undertow.synth.transliterate import format_full, render_tokens
from undertow.synth.truth import TruthWriter
from undertow.synth.writer import Props, Writer

_INTEL = frozenset({"UK-NCA", "DE-BKA", "FR-OLTIM", "BE-FJP", "EU-EUROPOL"})
_FORMS = frozenset({"UK-HOIE", "DE-BPOL", "NL-KMAR", "EU-FRONTEX"})
_GENDER = {"en": ("male", "female"), "de": ("M", "F"), "fr": ("M", "F"), "nl": ("M", "F")}


def _year(report: Report) -> int:
    """The year in ids like ``BKA-2024-000123``: the year the file was put together."""
    return min(report.reported_at.year, 2024)


class Scribe:
    def __init__(
        self,
        writer: Writer,
        truth: TruthWriter,
        params: ScenarioParams,
        rng: random.Random,
        hubs: Hubs,
    ) -> None:
        self.writer = writer
        self.truth = truth
        self.noise = params.noise
        self.rng = rng
        self.hubs = hubs
        self._counters: dict[tuple[str, str], int] = defaultdict(int)
        self._kept: dict[tuple[str, str], list[str]] = {}
        self._scoped: dict[tuple[str, str], list[str]] = {}
        # Account true id -> the records (agency, id) showing it, for typology evidence.
        self.accounts_seen: dict[str, dict[tuple[str, str], None]] = defaultdict(dict)

    # -- ids and books -------------------------------------------------------------

    def new_id(self, agency: str, kind: str, year: int = 2024) -> str:
        counter = (agency, cv.id_prefix(agency, kind, year))
        n = self._counters[counter]
        self._counters[counter] = n + 1
        return cv.local_id(agency, kind, n, year)

    def known(self, agency: str, key: str) -> list[str] | None:
        return self._scoped.get((agency, key)) or self._kept.get((agency, key))

    def _remember(self, agency: str, key: str, ids: list[str], keep: bool) -> None:
        (self._kept if keep else self._scoped)[(agency, key)] = ids

    def end_scope(self) -> None:
        self._scoped.clear()
        self.accounts_seen.clear()

    def _entity(
        self, report: Report, eid: str, schema: str, props: Props, true_id: str | None
    ) -> None:
        """Write an entity and, if it is a true thing, its record (flagged if unusable)."""
        usable = self.writer.entity(report, eid, schema, props)
        if true_id is not None:
            self.truth.record(report.agency, eid, schema, true_id, unusable=not usable)

    def _pick(self, ids: list[str]) -> str:
        if len(ids) == 1 or self.rng.random() < 0.75:
            return ids[0]
        return self.rng.choice(ids)

    # -- people and organisations --------------------------------------------------

    def person(
        self,
        report: Report,
        p: Person,
        *,
        detail: str = "full",
        keep: bool = False,
        ref: bool = False,
        extra: Props | None = None,
    ) -> str:
        """The agency's id for ``p``, writing the record the first time it is needed."""
        agency = report.agency
        ids = self.known(agency, p.true_id)
        if ids is not None:
            return self._pick(ids)
        eid = self.new_id(agency, "person", _year(report))
        ids = [eid]
        if ref and self.rng.random() < self.noise.dangling:
            self._remember(agency, p.true_id, ids, keep)  # referenced, never included
            return eid
        self._write_person(report, eid, p, detail, extra)
        if detail != "alias" and self.rng.random() < self.noise.duplicate:
            twin = self.new_id(agency, "person", _year(report))
            self._write_person(report, twin, p, detail, None)
            ids.append(twin)
        self._remember(agency, p.true_id, ids, keep)
        return eid

    def _write_person(
        self, report: Report, eid: str, p: Person, detail: str, extra: Props | None
    ) -> None:
        props = self.person_props(report.agency, p, detail)
        if extra:
            props.update(extra)
        self._entity(report, eid, "Person", props, p.true_id)

    def name(self, agency: str, p: Person) -> tuple[str, str, str]:
        """(full name, given, surname) as this agency would write ``p`` this time."""
        conv = cv.CONVENTIONS[agency]
        rng, noise = self.rng, self.noise
        lang = rng.choice(("fr", "nl")) if agency == "BE-FJP" else conv.lang
        doc = p.doc if p.doc is not None and rng.random() < noise.doc_spelling else None
        given, surname = render_tokens(
            p.name, lang, rng, strictness=noise.strictness, typo_rate=noise.typo, doc_spelling=doc
        )
        return format_full(given, surname, lang, rng), given, surname

    def phone(self, agency: str, number: str, holder: str) -> str:
        self.hubs.used(number, holder)
        return phones.render(number, cv.CONVENTIONS[agency].region, self.rng)

    def person_props(self, agency: str, p: Person, detail: str) -> Props:
        conv = cv.CONVENTIONS[agency]
        rng, noise = self.rng, self.noise
        if detail == "alias":
            nick = rng.choice(p.aliases) if p.aliases else p.name.given
            props: Props = {"name": [nick]}
            if len(p.aliases) > 1 and rng.random() < 0.4:
                props["weakAlias"] = [a for a in p.aliases if a != nick][:1]
            if p.phones and rng.random() < 0.85:
                props["phone"] = [self.phone(agency, rng.choice(p.phones), p.true_id)]
            return props
        full, given, surname = self.name(agency, p)
        props = {"name": [full]}
        if agency in _FORMS and rng.random() < 0.5:
            props["firstName"], props["lastName"] = [given], [surname]
        thin = detail == "thin" or rng.random() < noise.thin_record
        if p.phones and (thin or rng.random() < (0.75 if p.role != "migrant" else 0.3)):
            numbers = p.phones[:2] if len(p.phones) > 1 and rng.random() < 0.4 else p.phones[:1]
            props["phone"] = [self.phone(agency, n, p.true_id) for n in numbers]
        if thin:
            return props
        documented = p.doc is not None
        dob = cv.birth_date(p.birth, conv, rng, noise, documented=documented)
        if dob:
            props["birthDate"] = [dob]
        if rng.random() < 0.85:
            props["nationality"] = [cv.country(p.nationality, conv, rng, noise)]
        if agency in _FORMS and rng.random() < 0.8:
            props["gender"] = [_GENDER[conv.lang][1 if p.name.female else 0]]
        if agency in _INTEL and p.aliases and rng.random() < 0.5:
            kunya = [a for a in p.aliases if a.startswith("Abu ")]
            street = [a for a in p.aliases if not a.startswith("Abu ")]
            if kunya:
                props["alias"] = kunya
            if street and rng.random() < 0.7:
                props["weakAlias"] = street[:2]
        if p.passport and rng.random() < (0.5 if agency in _FORMS else 0.25):
            props["passportNumber"] = [p.passport]
        if agency in _INTEL and rng.random() < 0.3:
            props["country"] = [cv.country(p.residence, conv, rng, noise)]
        if rng.random() < 0.15:
            props["address"] = [
                f"{cv.city(p.city, conv.lang)}, {cv.country(p.residence, conv, rng, noise)}"
            ]
        return props

    def org(self, report: Report, o: Org, *, keep: bool = True, ref: bool = False) -> str:
        agency = report.agency
        ids = self.known(agency, o.true_id)
        if ids is not None:
            return ids[0]
        eid = self.new_id(agency, "org", _year(report))
        self._remember(agency, o.true_id, [eid], keep)
        if ref and self.rng.random() < self.noise.dangling:
            return eid
        conv = cv.CONVENTIONS[agency]
        rng = self.rng
        name = o.name if rng.random() < 0.7 else o.name.split(" Ltd")[0].split(" GmbH")[0]
        if agency == "EU-FRONTEX":  # what a migrant remembers: a name, a number, a town
            props_: Props = {"name": [name.split(" ")[0] + " " + o.sector.split("_")[0]]}
            if o.phones:
                props_["phone"] = [self.phone(agency, o.phones[0], o.true_id)]
            props_["address"] = [o.city]
            self._entity(report, eid, "Company", props_, o.true_id)
            return eid
        props: Props = {
            "name": [name.upper() if agency == "UK-NCA" and rng.random() < 0.3 else name]
        }
        props["country"] = [cv.country(o.country, conv, rng, self.noise)]
        if rng.random() < 0.5 and o.registration:
            props["registrationNumber"] = [o.registration]
        if o.phones and rng.random() < 0.6:
            props["phone"] = [self.phone(agency, o.phones[0], o.true_id)]
        if rng.random() < 0.5:
            props["address"] = [cv.city(o.city, conv.lang)]
        self._entity(report, eid, "Company", props, o.true_id)
        return eid

    def party(self, report: Report, party: Party, *, ref: bool = True) -> str:
        if isinstance(party, Person):
            return self.person(report, party, ref=ref)
        return self.org(report, party, ref=ref)

    # -- accounts and relations ----------------------------------------------------

    def account(self, report: Report, acc: Account, holder: Party, *, keep: bool = False) -> str:
        """A BankAccount, its holder and the Ownership between them (FtM has no holder)."""
        agency = report.agency
        ids = self.known(agency, acc.true_id)
        if ids is not None:
            return ids[0]
        eid = self.new_id(agency, "account", _year(report))
        self._remember(agency, acc.true_id, [eid], keep)
        iban = spaced_iban(acc.iban) if self.rng.random() < self.noise.iban_spaced else acc.iban
        props: Props = {"iban": [iban], "bankName": [acc.bank]}
        if self.rng.random() < 0.5:
            props["currency"] = [acc.currency]
        self._entity(report, eid, "BankAccount", props, acc.true_id)
        self.accounts_seen[acc.true_id][(agency, eid)] = None
        owner = self.party(report, holder, ref=False)
        self.link(
            report, "Ownership", {"owner": [owner], "asset": [eid], "role": ["account holder"]}
        )
        return eid

    def link(self, report: Report, schema: str, props: Props) -> str:
        eid = self.new_id(report.agency, "link", _year(report))
        self.writer.entity(report, eid, schema, props)
        return eid

    def thing(
        self, report: Report, schema: str, kind: str, props: Props, true_id: str | None = None
    ) -> str:
        """Any other entity; Vessels and Vehicles are also recorded in the truth."""
        eid = self.new_id(report.agency, kind, _year(report))
        self._entity(report, eid, schema, props, true_id)
        return eid

    def once(
        self,
        report: Report,
        key: str,
        schema: str,
        kind: str,
        props: Props,
        true_id: str | None = None,
        *,
        keep: bool = False,
    ) -> str:
        """A thing recorded once per agency (a beach, a storage site, a van)."""
        ids = self.known(report.agency, key)
        if ids is not None:
            return ids[0]
        eid = self.thing(report, schema, kind, props, true_id)
        self._remember(report.agency, key, [eid], keep)
        return eid
