"""Text helpers shared by the detectors: folding for matching, and the regions never touched."""

from __future__ import annotations

import re
import unicodedata


class _FoldTable(dict):
    """str.translate table: each character to its lower-case, accent-free form, one character for
    one, so offsets in the folded text are offsets in the original."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        if char in "’ʼ":  # typographic apostrophes match the typed one: O’Brien = O'Brien
            self[code] = "'"
            return "'"
        base = unicodedata.normalize("NFKD", char)
        base = "".join(c for c in base if not unicodedata.combining(c)) or char
        folded = base.lower()
        self[code] = folded = folded if len(folded) == 1 else char
        return folded


_FOLD = _FoldTable()


def fold(text: str) -> str:
    """Lower-case and strip accents, keeping the length: 'José' → 'jose'."""
    if text.isascii():
        return text.lower()
    return text.translate(_FOLD)


# Code spans and fenced blocks are quoted facts (commands, queries, log lines): kept verbatim.
# URLs are facts too (dashboards, forum threads): kept.
PROTECTED = re.compile(
    r"```.*?(?:```|\Z)"  # fenced block
    r"|`[^`\n]+`"  # inline code
    r"|\b(?:https?|ftp)://[^\s<>()\[\]`]+",  # URL
    re.DOTALL,
)


def protected_regions(text: str) -> list[tuple[int, int]]:
    if "`" not in text and "://" not in text:
        return []
    return [m.span() for m in PROTECTED.finditer(text)]


def inside(regions: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(s < end and start < e for s, e in regions)
