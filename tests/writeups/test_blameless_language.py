"""The blameless-language check (issue 7, G17): sentences with known answers, and the offline
`warroom blameless-check` verb. Pure Python: no database."""

import json

import pytest
from click.testing import CliRunner

from warroom.cli.main import cli
from warroom.redaction.engine import Context, Person, Redactor
from warroom.writeups.language import check
from warroom.writeups.phrases import RULES

ROSTER = [
    {"name": "Alice Chen", "username": "achen", "email": "alice@example.com"},
    {"name": "Bob Smith", "username": "bsmith"},
    {"name": "Marta Jansen", "username": "mjansen"},
]


def roster_redactor() -> Redactor:
    return Redactor(Context(people=[Person.from_dict(p) for p in ROSTER]))


def found(text: str, redactor: Redactor | None = None) -> list[tuple]:
    return [(f.line, f.column, f.kind, f.text) for f in check(text, redactor=redactor)]


# (sentence, findings as (line, column, kind, matched text)), with the roster above.
BLAMING = [
    (
        "Alice failed to rotate the certificate.",
        [(1, 1, "name", "Alice"), (1, 7, "blame", "failed to")],
    ),
    ("The on-call engineer failed to acknowledge the page.", [(1, 22, "blame", "failed to")]),
    ("Engineer 1 failed to page the database team.", [(1, 12, "blame", "failed to")]),
    ("We failed to notice the disk filling up.", [(1, 4, "blame", "failed to")]),
    (
        "Marta and Bob Smith failed to hand over.",
        [(1, 1, "name", "Marta"), (1, 11, "name", "Bob Smith"), (1, 21, "blame", "failed to")],
    ),
    (
        "Alice should have checked the replica lag.",
        [(1, 1, "name", "Alice"), (1, 7, "blame", "should have")],
    ),
    ("Alice should have", [(1, 1, "name", "Alice"), (1, 7, "blame", "should have")]),
    ("we should have noticed the lag earlier", [(1, 4, "blame", "should have")]),
    ("The incident commander should have known.", [(1, 24, "blame", "should have")]),
    ("The runbook should've mentioned the flag.", [(1, 13, "blame", "should've")]),
    ("It was human error.", [(1, 8, "blame", "human error")]),
    ("HUMAN ERROR caused the outage.", [(1, 1, "blame", "HUMAN ERROR")]),
    (
        "Marta forgot to renew the certificate.",
        [(1, 1, "name", "Marta"), (1, 7, "blame", "forgot to")],
    ),
    (
        "All good here.\n\nLater, Marta simply forgot.",
        [(3, 8, "name", "Marta"), (3, 21, "blame", "forgot")],
    ),
    ("The engineer was careless with the flags.", [(1, 18, "blame", "careless")]),
    ("He didn't bother to read the alert.", [(1, 4, "blame", "didn't bother")]),
    ("Leaving the port open was negligent.", [(1, 27, "blame", "negligent")]),
    ("It was the fault of the deploy tooling.", [(1, 8, "blame", "the fault of")]),
    ("It was Marta's fault.", [(1, 8, "name", "Marta"), (1, 8, "blame", "Marta's fault")]),
    ("Who is to blame? That is the wrong question.", [(1, 11, "blame", "blame")]),
    (
        "The team was sloppy, and Alice blamed the vendor.",
        [(1, 14, "blame", "sloppy"), (1, 26, "name", "Alice"), (1, 32, "blame", "blamed")],
    ),
    ("Sloppy code review let it through.", [(1, 1, "blame", "Sloppy")]),
    ("An incompetent change to the load balancer.", [(1, 4, "blame", "incompetent")]),
    ("A reckless deploy on Friday evening.", [(1, 3, "blame", "reckless")]),
    ("The on-call dropped the ball.", [(1, 13, "blame", "dropped the ball")]),
    ("It was a mistake by Alice.", [(1, 10, "blame", "mistake by"), (1, 21, "name", "Alice")]),
    ("Marta broke production.", [(1, 1, "name", "Marta"), (1, 7, "blame", "broke")]),
    ("Someone broke the build on Friday.", [(1, 9, "blame", "broke")]),
    ("They caused the outage by deploying on Friday.", [(1, 6, "blame", "caused")]),
    (
        "Contact alice@example.com or @bsmith.",
        [(1, 9, "name", "alice@example.com"), (1, 30, "name", "@bsmith")],
    ),
    ("Call +1 415 555 0100 if it happens again.", [(1, 6, "name", "+1 415 555 0100")]),
]

