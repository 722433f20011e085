"""Hub identifiers: phone numbers that many different people's records carry.

A money-transfer shop's number written on its customers' records, a burner handed
round the drivers, a phone lent out in the camp. Matching on them would merge
strangers, so the truth lists every true person whose records carry each one.
"""

from __future__ import annotations

from typing import Any


class Hubs:
    def __init__(self) -> None:
        self._kind: dict[str, str] = {}
        self._owner: dict[str, str | None] = {}
        self._users: dict[str, dict[str, None]] = {}

    def register(self, number: str, kind: str, owner: str | None = None) -> None:
        if number not in self._kind:
            self._kind[number] = kind
            self._owner[number] = owner
            self._users[number] = {}

    def is_hub(self, number: str) -> bool:
        return number in self._kind

    def used(self, number: str, holder: str) -> None:
        users = self._users.get(number)
        if users is not None:
            users[holder] = None

    def entries(self, minimum: int = 2) -> list[dict[str, Any]]:
        out = []
        for number, kind in self._kind.items():
            users = list(self._users[number])
            if len(users) >= minimum:
                out.append(
                    {
                        "kind": kind,
                        "type": "phone",
                        "value": number,
                        "owner": self._owner[number],
                        "true_ids": users,
                    }
                )
        return out
