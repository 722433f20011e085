"""The EU 4x4 evaluation (Europol Regulation, Art. 29).

Source reliability: A (no doubt), B (mostly reliable), C (mostly unreliable),
X (cannot be assessed) -- there is no D. Information reliability: 1 (not in doubt),
2 (known personally to the source but not to the official passing it on), 3 (not known
personally but corroborated), 4 (not known personally and not corroborated).
"""

from __future__ import annotations

from dataclasses import dataclass

from undertow.errors import ConfigError

SOURCE_RELIABILITY = {
    "A": "No doubt about the source's authenticity, trustworthiness and competence.",
    "B": "Source from whom information received has in most instances proved reliable.",
    "C": "Source from whom information received has in most instances proved unreliable.",
    "X": "The reliability of the source cannot be assessed.",
}

INFORMATION_RELIABILITY = {
    "1": "Information whose accuracy is not in doubt.",
    "2": "Information known personally to the source but not to the official passing it on.",
    "3": "Information not known personally to the source but corroborated by other information.",
    "4": "Information not known personally to the source and not corroborated.",
}


@dataclass(frozen=True)
class Grading:
    source: str
    information: str

    @classmethod
    def parse(cls, text: str) -> Grading:
        code = text.strip().upper()
        if len(code) != 2:
            raise ConfigError(f"grading {text!r} must be two characters, e.g. B2")
        source, information = code[0], code[1]
        if source not in SOURCE_RELIABILITY:
            hint = " (the 4x4 has no D)" if source in "DEF" else ""
            raise ConfigError(f"grading {text!r}: source reliability must be A, B, C or X{hint}")
        if information not in INFORMATION_RELIABILITY:
            raise ConfigError(f"grading {text!r}: information reliability must be 1, 2, 3 or 4")
        return cls(source, information)

    @property
    def is_fact(self) -> bool:
        """A1-graded values are facts; anything else is an assessment (LED Art. 7)."""
        return self.source == "A" and self.information == "1"

    def __str__(self) -> str:
        return f"{self.source}{self.information}"