NEUTRAL = [
    "The health check failed to detect the dead replica.",  # a system as subject
    "The certificate renewal job failed to run.",
    "We should have alerts on disk usage.",  # a wish, not hindsight
    "The deploy pipeline should have a canary stage.",
    "The scribe should have a template for this.",  # a role, asked for something
    "The deploy broke the login page.",
    "Replication broke at 14:02 UTC.",
    "The alerts were broken for an hour.",
    "Disk I/O saturation caused the lag.",
    "Don't forget to update the runbook.",
    "Run `git blame` on the file to find the change.",  # inline code
    "We ran git blame on config.yaml.",
    "Nobody is to blame for this outage.",
    "This was a blameless review.",
    "A mistake by the parser truncated the file.",
    "Use:\n```\nalice should have checked\n```",  # a fenced block
    "See https://example.com/alice-forgot-to-renew for details.",  # a URL
    "Engineer 1 restarted db1 and the incident commander confirmed it.",  # stand-ins, no blame
    "The fault tolerance of the cluster held.",
    "Our monitoring did not alert on replica lag.",
    "What would have shown it sooner?",
]


@pytest.mark.parametrize(("text", "expected"), BLAMING, ids=[t for t, _ in BLAMING])
def test_blaming_sentences(text, expected):
    assert found(text, roster_redactor()) == expected


@pytest.mark.parametrize("text", NEUTRAL)
def test_neutral_sentences(text):
    assert found(text, roster_redactor()) == []


def test_every_rule_has_a_blaming_sentence():
    sentences = [text for text, _ in BLAMING]
    assert all(any(rule.regex.search(s) for s in sentences) for rule in RULES)


def test_without_a_redactor_names_off_the_roster_are_still_found():
    assert found("Hendrik Okoro failed to respond.") == [
        (1, 1, "name", "Hendrik Okoro"),
        (1, 15, "blame", "failed to"),
    ]
    # A roster person written in a form only the roster knows.
    assert found("The fix came from kmoon.") == []
    kestrel = Redactor(Context(people=[Person("kmoon", "Kestrel Moon")]))
    assert found("The fix came from kmoon.", kestrel) == [(1, 19, "name", "kmoon")]


@pytest.mark.parametrize(
    ("text", "suggests"),
    [
        (
            "We should have caught it.",
            "describe what the system or process lacked: “the process did not …”",
        ),
        ("It was human error.", "say what the tooling allowed: “the tooling allowed …”"),
        (
            "The on-call forgot to renew it.",
            "name the missing step: “the checklist did not include …”",
        ),
    ],
)
def test_blame_findings_suggest_a_neutral_rewording(text, suggests):
    [finding] = check(text)
    assert finding.suggestion == suggests
    assert finding.message.startswith(f"“{finding.text}” ")


def test_a_name_finding_suggests_the_standin_the_public_page_uses():
    [finding] = check("The fix came from Alice.", redactor=roster_redactor())
    assert finding.message == "“Alice” names a person: a blameless text names roles, not people"
    assert finding.suggestion == "write their role, or “Engineer 1” as the public page does"


# The CLI: `warroom blameless-check FILE|-`


def run(*args, input=None):
    return CliRunner().invoke(cli, ["blameless-check", *args], input=input)


def test_the_cli_prints_one_line_per_finding_and_exits_1(tmp_path):
    notes = tmp_path / "notes.md"
    notes.write_text("# Review\n\nThe health check failed to detect it.\nIt was human error.\n")
    result = run(str(notes))
    assert result.exit_code == 1
    assert result.output == (
        f"{notes}:4:8: blame: “human error” stops at a person instead of the conditions that "
        "allowed the error (suggest: say what the tooling allowed: “the tooling allowed …”)\n"
    )


def test_the_cli_exits_0_on_a_clean_text_and_reads_standard_input():
    result = run("-", input="The health check failed to detect the dead replica.\n")
    assert (result.exit_code, result.output) == (0, "")


def test_the_cli_exits_2_on_a_missing_file(tmp_path):
    result = run(str(tmp_path / "nope.md"))
    assert result.exit_code == 2
    assert f"{tmp_path / 'nope.md'}: no such file" in result.output


def test_the_cli_json_and_roster(tmp_path):
    roster = tmp_path / "roster.json"
    roster.write_text(json.dumps([{"name": "Kestrel Moon", "username": "kmoon"}]))
    result = run("-", "--json", "--roster", str(roster), input="Ask kmoon; kmoon forgot.")
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert data["file"] == "-"
    assert [(f["line"], f["column"], f["kind"], f["text"]) for f in data["findings"]] == [
        (1, 5, "name", "kmoon"),
        (1, 12, "name", "kmoon"),
        (1, 18, "blame", "forgot"),
    ]
    assert set(data["findings"][0]) == {"line", "column", "text", "kind", "message", "suggestion"}
    bad = run("-", "--roster", str(tmp_path / "missing.json"), input="x")
    assert bad.exit_code == 2
