"""Synthetic person records for resolution benchmarks: N records of fewer true people,
written by several agencies in their own habits, with the truth.

    python bench/people.py --records 1000000 --seed 7 --out bench/out/people-1000000

Writes to ``--out``:

* ``<AGENCY>.ftm.json`` -- one FtM JSON-lines report per agency (Person entities), and a
  ``manifest.json`` for ``undertow ingest --manifest``;
* ``records.csv`` -- the same records as one flat table of the values as written
  (``record_id, agency, name, first_name, surname, birth_date, phone, nationality,
  passport, gender``), for tools that take a table;
* ``truth.csv`` -- ``record_id, true_id``; record ids are namespaced as in the store
  (``DE-BKA.BKA-2024-000017``).

About 60% of true people appear once, the rest two to four times, mostly with
different agencies (sometimes twice in one). Each record is written the way the
scenario's agencies write people (``undertow.synth``): names transliterated by ear in
the agency's language, in its order and case, with keying errors; birth dates full,
partial, a 1 January placeholder, a claimed year that drifts, or missing; phones in
national or international format; nationality in the agency's language or as an ISO
code; a passport number for some documented people; thin records (a name and a phone);
a few shared shop phones (hub identifiers).

Names: the scenario's pools are deliberately small (namesakes are real) and sized for a
world of about 100,000 people. Spread over a million people they would leave only a
few thousand distinct full names, so a share of name tokens (``--rare``, default 0.5) is
drawn instead from a long tail of syllable-built names with a Zipf-like frequency, and
still written by each agency through the scenario's transliteration.

Deterministic for a seed, streamed to disk (memory does not grow with N).
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path
from typing import IO

import orjson

from undertow.synth import conventions as cv
from undertow.synth import phones
from undertow.synth.identifiers import passport
from undertow.synth.names import NATIONALITY, PersonName, make_name
from undertow.synth.profiles import PROFILES
from undertow.synth.transliterate import document_spelling, format_full, render_tokens

# Agencies and their share of the records.
AGENCIES: dict[str, float] = {
    "UK-NCA": 0.18,
    "UK-HOIE": 0.2,
    "DE-BKA": 0.14,
    "DE-BPOL": 0.16,
    "FR-OLTIM": 0.14,
    "NL-KMAR": 0.1,
    "BE-FJP": 0.08,
}
# Three quarters of the people come from the scenario's migrant origins, a quarter from
# the European and transit countries (as residents, drivers, landlords, money agents).
_EUROPEAN = (
    "british",
    "german",
    "french",
    "dutch",
    "belgian",
    "turkish",
    "bulgarian",
    "polish",
    "moroccan",
    "pakistani",
)
ORIGINS: dict[str, float] = {
    **{o: 0.75 * w for o, w in PROFILES["default"].migrant_origins.items()},
    **{o: 0.25 / len(_EUROPEAN) for o in _EUROPEAN},
}
# Appearances of a true person: once for 60%, two to four times for the rest.
APPEARANCES = {1: 0.6, 2: 0.22, 3: 0.12, 4: 0.06}
RESIDENCE = ("gb", "gb", "de", "de", "fr", "nl", "be")
_GENDER = {"en": ("male", "female"), "de": ("M", "F"), "fr": ("M", "F"), "nl": ("M", "F")}
FLAT_COLUMNS = (
    "record_id",
    "agency",
    "name",
    "first_name",
    "surname",
    "birth_date",
    "phone",
    "nationality",
    "passport",
    "gender",
)
SHOP_PHONES = 300


@dataclass(frozen=True, slots=True)
class Person:
    true_id: str
    name: PersonName
    born: date
    nationality: str
    phones: tuple[str, ...]
    passport: str | None
    doc: tuple[str, str] | None


_ONSET_TEXT = "b d f g h j k kh l m n p q r s sh t v y z ch gh br dr st"


class RareNames:
    """A long tail of name tokens built from syllables, drawn with a Zipf-Mandelbrot
    frequency (1 / (rank + 50)): the shape of real name counts, with no single word of
    the tail more common than a common name of the pools."""

    ONSETS = tuple(_ONSET_TEXT.split(" "))
    VOWELS = ("a", "a", "a", "e", "i", "i", "o", "u", "ou", "ee", "oo", "ia")
    CODAS = ("n", "r", "d", "m", "l", "sh", "z", "t", "k", "s")
    SHIFT = 50

    def __init__(self, rng: random.Random, size: int) -> None:
        seen: set[str] = set()
        self.words: list[str] = []
        while len(self.words) < size:
            syllables = rng.choice((2, 2, 2, 3))
            parts = []
            for i in range(syllables):
                last = i == syllables - 1
                coda = rng.choice(self.CODAS) if rng.random() < (0.6 if last else 0.2) else ""
                parts.append(rng.choice(self.ONSETS) + rng.choice(self.VOWELS) + coda)
            word = "".join(parts)
            if word not in seen:
                seen.add(word)
                self.words.append(word.capitalize())
        self._span = (size + self.SHIFT) / self.SHIFT

    def draw(self, rng: random.Random) -> str:
        rank = int(self.SHIFT * self._span ** rng.random()) - self.SHIFT
        return self.words[min(rank, len(self.words) - 1)]


class People:
    """True people, one at a time."""

    def __init__(self, rng: random.Random, rare: float, vocabulary: int) -> None:
        self.rng = rng
        self.rare = rare
        self.given = RareNames(rng, vocabulary)
        self.family = RareNames(rng, vocabulary * 2)
        self.origins = list(ORIGINS)
        self.origin_weights = list(ORIGINS.values())
        self.counters: Counter[str] = Counter()

    def _token(self, token: str | None, pool: RareNames) -> str | None:
        if token is None or self.rng.random() >= self.rare:
            return token
        return pool.draw(self.rng)

    def person(self, n: int) -> Person:
        rng = self.rng
        origin = rng.choices(self.origins, self.origin_weights)[0]
        name = make_name(rng, origin, female=rng.random() < 0.3)
        name = replace(
            name,
            given=self._token(name.given, self.given) or name.given,
            father=self._token(name.father, self.given),
            grandfather=self._token(name.grandfather, self.given),
            family=self._token(name.family, self.family),
        )
        born = date(1958, 1, 1) + timedelta(days=rng.randrange(48 * 365))
        nationality = NATIONALITY[origin]
        home = nationality if rng.random() < 0.4 else rng.choice(RESIDENCE)
        numbers = []
        for _ in range(1 if rng.random() < 0.8 else 2):
            country = home if home in phones.COUNTRIES else "gb"
            numbers.append(phones.allocate(country, self.counters[f"phone-{country}"]))
            self.counters[f"phone-{country}"] += 1
        documented = rng.random() < 0.5
        number = None
        doc = None
        if documented:
            number = passport(nationality, self.counters["passport"])
            self.counters["passport"] += 1
            doc = document_spelling(name, rng)
        return Person(f"T{n:08d}", name, born, nationality, tuple(numbers), number, doc)


class Scribe:
    """How each agency writes a person down this time."""

    def __init__(self, rng: random.Random, shops: list[str]) -> None:
        self.rng = rng
        self.noise = PROFILES["default"].noise
        self.shops = shops
        self.ids: Counter[str] = Counter()

    def record_id(self, agency: str) -> str:
        n = self.ids[agency]
        self.ids[agency] += 1
        return cv.local_id(agency, "person", n, 2024)

    def record(self, agency: str, p: Person) -> dict[str, list[str]]:
        rng, noise = self.rng, self.noise
        conv = cv.CONVENTIONS[agency]
        lang = rng.choice(("fr", "nl")) if agency == "BE-FJP" else conv.lang
        doc = p.doc if p.doc is not None and rng.random() < noise.doc_spelling else None
        given, surname = render_tokens(
            p.name, lang, rng, strictness=noise.strictness, typo_rate=noise.typo, doc_spelling=doc
        )
        props = {"name": [format_full(given, surname, lang, rng)]}
        if given:
            props["firstName"] = [given]
        if surname:
            props["lastName"] = [surname]
        thin = rng.random() < noise.thin_record
        if thin or rng.random() < 0.5:
            number = rng.choice(self.shops) if rng.random() < 0.02 else rng.choice(p.phones)
            props["phone"] = [phones.render(number, conv.region, rng)]
        if thin:
            return props
        dob = cv.birth_date(p.born, conv, rng, noise, documented=p.doc is not None)
        if dob:
            props["birthDate"] = [dob]
        if rng.random() < 0.85:
            props["nationality"] = [cv.country(p.nationality, conv, rng, noise)]
        if rng.random() < 0.5:
            props["gender"] = [_GENDER[lang][1 if p.name.female else 0]]
        if p.passport and rng.random() < 0.3:
            props["passportNumber"] = [p.passport]
        return props


def appearances(rng: random.Random, k: int) -> list[str]:
    """The agencies that record a person ``k`` times: different ones, mostly."""
    names, weights = list(AGENCIES), list(AGENCIES.values())
    out: list[str] = []
    while len(out) < k:
        agency = rng.choices(names, weights)[0]
        if agency not in out or rng.random() < 0.1:
            out.append(agency)
    return out


@dataclass(frozen=True)
class Generated:
    records: int
    people: int
    files: dict[str, Path]
    truth: Path
    flat: Path
    manifest: Path
    seconds: float


def records(
    n: int, seed: int, rare: float = 0.5, vocabulary: int = 40_000
) -> Iterator[tuple[str, str, dict[str, list[str]]]]:
    """``(agency, local id, properties)`` of ``n`` records, with the true id last."""
    rng = random.Random(seed)
    people = People(rng, rare, vocabulary)
    shops = [phones.allocate(c, 9_000_000 + i) for i, c in enumerate(("gb", "de", "fr") * 100)]
    scribe = Scribe(rng, shops[:SHOP_PHONES])
    ks, kw = list(APPEARANCES), list(APPEARANCES.values())
    made = 0
    person_no = 0
    while made < n:
        p = people.person(person_no)
        person_no += 1
        k = min(rng.choices(ks, kw)[0], n - made)
        for agency in appearances(rng, k):
            props = scribe.record(agency, p)
            props["__true__"] = [p.true_id]
            yield agency, scribe.record_id(agency), props
            made += 1


def generate(out: Path, n: int, seed: int, rare: float = 0.5) -> Generated:
    """Write ``n`` records to ``out`` (see the module docstring)."""
    start = time.perf_counter()
    out.mkdir(parents=True, exist_ok=True)
    files = {agency: out / f"{agency}.ftm.json" for agency in AGENCIES}
    handles: dict[str, IO[bytes]] = {a: p.open("wb") for a, p in files.items()}
    truth_path, flat_path = out / "truth.csv", out / "records.csv"
    count = 0
    try:
        with (
            truth_path.open("w", newline="", encoding="utf-8") as truth_file,
            flat_path.open("w", newline="", encoding="utf-8") as flat_file,
        ):
            truth = csv.writer(truth_file)
            flat = csv.writer(flat_file)
            truth.writerow(("record_id", "true_id"))
            flat.writerow(FLAT_COLUMNS)
            last = ""
            for agency, local, props in records(n, seed, rare):
                true_id = props.pop("__true__")[0]
                if true_id != last:  # a person's records come one after another
                    last = true_id
                    count += 1
                handles[agency].write(
                    orjson.dumps({"id": local, "schema": "Person", "properties": props}) + b"\n"
                )
                record_id = f"{agency}.{local}"
                truth.writerow((record_id, true_id))
                flat.writerow(
                    (
                        record_id,
                        agency,
                        *(
                            _first(props, key)
                            for key in (
                                "name",
                                "firstName",
                                "lastName",
                                "birthDate",
                                "phone",
                                "nationality",
                                "passportNumber",
                                "gender",
                            )
                        ),
                    )
                )
    finally:
        for handle in handles.values():
            handle.close()
    manifest = out / "manifest.json"
    manifest.write_text(
        json.dumps(
            [
                {
                    "file": path.name,
                    "agency": agency,
                    "report": f"{agency}-PEOPLE-{seed}",
                    "handling": "H0",
                    "release": "all",
                    "grading": "B2",
                }
                for agency, path in files.items()
            ],
            indent=1,
        )
    )
    return Generated(n, count, files, truth_path, flat_path, manifest, time.perf_counter() - start)


def _first(props: dict[str, list[str]], key: str) -> str | None:
    values = props.get(key)
    return values[0] if values else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--rare", type=float, default=0.5)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    out = args.out or Path(f"bench/out/people-{args.records}-{args.seed}")
    made = generate(out, args.records, args.seed, args.rare)
    size = sum(p.stat().st_size for p in out.iterdir())
    print(
        f"{made.records:,} records of {made.people:,} people in {made.seconds:.1f} s "
        f"({made.records / made.seconds:,.0f}/s), {size / 1e6:.0f} MB in {out}"
    )


if __name__ == "__main__":
    main()
