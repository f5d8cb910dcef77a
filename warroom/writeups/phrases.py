"""The blaming phrases the blameless-language check flags, as data (docs/postmortems.md lists
them). Each rule is a pattern, matched case-insensitively as whole words, a message that
follows the quoted match, and a neutral rewording to suggest.

`needs` narrows a rule to a context, any one of:
- person_before: a person, a stand-in or a group of people is the subject ("Alice failed to",
  "the on-call engineer broke", "we failed to"); "the health check failed to" is not blame;
- named_before: the subject is a person named, a stand-in or a pronoun ("Alice should have",
  "he should have"), not a role or "we" ("the scribe should have a template" asks for one);
- participle_after: a look back in hindsight ("should have checked", "should have known"),
  unlike a wish for something ("we should have alerts");
- person_after: a person follows ("a mistake by Alice").
`unless_before`: words just before that make the phrase harmless ("git blame", "don't forget").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

NEEDS = ("person_before", "named_before", "participle_after", "person_after")

# Who stands for one person: pronouns, stand-ins the redactor hands out, roles and job titles.
_PEOPLE_NOUNS = (
    r"on-?call(?:\s+engineer)?|engineer|developer|dev|operator|admin|administrator|sre|intern"
    r"|reviewer|author|responder|employee|person|contractor|teammate|colleague|human|new\s+hire"
    r"|incident\s+commander|commander|communications\s+lead|scribe|marketing\s+contact"
    r"|support\s+engineer|manager|lead"
)
NAMED_SUBJECT = r"i|he|she|you|(?:engineer|contact)\s+\d+"
INDIVIDUAL_SUBJECT = (
    rf"{NAMED_SUBJECT}|someone|somebody"
    rf"|(?:the|an?|our|their|his|her|one|another|that|this)\s+(?:{_PEOPLE_NOUNS})"
)
GROUP_SUBJECT = (
    r"we|they|(?:the|our|their|that)\s+(?:(?:ops|on-?call|dev|sre|support)\s+)?"
    r"(?:team|engineers|developers|operators|admins|people|responders)"
)
PERSON_OBJECT = rf"him|her|them|me|us|you|someone|somebody|{INDIVIDUAL_SUBJECT}|{GROUP_SUBJECT}"

# Past participles that do not end in -ed; and words that end in -ed but are not participles.
_IRREGULAR = set(
    "been had known seen done caught run taken written gone made built read set put left told "
    "given found kept thought shut sent spent held brought understood chosen driven begun drawn "
    "shown woken frozen spoken hidden forgotten gotten got undone let hit cut rerun shed".split()
)
_NOT_PARTICIPLES = set("need speed feed seed bleed breed embed hundred".split())


def is_participle(word: str) -> bool:
    word = word.lower()
    if word in _IRREGULAR:
        return True
    return word.endswith("ed") and len(word) > 3 and word not in _NOT_PARTICIPLES


@dataclass(frozen=True)
class Rule:
    pattern: str
    message: str
    suggest: str
    needs: tuple[str, ...] = ()
    unless_before: re.Pattern[str] | None = None
    regex: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        unknown = set(self.needs) - set(NEEDS)
        if unknown:
            raise ValueError(f"unknown needs {unknown} in rule {self.pattern!r}")
        whole_words = rf"(?<![\w-])(?:{self.pattern})(?![\w-])"
        object.__setattr__(self, "regex", re.compile(whole_words, re.IGNORECASE))


def _before(pattern: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w-])(?:{pattern})\s+\Z", re.IGNORECASE)


_NOT = r"(?:\s+not|n['’]?t)"
_JUDGES = "judges a person instead of the conditions they worked in"

RULES: list[Rule] = [
    Rule(
        r"fail(?:ed|s)?\s+to|failed\s+in",
        "after a person blames them for what happened",
        "say what the system or process did not do: “the alert did not fire”, "
        "“the runbook did not cover …”",
        needs=("person_before",),
    ),
    Rule(
        rf"should{_NOT}?\s+have|should['’]ve",
        "judges a past decision with hindsight",
        "describe what the system or process lacked: “the process did not …”",
        needs=("participle_after", "named_before"),
    ),
    Rule(
        r"human\s+error|operator\s+error|user\s+error|pilot\s+error",
        "stops at a person instead of the conditions that allowed the error",
        "say what the tooling allowed: “the tooling allowed …”",
    ),
    Rule(
        r"forgot(?:ten)?(?:\s+to)?|forgets(?:\s+to)?|forgetting(?:\s+to)?",
        "blames a person's memory instead of the process",
        "name the missing step: “the checklist did not include …”",
        unless_before=_before(r"don['’]?t|do\s+not|never|not"),
    ),
    Rule(
        r"careless(?:ly|ness)?",
        _JUDGES,
        "describe what made the slip easy: “the interface made it easy to …”",
    ),
    Rule(
        rf"did{_NOT}\s+bother|could{_NOT}\s+be\s+bothered",
        "assumes a lack of care",
        "name the missing step: “the runbook did not require …”",
    ),
    Rule(
        r"negligen(?:t|tly|ce)",
        "assumes a lack of care",
        "describe the missing safeguard: “no safeguard prevented …”",
    ),
    Rule(
        r"the\s+fault\s+of|(?:his|her|their|my|your)\s+fault|\w+['’]s\s+fault",
        "assigns fault to someone",
        "describe the contributing factors: “contributing factors were …”",
    ),
    Rule(
        r"blam(?:e|ed|es|ing)",
        "assigns blame",
        "describe causes, not culprits: “contributing factors were …”",
        unless_before=_before(
            r"git|svn|hg|no|without|not\s+to|(?:nobody|no\s+one|no-one)\s+(?:is|was)\s+to"
        ),
    ),
    Rule(
        r"sloppy|sloppi(?:ly|ness)",
        _JUDGES,
        "describe the gap in the process: “the review did not cover …”",
    ),
    Rule(
        r"incompeten(?:t|tly|ce)",
        _JUDGES,
        "describe the missing knowledge: “the runbook did not explain …”",
    ),
    Rule(
        r"lazy|laziness|reckless(?:ly|ness)?",
        _JUDGES,
        "describe the conditions: “the procedure did not require …”",
    ),
    Rule(
        r"dropped\s+the\s+ball|messed\s+up|screwed\s+up",
        _JUDGES,
        "say what happened and what the process lacked: “the handover did not include …”",
    ),
    Rule(
        r"mistakes?\s+(?:made\s+)?by",
        "names a person as the cause",
        "describe the action and its context: “the command ran against …”",
        needs=("person_after",),
    ),
    Rule(
        r"broke|broken|breaks|caused",
        "with a person as subject names them as the cause",
        "name the change, not the person: “the change to … broke …”",
        needs=("person_before",),
    ),
]
