"""The redactor: finds people in a text and replaces them with stand-ins."""

from __future__ import annotations

from dataclasses import dataclass

from warroom.redaction.engine import names, patterns
from warroom.redaction.engine.lexicon import lexicon
from warroom.redaction.engine.people import Context
from warroom.redaction.engine.pseudonyms import EMAIL_STANDIN, PHONE_STANDIN, PseudonymBook
from warroom.redaction.engine.roster import RosterMatcher, at_sentence_start
from warroom.redaction.engine.text import fold, inside, protected_regions

PERSON, HANDLE, EMAIL, PHONE = "PERSON", "HANDLE", "EMAIL", "PHONE"


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    label: str
    replacement: str

    def as_dict(self) -> dict:
        return {
            "start": self.start,
            "end": self.end,
            "label": self.label,
            "replacement": self.replacement,
        }


@dataclass(frozen=True)
class Redaction:
    text: str
    spans: list[Span]


@dataclass(frozen=True)
class _Found:
    start: int
    end: int
    label: str
    key: str | None  # who it is, when known: a stand-in for them; None: a generic stand-in
    priority: int  # on overlap: longer wins, then the higher priority


class Redactor:
    """One per incident (or per run of the CLI): it keeps the stand-ins consistent."""

    def __init__(self, context: Context | None = None):
        self.context = context or Context()
        # Names the state it starts from: the same text, redacted from the same state, always
        # gives the same result, so callers may keep results under this key.
        self.fingerprint = self.context.fingerprint()
        lex = lexicon()
        allow = {fold(a) for a in self.context.allow}
        deny = {fold(d): f"name:{fold(d)}" for d in self.context.deny if d.strip()}
        people = [p for p in self.context.people if p.username or p.name]
        self.roster = RosterMatcher(people, lex, deny)
        self.names = names.NameFinder(lex, allow)
        self.allow = allow
        self.by_email = {p.email.lower(): p.key for p in people if p.email}
        self.by_username = {p.username.lower(): p.key for p in people if p.username}
        self.book = PseudonymBook(self.context.pseudonyms, people)
        self._full_names: dict[str, str] = {}  # a part of an off-roster full name → its key

    @property
    def pseudonyms(self) -> dict[str, str]:
        return self.book.mapping

    def find(self, text: str) -> list[_Found]:
        regions = protected_regions(text)
        found: list[_Found] = []
        for start, end, address in patterns.emails(text):
            found.append(_Found(start, end, EMAIL, self.by_email.get(address.lower()), 4))
        for start, end, handle in patterns.handles(text):
            key = self.by_username.get(handle.lower(), f"handle:{handle.lower()}")
            found.append(_Found(start, end, HANDLE, key, 3))
        for start, end in patterns.phones(text):
            found.append(_Found(start, end, PHONE, None, 2))
        for start, end, key in self.roster.find(text, fold(text)):
            found.append(_Found(start, end, PERSON, key, 1))
        for start, end in self.names.find(text):
            found.append(_Found(start, end, PERSON, self._off_roster_key(text[start:end]), 0))
        kept = [
            f
            for f in found
            if not inside(regions, f.start, f.end) and fold(text[f.start : f.end]) not in self.allow
        ]
        return _without_overlaps(kept)

    def _off_roster_key(self, name: str) -> str:
        parts = fold(name).split()
        if len(parts) > 1:
            key = f"name:{' '.join(parts)}"
            for part in parts:
                self._full_names.setdefault(part, key)
            return key
        return self._full_names.get(parts[0], f"name:{parts[0]}")

    def redact(self, text: str) -> Redaction:
        spans: list[Span] = []
        pieces: list[str] = []
        last = 0
        for f in self.find(text):
            replacement = self._standin(f)
            if f.label in (PERSON, HANDLE) and at_sentence_start(text, f.start):
                replacement = replacement[:1].upper() + replacement[1:]
            spans.append(Span(f.start, f.end, f.label, replacement))
            pieces.append(text[last : f.start])
            pieces.append(replacement)
            last = f.end
        pieces.append(text[last:])
        return Redaction("".join(pieces), spans)

    def _standin(self, found: _Found) -> str:
        if found.label == PHONE:
            return PHONE_STANDIN
        if found.key is None:
            return EMAIL_STANDIN
        return self.book.standin(found.key)


def _without_overlaps(found: list[_Found]) -> list[_Found]:
    """Keep the longest of overlapping finds (then the most specific), in text order."""
    ordered = sorted(found, key=lambda f: (-(f.end - f.start), -f.priority, f.start))
    taken: list[_Found] = []
    for f in ordered:
        if all(f.end <= t.start or t.end <= f.start for t in taken):
            taken.append(f)
    return sorted(taken, key=lambda f: f.start)
