"""Finding people who are not on the roster: a customer's engineer, a vendor's contact.

No list knows every name, so this combines three cheap signals:
- the name lists of `lexicon` (a given name like "Astrid", a surname like "Okoro");
- capitalisation and shape (Title-case words in a row; CamelCase and ALL-CAPS are products);
- context: a title before ("Dr.", "Ms."), or words that only people take ("per X", "X says",
  "asked X").
Words that are also ordinary English words ("Will", "Grace") need a surname, a title or a cue.
Organisations ("from Contoso", "at Globex") and places ("São Paulo") are left alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from warroom.redaction.engine.lexicon import PARTICLES, TITLES, Lexicon
from warroom.redaction.engine.roster import is_eponym, next_word, previous_word
from warroom.redaction.engine.text import fold

TOKEN = re.compile(r"(?<!\w)[^\W\d_]+(?:['’-][^\W\d_]+)*(?!\w)")
_SCRIPTS = (
    "\u0400-\u04ff\u0590-\u05ff\u0600-\u06ff\u0750-\u077f\u0900-\u097f\u0e00-\u0e7f"
    "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af"
)
# Letters of scripts other than Latin: in an English-language record, words in them are names.
OTHER_SCRIPT = re.compile(f"[{_SCRIPTS}]+(?:[ \u200c][{_SCRIPTS}]+){{0,3}}")

# Words that only people take, before or after the name.
CUES_BEFORE = {
    "per",
    "asked",
    "ask",
    "told",
    "tell",
    "cc",
    "thanks",
    "thank",
    "ping",
    "pinged",
    "paged",
    "page",
    "called",
    "emailed",
    "mailed",
    "hi",
    "hey",
    "dear",
    "reached",
}
CUES_BEFORE_PAIRS = {
    ("talked", "to"),
    ("spoke", "to"),
    ("spoke", "with"),
    ("according", "to"),
    ("reported", "by"),
    ("sent", "by"),
    ("call", "with"),
    ("meeting", "with"),
}
CUES_AFTER = {
    "says",
    "said",
    "asks",
    "asked",
    "reports",
    "reported",
    "confirms",
    "confirmed",
    "wants",
    "wrote",
    "thinks",
    "thought",
    "thanked",
    "promised",
    "explained",
    "sent",
    "shared",
    "opened",
    "joined",
    "sees",
    "saw",
    "gave",
    "suggests",
    "suggested",
    "prefers",
    "replied",
    "'s",
    "’s",
    "can't",
    "cannot",
    "left",
    "mentioned",
    "agreed",
    "believes",
    "expects",
    "needs",
    "would",
    "offered",
    "escalated",
    "noticed",
}
WEAK_CUES_AFTER = {"(", ",", ":", "at", "from", "and", "is", "was", "will", "has", "can"}
WEAK_CUES_BEFORE = {"with", "and", "to", "by"}
# Before these, a capitalised word is an organisation or a place: "from Contoso", "at Globex".
PLACE_BEFORE = {"st", "saint", "san", "santa", "mt", "mount", "fort", "port", "lake", "new"}
ORGANISATION_BEFORE = {
    "from",
    "at",
    "of",
    "in",
    "for",
    "on",
    "into",
    "via",
    "the",
    "a",
    "an",
    "our",
    "their",
    "your",
    "this",
    "that",
    "its",
}


@dataclass(frozen=True)
class _Word:
    start: int
    end: int
    text: str
    given: bool
    surname: bool
    ordinary: bool  # a common English word
    product: bool  # a product, a tool, a day or month, a language, or on the allow-list
    place: bool

    @property
    def plain_word(self) -> bool:
        return self.ordinary and not (self.given or self.surname)


def _is_titlecase(word: str) -> bool:
    return word[0].isupper() and not word.isupper()


def _camel(word: str) -> bool:
    """ZoneMaster, EdgeFleet, PagerDuty: products. O'Brien, McDonald, Al-Sayed: people."""
    core = re.sub(r"^(?:Mc|Mac|O['’]|D['’])", "", word)
    return any(c.isupper() for i, c in enumerate(core[1:], 1) if core[i - 1] not in "-'’")


def _possessive_end(text: str, start: int, end: int) -> int:
    return end - 2 if end - start > 2 and text[end - 2 : end] in ("'s", "’s") else end


