"""How an agency writes a name it heard or read: transliteration, order, typos.

Most migrants and many suspects have no Latin-script document an officer can copy,
so each service romanises by ear in its own language's spelling: English ``Jafar``,
German ``Dschafar``, French ``Djafar``, Dutch ``Djafar``; ``Shahin`` becomes
``Schahin``, ``Chahine`` and ``Sjahin``. Clerks are not consistent either, so every
rule applies with a probability, and a person who does carry a document is often
written as on it (``doc_spelling``), which is why some names do match exactly.
"""

from __future__ import annotations

import random
import re

from undertow.synth.names import TRANSLITERATED, PersonName, vietnamese_diacritics

# Common names have established spellings per language that rules would not produce.
_KNOWN: dict[str, dict[str, tuple[str, ...]]] = {
    "Mohammed": {
        "en": ("Mohammed", "Mohammad", "Muhammad", "Mohamed"),
        "de": ("Mohammed", "Muhammad", "Mohamad", "Mohammad"),
        "fr": ("Mohamed", "Mohammed", "Mouhamed"),
        "nl": ("Mohamed", "Mohammed", "Muhammad"),
    },
    "Mohammad": {
        "en": ("Mohammad", "Mohammed", "Mohamad"),
        "de": ("Mohammad", "Mohammed"),
        "fr": ("Mohammad", "Mohamad"),
        "nl": ("Mohammad", "Mohamad"),
    },
    "Ahmed": {
        "en": ("Ahmed", "Ahmad"),
        "de": ("Ahmed", "Ahmad"),
        "fr": ("Ahmed", "Ahmad"),
        "nl": ("Ahmed", "Achmed"),
    },
    "Hussein": {
        "en": ("Hussein", "Hussain", "Husain"),
        "de": ("Hussein", "Husain", "Hussain"),
        "fr": ("Hussein", "Houssein", "Hossein"),
        "nl": ("Hoessein", "Hussein"),
    },
    "Hassan": {
        "en": ("Hassan", "Hasan"),
        "de": ("Hassan", "Hasan"),
        "fr": ("Hassan",),
        "nl": ("Hassan", "Hasan"),
    },
    "Yousef": {
        "en": ("Yousef", "Yusuf", "Youssef"),
        "de": ("Yusuf", "Jussuf", "Yousef"),
        "fr": ("Youssef", "Youcef"),
        "nl": ("Youssef", "Joesoef"),
    },
    "Mustafa": {
        "en": ("Mustafa", "Mostafa"),
        "de": ("Mustafa",),
        "fr": ("Moustafa", "Mustapha"),
        "nl": ("Moestafa", "Mustafa"),
    },
    "Osman": {
        "en": ("Osman", "Othman", "Uthman"),
        "de": ("Osman",),
        "fr": ("Osman", "Othmane"),
        "nl": ("Osman",),
    },
    "Abdullah": {
        "en": ("Abdullah", "Abdulla"),
        "de": ("Abdullah",),
        "fr": ("Abdallah",),
        "nl": ("Abdoellah", "Abdullah"),
    },
    "Qadir": {
        "en": ("Qadir", "Kadir", "Qader"),
        "de": ("Kadir", "Qadir"),
        "fr": ("Kader", "Qadir"),
        "nl": ("Kadir", "Qadir"),
    },
}
_UNITS = re.compile(r"sh|kh|ch|zh|gh|oo|ee|ou|j|y|u|q|v\b|in\b|s(?=[aeiou])|g(?=[ei])")
_VOWELS = frozenset("aeiou")


def _unit(lang: str, unit: str, prev: str, rng: random.Random, strictness: float) -> str:
    if rng.random() > strictness:
        return unit
    if lang == "de":
        table = {
            "sh": "sch",
            "kh": "ch",
            "ch": "tsch",
            "zh": "sch",
            "j": "dsch",
            "oo": "u",
            "ee": "i",
            "ou": "u",
            "q": "k",
            "v": "w",
        }
        if unit == "y" and (not prev or prev in _VOWELS):
            return "j"
        return table.get(unit, unit)
    if lang == "fr":
        table = {
            "sh": "ch",
            "ch": "tch",
            "zh": "j",
            "j": "dj",
            "u": "ou",
            "oo": "ou",
            "ee": "i",
            "q": "k",
            "in": "ine",
        }
        if unit.startswith("s") and prev in _VOWELS:
            return "ss"
        if unit == "g":
            return "gu"
        return table.get(unit, unit)
    if lang == "nl":
        table = {
            "sh": "sj",
            "kh": "ch",
            "ch": "tsj",
            "zh": "zj",
            "j": "dj",
            "u": "oe",
            "oo": "oe",
            "ou": "oe",
            "ee": "ie",
            "q": "k",
        }
        if unit == "y" and (not prev or prev in _VOWELS):
            return "j"
        return table.get(unit, unit)
    # English: the canonical spelling, with the usual alternatives for long vowels.
    if unit == "i" or unit == "in":
        return unit
    if unit == "u" and rng.random() < 0.15:
        return "oo"
    if unit == "q" and rng.random() < 0.3:
        return "k"
    return unit


