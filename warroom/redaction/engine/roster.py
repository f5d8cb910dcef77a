"""Finding roster people in every form they are written: full name, first or last name alone,
username, alias, in any letter case and with or without accents."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import ahocorasick

from warroom.redaction.engine.lexicon import EPONYM_NOUNS, Lexicon
from warroom.redaction.engine.people import Person
from warroom.redaction.engine.text import fold

# After a word that is also a name ("Will", "Page", "June") at the start of a sentence, these
# say it is the person: "Will restarted db1", "Page says", "Mark and June will pair".
NAME_CUES_AFTER = {
    "and",
    "&",
    "is",
    "was",
    "has",
    "had",
    "will",
    "can",
    "could",
    "would",
    "says",
    "said",
    "thinks",
    "found",
    "asked",
    "asks",
    "confirmed",
    "confirms",
    "wants",
    "wrote",
    "took",
    "takes",
    "is on",
    "joined",
    "left",
    "restarted",
    "rolled",
    "ran",
    "paged",
    "pinged",
    "sees",
    "saw",
    "needs",
    "approved",
    "merged",
    "deployed",
    "reverted",
    "noticed",
    "reported",
    "fixed",
    "owns",
    "handles",
    "here",
    "back",
    "out",
    "on",
    "to",
    "with",
    "from",
    "via",
    "cc",
    "did",
    "does",
    "got",
    "gets",
    "put",
    "puts",
    "set",
    "sets",
    "made",
    "makes",
    "went",
    "goes",
    "knows",
    "knew",
    "drafts",
    "pushes",
    "acks",
    "fixes",
    "runs",
    "checks",
    "says:",
    "pushed",
    "is:",
    "should",
    "might",
}
MONTH_WORDS = {"january", "february", "march", "april", "may", "june", "july", "august"}
MONTH_CONTEXT = {
    "in",
    "since",
    "until",
    "till",
    "by",
    "of",
    "early",
    "mid",
    "late",
    "next",
    "last",
    "this",
    "during",
    "before",
    "after",
    "from",
    "through",
    "the",
    "a",
    "our",
    "that",
}
SENTENCE_END = ".!?:;\n"


@dataclass(frozen=True)
class _Form:
    length: int
    key: str
    ambiguous: bool  # also an ordinary word: needs capitals and context
    exact: str | None  # short forms (MJ, JL) match only as written


def _word_char(c: str) -> bool:
    return c.isalnum() or c in "_-"


def at_sentence_start(text: str, start: int) -> bool:
    i = start - 1
    while i >= 0 and text[i] in " \t*_>#-–•\"'(":
        i -= 1
    return i < 0 or text[i] in SENTENCE_END


def next_word(text: str, end: int) -> str:
    rest = text[end : end + 40].lstrip(" *_")
    if not rest:
        return ""
    if not rest[0].isalnum():
        return rest[0]
    word = []
    for c in rest:
        if not (c.isalnum() or c in "'’"):
            break
        word.append(c)
    return "".join(word).lower()


def previous_word(text: str, start: int) -> str:
    """The word before `start`, skipping spaces and one full stop ("Dr. X" → "dr")."""
    before = text[max(0, start - 30) : start].rstrip(" ")
    if before.endswith("."):
        before = before[:-1]
    word = []
    for c in reversed(before):
        if not c.isalnum():
            break
        word.append(c)
    return "".join(reversed(word)).lower()


def is_boundary(text: str, start: int, end: int) -> bool:
    """The match is a whole word: not part of a longer word, a hostname, a path or a handle."""
    if start > 0:
        before = text[start - 1]
        if _word_char(before) or before in "@/\\":
            return False
        if before == "." and start > 1 and text[start - 2].isalnum():
            return False
    if end < len(text):
        after = text[end]
        if _word_char(after) or after in "/\\@":
            return False
        if after == "." and end + 1 < len(text) and text[end + 1].isalnum():
            return False
    return True


def _ambiguous_is_name(text: str, start: int, end: int) -> bool:
    """A roster form that is also a word counts as the person only when written like a name."""
    word = text[start:end]
    if not word[0].isupper():
        # "dawn can you drop the link", "hunter pls approve": addressed by name at the start.
        return at_sentence_start(text, start) and VOCATIVE.match(text[end : end + 12]) is not None
    # "JPMorgan Chase", "Wells Fargo and Chase": part of a longer proper noun.
    if re.search(r"(?<![\w:])[A-Z][\w'’-]* (?:& )?$", text[max(0, start - 30) : start]):
        return False
    folded = fold(word)
    if folded in MONTH_WORDS:
        following = next_word(text, end)
        if previous_word(text, start) in MONTH_CONTEXT or following[:1].isdigit():
            return False
    if at_sentence_start(text, start):
        return followed_by_verb(text, end)
    return True


def is_eponym(text: str, end: int) -> bool:
    """ "Murphy's law", "Fisher's exact test": a name that names a thing, not a person."""
    if text[end : end + 2] not in ("'s", "’s"):
        return False
    following = text[end + 2 : end + 40].split()
    return any(w.strip(".,:;") in EPONYM_NOUNS for w in following[:2])


def followed_by_verb(text: str, end: int) -> bool:
    """'Mark marked the job', 'Will will take IC', 'Dawn hands IC to': the next word acts like a
    verb. (A noun in -s, "Page views dropped", is taken for a verb: better a word too many
    redacted than a person named.)"""
    following = next_word(text, end)
    if following in NAME_CUES_AFTER or following in ",:'’" or VOCATIVE.match(text[end : end + 12]):
        return True
    if following.endswith(("ed", "ing")):
        return True
    # "Dawn hands IC to …", "Will takes the pager": a verb in -s takes an object; a plural noun
    # ("Price alerts and …", "Young merchants (…)") does not.
    if following.endswith("s") and not following.endswith("ss") and following not in NOT_VERBS:
        after = text[end:].lstrip(" *_").split(None, 2)[1:2]
        return bool(after) and (
            after[0] in OBJECT_STARTS or after[0][:1].isupper() or after[0][:1].isdigit()
        )
    return False


NOT_VERBS = {"this", "his", "its", "was", "is", "has", "does", "us", "yes", "thus", "plus", "as"}
OBJECT_STARTS = {
    "the",
    "a",
    "an",
    "it",
    "them",
    "over",
    "up",
    "out",
    "to",
    "on",
    "off",
    "our",
    "their",
    "this",
    "that",
    "all",
    "back",
    "in",
    "down",
    "him",
    "her",
}


VOCATIVE = re.compile(r"\W{0,2} ?(?:,|:|can you|could you|pls|please)", re.IGNORECASE)


class RosterMatcher:
    def __init__(self, people: list[Person], lexicon: Lexicon, extra_names: dict[str, str]):
        """`extra_names`: folded text → key, for names a responder added by hand."""
        self.automaton = ahocorasick.Automaton()
        forms: dict[str, _Form] = {}
        for person in people:
            for form in person.name_forms():
                folded = fold(form)
                # A form that is also a very common word ("will", "dawn") must be written like
                # a name; a rarer one ("chen", "glee") is the person whatever the case.
                ambiguous = " " not in folded and folded in lexicon.very_common
                exact = form if len(form) <= 3 else None
                # A full name beats a part of it; the first person listed wins a shared form.
                if folded not in forms or forms[folded].length < len(folded):
                    forms[folded] = _Form(len(folded), person.key, ambiguous, exact)
        for folded, key in extra_names.items():
            forms[folded] = _Form(len(folded), key, False, None)
        for folded, entry in forms.items():
            self.automaton.add_word(folded, entry)
        self.place_phrases = lexicon.place_phrases
        self.empty = not forms
        if not self.empty:
            self.automaton.make_automaton()

    def find(self, text: str, folded: str) -> Iterator[tuple[int, int, str]]:
        """(start, end, person key) for each roster form in the text."""
        if self.empty:
            return
        for last, form in self.automaton.iter(folded):
            end = last + 1
            start = end - form.length
            if not is_boundary(text, start, end):
                continue
            if form.exact is not None and text[start:end] != form.exact:
                continue
            if form.ambiguous and not _ambiguous_is_name(text, start, end):
                continue
            if self._names_a_thing(text, folded, start, end):
                continue
            yield start, end, form.key

    def _names_a_thing(self, text: str, folded: str, start: int, end: int) -> bool:
        """'Murphy's law', 'Costa Rica', 'Ernst & Young': the name is part of something else."""
        if is_eponym(text, end):
            return True
        after = folded[end : end + 30].split(" ", 2)
        before = folded[max(0, start - 30) : start].rsplit(" ", 3)
        candidates = [
            " ".join([folded[start:end], *after[1:2]]),
            " ".join([*before[-2:-1], folded[start:end]]),
            " ".join([*before[-3:-1], folded[start:end]]),
        ]
        return any(c.strip(" .,;:()") in self.place_phrases for c in candidates if " " in c.strip())
