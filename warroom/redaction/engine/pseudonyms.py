"""Stand-ins for people: the same person is always the same stand-in within one incident."""

from __future__ import annotations

import re

from warroom.redaction.engine.people import Person

# Roles that name one person, so their title is a stand-in that says something useful.
ROLE_STANDINS = {
    "commander": "the incident commander",
    "communications": "the communications lead",
    "scribe": "the scribe",
    "marketing": "a marketing contact",
    "support": "a support engineer",
}
EMAIL_STANDIN = "[email]"
PHONE_STANDIN = "[phone]"
_NUMBERED = re.compile(r"^(Engineer|Contact) (\d+)$")


class PseudonymBook:
    """Hands out stand-ins and remembers them in `mapping` (key → stand-in), which the caller
    stores with the incident."""

    def __init__(self, mapping: dict[str, str], people: list[Person]):
        self.mapping = mapping
        self.roles = {p.key: p.role for p in people if p.role}
        self._counters = {"Engineer": 0, "Contact": 0}
        for standin in mapping.values():
            m = _NUMBERED.match(standin)
            if m:
                self._counters[m[1]] = max(self._counters[m[1]], int(m[2]))

    def standin(self, key: str) -> str:
        existing = self.mapping.get(key)
        if existing:
            return existing
        role = ROLE_STANDINS.get(self.roles.get(key, ""))
        if role:
            standin = role
        else:
            series = "Engineer" if key.startswith("person:") else "Contact"
            self._counters[series] += 1
            standin = f"{series} {self._counters[series]}"
        self.mapping[key] = standin
        return standin