def transliterate_token(token: str, lang: str, rng: random.Random, strictness: float) -> str:
    """One name token as a clerk writing ``lang`` would spell it."""
    known = _KNOWN.get(token)
    if known is not None:
        return rng.choice(known[lang])
    parts = []
    for part in token.split("-"):
        low = part.lower()
        out: list[str] = []
        pos = 0
        for m in _UNITS.finditer(low):
            out.append(low[pos : m.start()])
            prev = low[m.start() - 1] if m.start() else ""
            out.append(_unit(lang, m.group(), prev, rng, strictness))
            pos = m.end()
        out.append(low[pos:])
        text = "".join(out)
        parts.append(text[:1].upper() + text[1:])
    return "-".join(parts)


def typo(token: str, rng: random.Random) -> str:
    """A keying error: swapped, dropped, doubled or confused letter."""
    if len(token) < 4:
        return token
    i = rng.randrange(1, len(token) - 1)
    kind = rng.randrange(4)
    if kind == 0:
        return token[:i] + token[i + 1] + token[i] + token[i + 2 :]
    if kind == 1:
        return token[:i] + token[i + 1 :]
    if kind == 2:
        return token[:i] + token[i] + token[i:]
    swaps = {"a": "e", "e": "a", "i": "y", "y": "i", "o": "u", "u": "o", "n": "m", "m": "n"}
    return token[:i] + swaps.get(token[i], token[i]) + token[i + 1 :]


def _strip_diacritics(text: str) -> str:
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", text.replace("ı", "i").replace("ł", "l"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace("đ", "d")


def _umlauts(text: str) -> str:
    for a, b in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        text = text.replace(a, b)
    return text


def name_parts(name: PersonName, rng: random.Random) -> tuple[str, list[str]]:
    """The given name and the surname tokens this record uses (which of the chain)."""
    if name.origin == "vietnamese":
        return name.given, [name.family or "", name.middle or ""]
    if name.father is None:
        return name.given, [name.family or ""]
    r = rng.random()
    if name.family:
        if r < 0.6:
            return name.given, [name.family]
        return name.given, [name.father, name.family] if r < 0.8 else [name.father]
    if r < 0.5:
        return name.given, [name.father]
    return name.given, [name.father, name.grandfather or ""] if r < 0.85 else [
        name.grandfather or ""
    ]


def render_tokens(
    name: PersonName,
    lang: str,
    rng: random.Random,
    *,
    strictness: float,
    typo_rate: float,
    doc_spelling: tuple[str, str] | None,
) -> tuple[str, str]:
    """(given, surname) as one record writes them, before ordering and case."""
    if doc_spelling is not None:
        given, surname = doc_spelling
    else:
        given, tokens = name_parts(name, rng)
        if name.origin in TRANSLITERATED:
            given = transliterate_token(given, lang, rng, strictness)
            tokens = [transliterate_token(t, lang, rng, strictness) for t in tokens]
        surname = " ".join(t for t in tokens if t)
        if name.origin == "vietnamese" and lang in {"fr", "de"} and rng.random() < 0.3:
            given, surname = vietnamese_diacritics(given), vietnamese_diacritics(surname)
        elif lang == "en" or (name.origin in {"turkish", "polish"} and rng.random() < 0.4):
            if rng.random() < 0.5:  # Müller is Mueller on some UK systems, Muller on others
                given, surname = _umlauts(given), _umlauts(surname)
            given, surname = _strip_diacritics(given), _strip_diacritics(surname)
    if rng.random() < typo_rate:
        if rng.random() < 0.5:
            given = typo(given, rng)
        else:
            surname = typo(surname, rng)
    return given, surname


def document_spelling(name: PersonName, rng: random.Random) -> tuple[str, str]:
    """The spelling on a person's own papers (Iraqi and Iranian passports use English)."""
    given, tokens = name_parts(name, rng)
    return given, " ".join(t for t in tokens if t)


def format_full(given: str, surname: str, lang: str, rng: random.Random) -> str:
    """Order and case in the agency's habit: ``KARIM, Jafar``, ``Jafar KARIM``, ``KARIM Djafar``."""
    r = rng.random()
    if lang == "en":
        if r < 0.35:
            return f"{surname.upper()}, {given}"
        if r < 0.7:
            return f"{given} {surname.upper()}"
        return f"{given} {surname}" if r < 0.92 else f"{given} {surname}".upper()
    if lang == "de":
        if r < 0.45:
            return f"{surname.upper()}, {given}"
        return f"{given} {surname}" if r < 0.85 else f"{surname}, {given}"
    if lang == "fr":
        if r < 0.6:
            return f"{surname.upper()} {given}"
        return f"{given} {surname.upper()}" if r < 0.9 else f"{given} {surname}"
    # Dutch: surname-first in registers, and initials are common in police notes.
    if r < 0.4:
        return f"{surname}, {given}"
    if r < 0.5 and len(given) > 1:
        return f"{given[0]}. {surname}"
    return f"{given} {surname}"
