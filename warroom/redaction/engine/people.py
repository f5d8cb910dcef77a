"""The people the redactor knows by name: the roster, and what an incident adds to it."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Person:
    """A roster person in every form they may be written."""

    username: str
    name: str
    email: str = ""
    aliases: tuple[str, ...] = ()
    role: str = ""  # their role on the incident at hand, if any

    @property
    def key(self) -> str:
        return f"person:{self.username}"

    def name_forms(self) -> list[str]:
        """Full name, each part of it, the username and the aliases."""
        forms = [self.name, *self.name.split(), self.username, *self.aliases]
        return [f for f in dict.fromkeys(f.strip() for f in forms) if len(f) >= 2]

    @classmethod
    def from_dict(cls, data: dict) -> Person:
        """The roster file format: {"name", "username", "email", "aliases", "team"}."""
        return cls(
            username=str(data.get("username") or "").strip(),
            name=str(data.get("name") or data.get("display_name") or "").strip(),
            email=str(data.get("email") or "").strip(),
            aliases=tuple(str(a) for a in data.get("aliases") or ()),
            role=str(data.get("role") or ""),
        )


@dataclass
class Context:
    """What the redactor knows about one incident.

    `allow`: texts that are never a name here (an organisation's product names, a responder's
    "not a name" correction). `deny`: texts that always are (a name the engine missed).
    `pseudonyms`: the stored mapping from a person's key to their stand-in; the redactor adds to
    it, and the caller stores it with the incident so the same person keeps the same stand-in.
    """

    people: list[Person] = field(default_factory=list)
    allow: set[str] = field(default_factory=set)
    deny: set[str] = field(default_factory=set)
    pseudonyms: dict[str, str] = field(default_factory=dict)

    def fingerprint(self) -> str:
        """Changes whenever anything that could change a redaction changes."""
        import hashlib

        parts = (
            sorted((p.username, p.name, p.email, p.aliases, p.role) for p in self.people),
            sorted(self.allow),
            sorted(self.deny),
            sorted(self.pseudonyms.items()),
        )
        return hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()