class NameFinder:
    def __init__(self, lexicon: Lexicon, allow: set[str]):
        self.lex = lexicon
        self.allow = allow

    def _word(self, text: str, start: int, end: int) -> _Word:
        word = text[start:end]
        f = fold(word)
        given, surname = f in self.lex.given, f in self.lex.surnames
        return _Word(
            start,
            end,
            word,
            given=given,
            surname=surname,
            # "Léa" is a name even though "lea" is a word: English words carry no accents.
            ordinary=f in self.lex.words and (word.isascii() or not (given or surname)),
            product=f in self.lex.tech or f in self.allow,
            place=f in self.lex.places,
        )

    def find(self, text: str) -> Iterator[tuple[int, int]]:
        for m in OTHER_SCRIPT.finditer(text):
            yield m.span()
        runs = list(self._runs(text))
        found = [span for span in map(lambda run: self._judge(text, run), runs) if span]
        found += self._lowercase_after_cue(text)
        found += self._list_neighbours(text, runs, found)
        yield from found

    def _runs(self, text: str) -> Iterator[list[_Word]]:
        """Title-case words separated by single spaces, with name particles ("de", "van") inside."""
        run: list[_Word] = []
        for m in TOKEN.finditer(text):
            start = m.start()
            end = _possessive_end(text, start, m.end())
            word = text[start:end]
            joined = bool(run) and text[run[-1].end : start] == " "
            if _is_titlecase(word) and not _camel(word):
                if not joined and run:
                    yield run
                    run = []
                run.append(self._word(text, start, end))
            elif joined and word.lower() in PARTICLES:
                run.append(self._word(text, start, end))
            else:
                if run:
                    yield run
                run = []
        if run:
            yield run

    def _judge(self, text: str, run: list[_Word]) -> tuple[int, int] | None:
        while run and run[-1].text.lower() in PARTICLES:
            run = run[:-1]
        if run and run[0].place:  # "São Paulo", "Kuala Lumpur", "Sydney"
            return None
        # Drop products and plain words at the edges: "Globex SRE", "Customer Hendrik".
        while run and (run[0].product or (run[0].plain_word and len(run) > 1)):
            run = run[1:]
        while run and run[-1].product:
            run = run[:-1]
        if not run or any(w.product for w in run):
            return None
        start, end = run[0].start, run[-1].end
        before = previous_word(text, start)
        if self._place_or_organisation(text, run, before):
            return None
        if before in TITLES:
            return start, end
        if before in ORGANISATION_BEFORE:
            return None
        cue = self._cue(text, start, end)
        if len(run) == 1:
            w = run[0]
            if w.given and not w.ordinary:
                return start, end
            if not w.ordinary and cue:
                return start, end
            return None
        if any((w.given or w.surname) for w in run):
            return start, end
        # Two or three unknown Title-case words in a row are a name when anything hints at it.
        weak_cue = next_word(text, end) in WEAK_CUES_AFTER or before in WEAK_CUES_BEFORE
        if len(run) <= 3 and not any(w.ordinary for w in run) and (cue or weak_cue):
            return start, end
        return None

    def _place_or_organisation(self, text: str, run: list[_Word], before: str) -> bool:
        """Cape Town, Ho Chi Minh City, St. Louis, Ernst & Young, Dr. Martens, Murphy's law."""
        phrase = " ".join(fold(w.text) for w in run)
        phrases = self.lex.place_phrases
        if phrase in phrases or f"{before} {phrase}" in phrases or before in PLACE_BEFORE:
            return True
        if any(" ".join(fold(w.text) for w in run[:n]) in phrases for n in range(2, len(run))):
            return True
        start, end = run[0].start, run[-1].end
        if re.match(r" & [A-Z]", text[end : end + 4]) or re.search(
            r"[A-Za-z] & $", text[max(0, start - 4) : start]
        ):
            return True
        return is_eponym(text, end)

    @staticmethod
    def _cue(text: str, start: int, end: int) -> bool:
        before = previous_word(text, start)
        if before in CUES_BEFORE:
            return True
        if (previous_word(text, start - len(before) - 1), before) in CUES_BEFORE_PAIRS:
            return True
        return next_word(text, end) in CUES_AFTER

    def _lowercase_after_cue(self, text: str) -> list[tuple[int, int]]:
        """'talked to hendrik again': a lower-case given name right after a cue."""
        found = []
        for m in _LOWERCASE_AFTER_CUE.finditer(text):
            w = self._word(text, m.start(1), m.end(1))
            if w.given and not w.ordinary and not w.product:
                found.append((w.start, w.end))
        return found

    def _list_neighbours(
        self, text: str, runs: list[list[_Word]], found: list[tuple[int, int]]
    ) -> list[tuple[int, int]]:
        """'with Halima, Arjun and Noor': a Title-case word listed beside found names is one too."""
        if not found:
            return []
        extra = []
        for run in runs:
            w = run[0]
            if len(run) != 1 or w.ordinary or w.product or w.place:
                continue
            if any(s <= w.start < e for s, e in found):
                continue
            if any(
                _LIST_JOINT.fullmatch(text[e : w.start]) or _LIST_JOINT.fullmatch(text[w.end : s])
                for s, e in found
            ):
                extra.append((w.start, w.end))
        return extra


_LIST_JOINT = re.compile(r", | and |, and ")
_CUE_WORDS = "|".join([*sorted(CUES_BEFORE), *(f"{a} {b}" for a, b in sorted(CUES_BEFORE_PAIRS))])
_LOWERCASE_AFTER_CUE = re.compile(rf"(?i:\b(?:{_CUE_WORDS})) ([a-z][a-z'-]+)\b")
