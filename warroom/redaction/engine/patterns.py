"""E-mail addresses, @handles and phone numbers: found by their shape."""

from __future__ import annotations

import re
from collections.abc import Iterator

import phonenumbers

EMAIL = re.compile(r"(?<![\w.%+-])[\w.%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b")
HANDLE = re.compile(r"(?<![\w@./])@([A-Za-z0-9_](?:[\w.-]*[A-Za-z0-9_])?)")
# Mentions of groups, not of people.
GROUP_MENTIONS = {"here", "channel", "all", "everyone", "oncall", "on-call"}

# A phone candidate: an optional +country, an optional (area), then 2–5 digit groups with single
# separators. Neighbours that make it part of a time, a version, an IP or a path rule it out.
PHONE = re.compile(
    r"(?<![\w.:/#+-])"
    r"(?:\+\d{1,3}[ .-]?(?:\(\d{1,5}\)[ .-]?)?\d{1,12}(?:[ .-]\d{1,8}){0,5}"  # +country …
    r"|(?:\(\d{1,5}\)[ .-]?)?\d{2,12}(?:[ .-]\d{2,8}){0,4})"  # national
    r"(?![\w:/]|[.-]\d)"
)
_US_LIKE = re.compile(r"^\d{3}[ .-]\d{3}[ .-]\d{4}$")


def emails(text: str) -> Iterator[tuple[int, int, str]]:
    if "@" not in text:
        return
    for m in EMAIL.finditer(text):
        yield m.start(), m.end(), m.group()


def handles(text: str) -> Iterator[tuple[int, int, str]]:
    if "@" not in text:
        return
    for m in HANDLE.finditer(text):
        if m.group(1).lower() not in GROUP_MENTIONS:
            yield m.start(), m.end(), m.group(1)


# Numbers after these words are identifiers, not phone numbers: "order 100-482-9913".
IDENTIFIER_BEFORE = re.compile(
    r"(?i)\b(?:order|invoice|ticket|case|job|pipeline|build|id|ref|account|transaction|txn|payment|"
    r"po|serial|version|issue|incident|mr|pr|no|number|#)[\s#]*$"
)
_NATIONAL = re.compile(r"^0\d{1,4}[ .-]\d{2,8}(?:[ .-]\d{2,8}){0,3}$")


def _is_phone(candidate: str) -> bool:
    digits = sum(c.isdigit() for c in candidate)
    if not 7 <= digits <= 15:
        return False
    if candidate.startswith("+"):
        try:
            return phonenumbers.is_possible_number(phonenumbers.parse(candidate, None))
        except phonenumbers.NumberParseException:
            return False
    if "(" in candidate:
        return True
    # Without a country code: the North American 3-3-4 shape, or a national number with its
    # trunk prefix 0 ("040 66969 123", "03-5555-0188", "07700 900461").
    return bool(_US_LIKE.match(candidate) or (_NATIONAL.match(candidate) and digits >= 9))


def phones(text: str) -> Iterator[tuple[int, int]]:
    for m in PHONE.finditer(text):
        if _is_phone(m.group()) and not IDENTIFIER_BEFORE.search(
            text[max(0, m.start() - 20) : m.start()]
        ):
            yield m.start(), m.end()
