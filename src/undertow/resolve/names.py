"""Name features that survive transliteration, for blocking and comparison.

Partner agencies write the same Arabic, Kurdish or Persian name by ear in their own
language: English Jafar / German Dschafar / French Djafar, Shahin / Schahin / Chahine,
Yusuf / Jussuf / Youssef, Mohammed / Muhammad / Mohamed. Two features absorb that:

* ``tokens``: the name folded to ASCII, lower-cased, split into words, honorifics and
  initials dropped -- exact spelling, any order;
* ``skeletons``: each token reduced to a consonant skeleton after rewriting the spellings
  the partners' languages use for the same sound (dsch/dj/j/y -> y, sch/ch/sj -> sh,
  ou -> u, kh/ch -> h, ph -> f, q/ck/c -> k), with vowels after the first letter and
  doubled letters removed. "Dschafar", "Djafar" and "Jafar" all become ``yfr``.

Token sets make word order irrelevant (``KARIM, Jafar`` = ``Jafar Karim``); comparing
sets of skeletons, not strings, keeps a wrong vowel from hiding a right name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

# Ordered: longer spellings first, so "dsch" is not read as "d" + "sch".
_REWRITES: tuple[tuple[str, str], ...] = (
    ("dzh", "y"),
    ("sj", "sh"),
    ("dj", "y"),
    ("zh", "y"),
    ("ph", "f"),
    ("kh", "h"),
    ("gh", "g"),
    ("ck", "k"),
    ("ou", "u"),
    ("oo", "u"),
    ("ee", "i"),
    ("q", "k"),
    ("j", "y"),
    ("w", "v"),
    ("x", "ks"),
    ("z", "s"),
)
_VOWELS = set("aeiouy")
_SPLIT = re.compile(r"[^a-z0-9]+")
# Titles and particles that agencies add or drop; they carry no identity.
_DROP = frozenset(
    {
        "mr",
        "mrs",
        "ms",
        "dr",
        "herr",
        "frau",
        "monsieur",
        "madame",
        "mme",
        "m",
        "sayed",
        "sayyid",
        "haji",
        "hajji",
        "mullah",
        "sheikh",
        "shaikh",
        "al",
        "el",
        "bin",
        "ibn",
        "ben",
        "bint",
        "de",
        "van",
        "der",
        "le",
        "la",
        "alias",
        "aka",
        "dit",
        "genannt",
    }
)


@dataclass(frozen=True)
class NameFeatures:
    key: str | None
    """Sorted tokens joined by spaces: equal for the same words in any order."""
    tokens: list[str]
    skeletons: list[str]
    skeleton_key: str | None


_WORDS = re.compile(r"[\s,;/()\-]+")


@lru_cache(maxsize=262_144)
def fold(word: str) -> str:
    """ASCII, lower case. rigour's transliteration is costly (tens of microseconds), so
    it runs once per distinct word, and not at all for words already in ASCII."""
    if word.isascii():
        return word.lower()
    from rigour.text.translit import ascii_text

    return ascii_text(word).lower()


@lru_cache(maxsize=262_144)
def tokens(name: str) -> tuple[str, ...]:
    words = []
    for raw in _WORDS.split(name):
        for w in _SPLIT.split(fold(raw)) if raw else ():
            if len(w) > 1 and w not in _DROP:
                words.append(w)
    return tuple(words)


@lru_cache(maxsize=262_144)
def skeletons(token: str) -> tuple[str, ...]:
    """The token's skeleton; two where the spelling is ambiguous across languages.

    "ch" is /sh/ in French (Chahine = Shahin, Hicham = Hisham, Dilchad = Dilshad) but
    /kh/ in German (Chalid = Khalid, Achmed = Ahmed): both readings are kept, and a
    match on either counts. An initial "ch" reads as /sh/ first, one inside a word as
    /kh/ first (the first reading is :func:`skeleton`).
    """
    text = token.replace("dsch", "y").replace("tsch", "ch").replace("sch", "sh")
    if text.startswith("ch"):
        readings = ["sh" + text[2:], "h" + text[2:]]
    else:
        readings = [text.replace("ch", "h"), text.replace("ch", "sh")]
    out = []
    for reading in readings:
        shape = _shape(reading.replace("ch", "h"))  # what is left: Chachan
        if shape and shape not in out:
            out.append(shape)
    return tuple(out)


def skeleton(token: str) -> str:
    """The first reading of :func:`skeletons`."""
    found = skeletons(token)
    return found[0] if found else ""


def _shape(text: str) -> str:
    for old, new in _REWRITES:
        text = text.replace(old, new)
    if not text:
        return text
    out = [text[0]]
    for char in text[1:]:
        if char in _VOWELS or (char == "h" and out[-1] in _VOWELS | {"h"}):
            continue  # vowels, and an h after a vowel (Ahmad/Amad), carry little
        if char != out[-1]:
            out.append(char)
    return "".join(out)


def name_features(names: list[str]) -> NameFeatures:
    """Features of a record's names (its ``name`` values, or first + last name)."""
    all_tokens: list[str] = []
    for name in names:
        for token in tokens(name):
            if token not in all_tokens:
                all_tokens.append(token)
    ordered = sorted(all_tokens)
    shapes = sorted({shape for t in ordered for shape in skeletons(t)})
    primary = sorted({skeleton(t) for t in ordered if skeleton(t)})
    return NameFeatures(
        key=" ".join(ordered) or None,
        tokens=ordered,
        skeletons=shapes,
        skeleton_key=" ".join(primary) or None,
    )
