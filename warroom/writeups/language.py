"""The blameless-language check (G17, G5): what in a text names a person or blames one.

    from warroom.writeups.language import check
    check("Alice forgot to renew the certificate.")
    # [Finding(line=1, column=1, text='Alice', kind='name', …),
    #  Finding(line=1, column=7, text='forgot to', kind='blame', …)]

Names are whatever the redactor would replace: a person's name, handle, e-mail or phone number.
Blaming phrases are the data in `warroom.writeups.phrases`. Pure Python, no Django: the
incident's redactor (or a roster-less one) comes in as an argument. Code spans, fenced blocks
and URLs are quoted facts and are never flagged, as the redactor never touches them.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import asdict, dataclass

from warroom.redaction.engine import EMAIL, HANDLE, PHONE, Redactor, Span
from warroom.redaction.engine.text import inside, protected_regions
from warroom.writeups.phrases import (
    GROUP_SUBJECT,
    INDIVIDUAL_SUBJECT,
    NAMED_SUBJECT,
    PERSON_OBJECT,
    RULES,
    Rule,
    is_participle,
)

NAME, BLAME = "name", "blame"

# Words that may stand between a subject and its verb: "Alice simply forgot", "Bob had broken".
_FILLER = r"(?:\s+(?:\w+ly|has|had|have|just|then|also|never|again|once))*\s+"
_AFTER_NAME = re.compile(_FILLER, re.IGNORECASE)
_NAMED_BEFORE = re.compile(rf"(?<![\w-])(?:{NAMED_SUBJECT}){_FILLER}\Z", re.IGNORECASE)
_INDIVIDUAL_BEFORE = re.compile(rf"(?<![\w-])(?:{INDIVIDUAL_SUBJECT}){_FILLER}\Z", re.IGNORECASE)
_GROUP_BEFORE = re.compile(rf"(?<![\w-])(?:{GROUP_SUBJECT}){_FILLER}\Z", re.IGNORECASE)
_PERSON_AFTER = re.compile(rf"\s+(?:{PERSON_OBJECT})(?![\w-])", re.IGNORECASE)
_NEXT_WORD = re.compile(r"\s+(?:\w+ly\s+)?([\w'’]+)")
LOOK_BACK = 80  # characters before a phrase where its subject is looked for


@dataclass(frozen=True)
class Finding:
    line: int  # 1-based
    column: int  # 1-based, in characters
    text: str
    kind: str  # NAME or BLAME
    message: str
    suggestion: str

    def as_dict(self) -> dict:
        return asdict(self)


def check(text: str, *, redactor: Redactor | None = None) -> list[Finding]:
    """Every name and blaming phrase in `text`, in reading order."""
    redactor = redactor or Redactor()
    names = redactor.redact(text).spans
    protected = protected_regions(text)
    lines = _line_starts(text)
    found = [(s.start, _name_finding(s, text, lines)) for s in names]
    taken: set[tuple[int, int]] = set()
    for rule in RULES:
        for m in rule.regex.finditer(text):
            span = m.span()
            if span in taken or inside(protected, *span) or not _applies(rule, text, span, names):
                continue
            taken.add(span)
            found.append(
                (m.start(), _finding(text, lines, span, BLAME, rule.message, rule.suggest))
            )
    return [finding for _, finding in sorted(found, key=lambda pair: pair[0])]


def _applies(rule: Rule, text: str, span: tuple[int, int], names: list[Span]) -> bool:
    start, end = span
    before = text[max(0, start - LOOK_BACK) : start]
    if rule.unless_before and rule.unless_before.search(before):
        return False
    if not rule.needs:
        return True
    tests = {
        "person_before": lambda: (
            _subject_before(text, start, names, _INDIVIDUAL_BEFORE)
            or bool(_GROUP_BEFORE.search(before))
        ),
        "named_before": lambda: _subject_before(text, start, names, _NAMED_BEFORE),
        "participle_after": lambda: _participle_after(text, end),
        "person_after": lambda: _person_after(text, end, names),
    }
    return any(tests[need]() for need in rule.needs)


def _subject_before(text: str, start: int, names: list[Span], words: re.Pattern[str]) -> bool:
    """A person the redactor found, or one of `words`, ends just before `start`."""
    if any(
        s.end <= start and s.label != PHONE and _AFTER_NAME.fullmatch(text[s.end : start])
        for s in names
    ):
        return True
    return bool(words.search(text[max(0, start - LOOK_BACK) : start]))


def _person_after(text: str, end: int, names: list[Span]) -> bool:
    if any(s.start >= end and not text[end : s.start].strip() for s in names):
        return True
    return bool(_PERSON_AFTER.match(text, end))


def _participle_after(text: str, end: int) -> bool:
    """A look back in hindsight ("should have checked"), not a wish ("should have alerts")."""
    word = _NEXT_WORD.match(text, end)
    return word is not None and is_participle(word.group(1))


def _name_finding(span: Span, text: str, lines: list[int]) -> Finding:
    if span.label == EMAIL:
        what, suggest = "is a person's e-mail address", "remove the address, or write their role"
    elif span.label == PHONE:
        what, suggest = "is a phone number", "remove the number"
    else:
        what = "is a person's handle" if span.label == HANDLE else "names a person"
        suggest = f"write their role, or “{span.replacement}” as the public page does"
    message = f"{what}: a blameless text names roles, not people"
    return _finding(text, lines, (span.start, span.end), NAME, message, suggest)


def _finding(
    text: str, lines: list[int], span: tuple[int, int], kind: str, message: str, suggest: str
) -> Finding:
    start, end = span
    line = bisect.bisect_right(lines, start)
    matched = text[start:end]
    return Finding(
        line=line,
        column=start - lines[line - 1] + 1,
        text=matched,
        kind=kind,
        message=f"“{matched}” {message}",
        suggestion=suggest,
    )


def _line_starts(text: str) -> list[int]:
    return [0, *(m.end() for m in re.finditer(r"\n", text))]
