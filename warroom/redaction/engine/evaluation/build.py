"""Build dataset.jsonl, the redactor's evaluation set, from source.txt and roster.json.

Standard library only. Run from the repository root:

    python warroom/redaction/evaluation/build.py            # the dev set, in this folder
    python warroom/redaction/evaluation/build.py heldout    # the held-out set, in heldout/

source.txt holds one timeline entry per line; blank lines and lines starting with `#` are
comments. A span to redact is written `[[text|LABEL]]` with LABEL one of PERSON (a roster
person), PERSON_OFF (a person not on the roster), HANDLE, EMAIL or PHONE. Each entry becomes
one JSON line:

    {"id": "e001", "text": "...", "spans": [{"start": 0, "end": 5, "label": "PERSON",
                                             "roster": true}]}

Offsets are Python str indices (code points) into "text". PERSON_OFF becomes PERSON with
roster false. HANDLE and EMAIL are roster true when they match a roster username or e-mail;
PHONE is always roster false (the roster holds no phone numbers).

The script refuses to write anything if a line is malformed; see `check_span` for the rules.
"""

from __future__ import annotations

import json
import re
import sys
import unicodedata
from collections import Counter
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent

LABELS = {"PERSON", "PERSON_OFF", "HANDLE", "EMAIL", "PHONE"}
MARK = re.compile(r"\[\[([^\[\]|]+)\|([A-Za-z_]+)\]\]")
CODE = re.compile(r"`[^`]*`")
HANDLE = re.compile(r"@[A-Za-z0-9][A-Za-z0-9._-]*")
EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+")
PHONE = re.compile(r"\+?[0-9 ()-]+")
# Letters that NFKD does not decompose, and typographic apostrophes.
FOLD = str.maketrans({"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "’": "'"})


class SourceError(ValueError):
    pass


def fold(text: str) -> str:
    """Lower case, without accents: how a name may be typed in a hurry."""
    decomposed = unicodedata.normalize("NFKD", text.translate(FOLD))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def load_roster(path: Path) -> tuple[set[str], set[str], set[str], set[str]]:
    """Return (name forms, name tokens, usernames, e-mails), all folded.

    A name form is anything a roster person may be called: the full name, each part of it,
    the username and each alias. Every form must point to one person only.
    """
    people = json.loads(path.read_text(encoding="utf-8"))
    owner: dict[str, str] = {}
    usernames, emails = set(), set()
    for person in people:
        forms = {person["name"], *person["name"].split(), person["username"], *person["aliases"]}
        for form in map(fold, forms):
            if owner.setdefault(form, person["username"]) != person["username"]:
                raise SourceError(
                    f"roster: {form!r} names both {owner[form]} and {person['username']}"
                )
        usernames.add(fold(person["username"]))
        emails.add(fold(person["email"]))
    tokens = {token for form in owner for token in form.split()}
    return set(owner), tokens, usernames, emails


def parse_line(line: str) -> tuple[str, list[tuple[int, int, str, str]]]:
    """Remove the markup; return the plain text and (start, end, label, marked text) spans."""
    parts, spans, pos, length = [], [], 0, 0
    for match in MARK.finditer(line):
        before = line[pos : match.start()]
        parts.append(before)
        length += len(before)
        marked, label = match.group(1), match.group(2)
        spans.append((length, length + len(marked), label, marked))
        parts.append(marked)
        length += len(marked)
        pos = match.end()
    parts.append(line[pos:])
    text = "".join(parts)
    for leftover in ("[[", "]]", "|PERSON", "|HANDLE", "|EMAIL", "|PHONE"):
        if leftover in text:
            raise SourceError(f"unclosed or malformed markup near {leftover!r}")
    return text, spans


def check_span(text, start, end, label, marked, code, roster) -> bool:
    """Validate one span and return its roster flag."""
    forms, tokens, usernames, emails = roster
    if label not in LABELS:
        raise SourceError(f"unknown label {label!r} on {marked!r}")
    if text[start:end] != marked:
        raise SourceError(f"offsets of {marked!r} do not match the text")
    if marked != marked.strip() or marked[-1] in ".,:;!?)'" or marked.endswith("'s"):
        raise SourceError(f"span {marked!r} carries whitespace or punctuation; mark the name only")
    if any(start < c_end and c_start < end for c_start, c_end in code):
        raise SourceError(f"span {marked!r} is inside a `code span`, which is never redacted")
    folded = fold(marked)
    if label == "PERSON":
        if folded not in forms:
            raise SourceError(f"{marked!r} is marked PERSON but is no roster name form")
        return True
    if label == "PERSON_OFF":
        clash = [t for t in folded.split() if t in tokens]
        if clash:
            raise SourceError(f"{marked!r} is marked PERSON_OFF but shares {clash} with the roster")
        return False
    if label == "HANDLE":
        if not HANDLE.fullmatch(marked):
            raise SourceError(f"{marked!r} is not an @handle")
        return folded[1:] in usernames
    if label == "EMAIL":
        if not EMAIL.fullmatch(marked):
            raise SourceError(f"{marked!r} is not an e-mail address")
        return folded in emails
    if not PHONE.fullmatch(marked) or sum(c.isdigit() for c in marked) < 7:
        raise SourceError(f"{marked!r} is not a phone number")
    return False


def build(source: Path, roster_path: Path) -> list[dict]:
    roster = load_roster(roster_path)
    entries: list[dict] = []
    seen: set[str] = set()
    for number, raw in enumerate(source.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        try:
            text, marks = parse_line(line)
            if not unicodedata.is_normalized("NFC", text):
                raise SourceError("text is not in Unicode NFC form")
            if text in seen:
                raise SourceError("duplicate entry")
            seen.add(text)
            code = [m.span() for m in CODE.finditer(text)]
            spans: list[dict[str, Any]] = []
            for start, end, label, marked in marks:
                if spans and start < spans[-1]["end"]:
                    raise SourceError(f"span {marked!r} overlaps the previous one")
                in_roster = check_span(text, start, end, label, marked, code, roster)
                spans.append(
                    {
                        "start": start,
                        "end": end,
                        "label": "PERSON" if label == "PERSON_OFF" else label,
                        "roster": in_roster,
                    }
                )
        except SourceError as error:
            raise SourceError(f"{source.name}:{number}: {error}\n    {raw}") from None
        entries.append({"id": f"e{len(entries) + 1:03d}", "text": text, "spans": spans})
    return entries


def summary(entries: list[dict]) -> str:
    spans = [span for entry in entries for span in entry["spans"]]
    per_label = Counter(span["label"] for span in spans)
    lines = [
        f"entries: {len(entries)}",
        f"entries with no span: {sum(1 for entry in entries if not entry['spans'])}",
        f"spans: {len(spans)}",
    ]
    for label in ("PERSON", "HANDLE", "EMAIL", "PHONE"):
        on = sum(1 for span in spans if span["label"] == label and span["roster"])
        lines.append(
            f"  {label:<7} {per_label[label]:>4}  (roster {on}, off-roster {per_label[label] - on})"
        )
    on = sum(1 for span in spans if span["roster"])
    lines.append(f"roster spans: {on}, off-roster spans: {len(spans) - on}")
    return "\n".join(lines)


def main() -> int:
    folder = HERE / sys.argv[1] if len(sys.argv) > 1 else HERE
    output = folder / "dataset.jsonl"
    try:
        entries = build(folder / "source.txt", folder / "roster.json")
    except SourceError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    with output.open("w", encoding="utf-8") as out:
        for entry in entries:
            out.write(json.dumps(entry, ensure_ascii=False) + "\n")
    print(f"wrote {output.relative_to(HERE)}")
    print(summary(entries))
    return 0


if __name__ == "__main__":
    sys.exit(main())
