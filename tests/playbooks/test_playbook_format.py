"""The playbook file format on its own: no database."""

import json
import re
from datetime import timedelta
from textwrap import dedent, indent

import pytest
import yaml

from warroom.playbooks.actions import ACTIONS
from warroom.playbooks.actions.remind_update import DEFAULT_CADENCE
from warroom.playbooks.format import (
    ENTRY_KINDS,
    Action,
    Playbook,
    PlaybookError,
    Step,
    Trigger,
    default_playbook,
    duration,
    format_duration,
    load,
    load_file,
)
from warroom.playbooks.params import ROLES, SEVERITIES, STATUSES

HEAD = """\
name: test
version: 1
steps:
  - id: first
    title: First
    owner: commander
    trigger: declare
"""


def second(body: str) -> Step:
    """The step `body` (its keys, without the id), loaded as the second step of a playbook."""
    return load(HEAD + "  - id: second\n" + indent(dedent(body), "    ")).step("second")


def marked(text: str) -> tuple[str, int]:
    """The text without its `# <-` marker, and the number of the line that carried it."""
    text = dedent(text)
    line = next(i for i, row in enumerate(text.splitlines(), 1) if "# <-" in row)
    return text.replace("  # <-", "").replace("# <-", ""), line


# ---- the default playbook ------------------------------------------------------------------


def test_the_default_playbook_covers_every_guideline_step():
    playbook = default_playbook()
    assert {step.guideline for step in playbook.steps} >= {f"G{n}" for n in range(1, 18)}
    assert playbook.version >= 1
    for step in playbook.steps:
        assert step.title and step.description, step.id


@pytest.mark.parametrize(
    "step_id, guideline, owner, trigger, action, done, severities",
    [
        ("open_war_room", "G1", "commander", "declare", "open_war_room", "action", SEVERITIES),
        ("open_public_page", "G2", "commander", "declare", "open_public_page", "action", SEVERITIES),
        ("write_timeline", "G3", "scribe", "declare", None, "entry:event", SEVERITIES),
        ("record_hypotheses", "G4", "responder", "declare", None, "entry:hypothesis", SEVERITIES),
        ("check_blameless", "G5", "communications", "declare", None, "manual", SEVERITIES),
        ("announce", "G6", "communications", "declare", "announce", "action", ("S1", "S2")),
        ("page_marketing", "G7", "communications", "declare", "page_marketing", "ack", ("S1", "S2")),
        ("keep_updating", "G8", "communications", "every 1m while open", "remind_update", "status:resolved", SEVERITIES),
        ("export_issue", "G9", "commander", "resolve", "export_issue", "action", ("S1", "S2")),
        ("decide_blog_post", "G10", "marketing", "resolve", "request_decision", "decision:blog_post", ("S1", "S2")),
        ("live_stream", "G11", "commander", "declare", "live_stream", "decision:live_stream", ("S1", "S2")),
        ("draft_blog_post", "G12", "marketing", "resolve", None, "manual", ("S1", "S2")),
        ("handover_posting", "G13", "marketing", "declare", "handover", "manual", ("S1", "S2")),
        ("assess_impact", "G14", "communications", "declare", "assess_impact", "manual", SEVERITIES),
        ("support_briefing", "G15", "support", "declare", "support_briefing", "action", SEVERITIES),
        ("support_update_identified", "G15", "support", "status:identified", "support_briefing", "action", SEVERITIES),
        ("name_communications", "G16", "commander", "declare", "require_role", "role:communications", ("S1", "S2")),
        ("postmortem", "G17", "commander", "resolve", "postmortem", "status:postmortem", SEVERITIES),
        ("announce_overdue", "G6", "commander", "after 10m unless announce done", None, "manual", ("S1", "S2")),
    ],
)  # fmt: skip
def test_the_default_playbook_step(step_id, guideline, owner, trigger, action, done, severities):
    step = default_playbook().step(step_id)
    assert (step.guideline, step.owner, step.done) == (guideline, owner, done)
    assert str(step.trigger) == trigger
    assert (step.action.name if step.action else None) == action
    assert step.severities == severities


def test_the_default_reminder_cadence_is_the_guideline_s():
    params = default_playbook().step("keep_updating").action.params
    minutes = {
        status: [params["cadence"][status][s] / timedelta(minutes=1) for s in SEVERITIES]
        for status in ("investigating", "identified", "monitoring")
    }
    assert minutes == {
        "investigating": [10, 15, 15, 15],
        "identified": [10, 30, 30, 30],
        "monitoring": [30, 60, 60, 60],
    }
    assert params["cadence"] == DEFAULT_CADENCE
    assert params["escalate_after"] == "same"


def test_the_format_names_the_same_statuses_roles_and_kinds_as_the_models():
    from warroom.incidents.models import Role, Severity, Status
    from warroom.timeline.models import Kind

    assert tuple(Status.values) == STATUSES
    assert tuple(Severity.values) == SEVERITIES
    assert tuple(Role.values) == ROLES
    assert tuple(Kind.values) == ENTRY_KINDS


# ---- triggers ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "written, expected",
    [
        ("declare", Trigger("declare")),
        ("resolve", Trigger("resolve")),
        ('"status:identified"', Trigger("status", status="identified")),
        ("status:monitoring", Trigger("status", status="monitoring")),
        ('"status: resolved"', Trigger("status", status="resolved")),
        ("{status: investigating}", Trigger("status", status="investigating")),
        ('"every 30m while open"', Trigger("every", interval=timedelta(minutes=30))),
        ('"every: 30m while open"', Trigger("every", interval=timedelta(minutes=30))),
        ("every 15 min", Trigger("every", interval=timedelta(minutes=15))),
        ("{every: 30m}", Trigger("every", interval=timedelta(minutes=30))),
        ("{every: 1h, while: open}", Trigger("every", interval=timedelta(hours=1))),
        ('"after 15m unless first done"', Trigger("after", interval=timedelta(minutes=15), unless="first")),
        ("{after: 15m, unless: first}", Trigger("after", interval=timedelta(minutes=15), unless="first")),
        ("after 1h30m", Trigger("after", interval=timedelta(minutes=90))),
    ],
)  # fmt: skip
def test_each_trigger_syntax_parses(written, expected):
    assert second(f"title: T\nowner: scribe\ntrigger: {written}").trigger == expected


def test_a_trigger_reads_back_in_its_canonical_form():
    trigger = Trigger("after", interval=timedelta(minutes=15), unless="announce")
    assert str(trigger) == "after 15m unless announce done"
    assert str(Trigger("every", interval=timedelta(seconds=90))) == "every 1m30s while open"


# ---- durations -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("30m", timedelta(minutes=30)),
        ("15 min", timedelta(minutes=15)),
        ("1h", timedelta(hours=1)),
        ("90s", timedelta(seconds=90)),
        ("1h30m", timedelta(minutes=90)),
        ("1 hour 30 minutes", timedelta(minutes=90)),
        ("2 hours", timedelta(hours=2)),
        ("1d", timedelta(days=1)),
        (" 45 secs ", timedelta(seconds=45)),
    ],
)
def test_durations(text, expected):
    assert duration(text) == expected
    assert duration(format_duration(expected)) == expected


@pytest.mark.parametrize(
    "text", ["", "30", "m", "0m", "-5m", "1.5h", "30 x", "15 minx", "1h1h", 30]
)
def test_a_bad_duration_is_refused(text):
    with pytest.raises(PlaybookError, match="bad duration"):
        duration(text)


# ---- actions -------------------------------------------------------------------------------


def test_action_params_get_their_defaults():
    step = second(
        """\
        title: T
        owner: communications
        trigger: declare
        action: announce
        """
    )
    action = step.action
    assert action == Action(
        "announce",
        {
            "channels": ["x", "mastodon", "bluesky"],
            "approval": "communications",
            "template": "We are investigating {title}. Follow along: {public_url}",
        },
    )
    assert step.done == "action"  # a step with an action is done by it


def test_every_action_loads_with_its_defaults_alone():
    required = {"request_decision": {"topic": "blog_post", "question": "Blog post?"}}
    for name in ACTIONS:
        params = json.dumps(required.get(name, {}))
        step = second(f"title: T\nowner: commander\ntrigger: declare\naction: {{{name}: {params}}}")
        assert step.action.name == name


def test_page_marketing_leaves_the_escalation_to_the_roster_unless_given():
    params = second(
        "title: T\nowner: communications\ntrigger: declare\naction: page_marketing"
    ).action.params
    assert params == {"ack_timeout": timedelta(minutes=15)}
    given = second(
        "title: T\nowner: communications\ntrigger: declare\n"
        "action: {page_marketing: {escalation: [mjansen, achen], ack_timeout: 5 min}}"
    ).action.params
    assert given == {"escalation": ["mjansen", "achen"], "ack_timeout": timedelta(minutes=5)}


def test_a_cadence_given_in_part_keeps_the_default_for_the_rest():
    params = second(
        """\
        title: T
        owner: communications
        trigger: every 1m while open
        action:
          remind_update:
            cadence:
              identified: {S1-S2: 5m, S3-S4: 2h}
            escalate_after: 10m
        """
    ).action.params
    assert params["cadence"]["identified"] == dict(
        S1=timedelta(minutes=5),
        S2=timedelta(minutes=5),
        S3=timedelta(hours=2),
        S4=timedelta(hours=2),
    )
    assert params["cadence"]["monitoring"] == DEFAULT_CADENCE["monitoring"]
    assert params["escalate_after"] == timedelta(minutes=10)


def test_yes_and_no_stay_words():
    params = second(
        "title: T\nowner: marketing\ntrigger: resolve\n"
        "action: {request_decision: {topic: blog_post, question: 'Blog?', options: [yes, no, later]}}"
    ).action.params
    assert params["options"] == ["yes", "no", "later"]


# ---- round trip ----------------------------------------------------------------------------


def test_to_dict_is_json_and_round_trips_through_from_dict():
    playbook = default_playbook()
    data = json.loads(json.dumps(playbook.to_dict()))
    assert Playbook.from_dict(data) == playbook


def test_to_dict_is_itself_a_valid_playbook_file():
    playbook = default_playbook()
    assert load(yaml.safe_dump(playbook.to_dict(), sort_keys=False)) == playbook


def test_from_dict_checks_like_load_but_has_no_lines():
    data = default_playbook().to_dict()
    data["steps"][2]["trigger"] = "evry 30m"
    with pytest.raises(PlaybookError) as raised:
        Playbook.from_dict(data)
    assert raised.value.line is None
    assert raised.value.path == "steps[2].trigger"
    assert str(raised.value).startswith(
        "stored playbook: steps[2].trigger: unknown trigger 'evry 30m'"
    )


def test_step_helpers():
    playbook = default_playbook()
    assert playbook.step("keep_updating").done_condition == ("status", "resolved")
    assert playbook.step("check_blameless").done_condition == ("manual", None)
    assert playbook.step("announce").applies_to("S1")
    assert not playbook.step("announce").applies_to("S3")
    with pytest.raises(KeyError):
        playbook.step("nope")


# ---- errors, with the line they point at ---------------------------------------------------


INVALID = {
    "unknown key": (
        """\
        name: t
        version: 1
        steps:
          - id: a
            title: A
            owner: commander
            colour: red  # <-
            trigger: declare
        """,
        "steps[0].colour: unknown key 'colour'",
    ),
    "unknown top-level key": (
        """\
        name: t
        version: 1
        authors: [me]  # <-
        steps: [{id: a, title: A, owner: scribe, trigger: declare}]
        """,
        "authors: unknown key 'authors'",
    ),
    "bad trigger": (
        """\
        name: t
        version: 1
        steps:
          - id: a
            title: A
            owner: commander
            trigger: evry 30m  # <-
        """,
        "steps[0].trigger: unknown trigger 'evry 30m' (use declare, status:<status>, resolve, "
        "every <duration> while open, after <duration> unless <step> done)",
    ),
    "unknown status": (
        """\
        name: t
        version: 1
        steps:
          - {id: a, title: A, owner: commander, trigger: "status:fixed"}  # <-
        """,
        "steps[0].trigger: unknown status 'fixed'",
    ),
    "duplicate id": (
        """\
        name: t
        version: 1
        steps:
          - id: a
            title: A
            owner: commander
            trigger: declare
          - id: a  # <-
            title: B
            owner: scribe
            trigger: resolve
        """,
        "steps[1].id: step id 'a' is used twice",
    ),
    "id not a slug": (
        """\
        name: t
        version: 1
        steps:
          - id: Open War Room  # <-
            title: A
            owner: commander
            trigger: declare
        """,
        "steps[0].id: 'Open War Room' is not a short lower-case name",
    ),
    "unknown action": (
        """\
        name: t
        version: 1
        steps:
          - id: a
            title: A
            owner: commander
            trigger: declare
            action: tweet  # <-
        """,
        "steps[0].action: unknown action 'tweet'",
    ),
    "unknown action with params": (
        """\
        name: t
        version: 1
        steps:
          - id: a
            title: A
            owner: commander
            trigger: declare
            action:
              tweet:  # <-
                text: hi
        """,
        "steps[0].action.tweet: unknown action 'tweet'",
    ),
    "unknown param": (
        """\
        name: t
        version: 1
        steps:
          - id: a
            title: A
            owner: commander
            trigger: declare
            action:
              announce:
                channels: [x]
                channel: mastodon  # <-
        """,
        "steps[0].action.announce.channel: unknown param 'channel' (use channels, approval, template)",
    ),
    "param of the wrong type": (
        """\
        name: t
        version: 1
        steps:
          - id: a
            title: A
            owner: commander
            trigger: declare
            action:
              export_issue:
                labels: outage  # <-
        """,
        "steps[0].action.export_issue.labels: expected a list, not text",
    ),
    "missing param": (
        """\
        name: t
        version: 1
        steps:
          - id: a
            title: A
            owner: marketing
            trigger: resolve
            action:
              request_decision:  # <-
                topic: blog_post
        """,
        "steps[0].action.request_decision: request_decision needs 'question'",
    ),
    "unknown template field": (
        """\
        name: t
        version: 1
        steps:
          - id: a
            title: A
            owner: communications
            trigger: declare
            action:
              announce:
                template: "Down: {title} {war_room_url}"  # <-
        """,
        "unknown template field {war_room_url}",
    ),
    "bad duration in a trigger": (
        """\
        name: t
        version: 1
        steps:
          - id: a
            title: A
            owner: commander
            trigger: {every: 30}  # <-
        """,
        "steps[0].trigger.every: bad duration 30: give a unit",
    ),
    "bad duration in params": (
        """\
        name: t
        version: 1
        steps:
          - id: a
            title: A
            owner: communications
            trigger: every 1m while open
            action:
              remind_update:
                cadence:
                  identified:
                    S1: 10m
                    S2: half an hour  # <-
        """,
        "steps[0].action.remind_update.cadence.identified.S2: bad duration 'half an hour'",
    ),
    "unless pointing nowhere": (
        """\
        name: t
        version: 1
        steps:
          - id: a
            title: A
            owner: commander
            trigger: after 10m unless announce done  # <-
        """,
        "steps[0].trigger.unless: 'unless' names no step: 'announce'",
    ),
    "unless pointing nowhere, mapping form": (
        """\
        name: t
        version: 1
        steps:
          - id: a
            title: A
            owner: commander
            trigger:
              after: 10m
              unless: announce  # <-
        """,
        "steps[0].trigger.unless: 'unless' names no step: 'announce'",
    ),
    "unless on a step that skips some severities": (
        """\
        name: t
        version: 1
        steps:
          - {id: announce, title: A, owner: communications, trigger: declare, severities: [S1, S2]}
          - {id: nag, title: N, owner: commander, trigger: after 10m unless announce done}  # <-
        """,
        "step 'announce' never runs for S3, S4",
    ),
    "unknown owner": (
        """\
        name: t
        version: 1
        steps:
          - id: a
            title: A
            owner: ceo  # <-
            trigger: declare
        """,
        "steps[0].owner: unknown role 'ceo'",
    ),
    "unknown severity": (
        """\
        name: t
        version: 1
        steps:
          - id: a
            title: A
            owner: commander
            trigger: declare
            severities: [S1, S5]  # <-
        """,
        "steps[0].severities[1]: unknown severity 'S5'",
    ),
    "unknown done": (
        """\
        name: t
        version: 1
        steps:
          - id: a
            title: A
            owner: commander
            trigger: declare
            done: finished  # <-
        """,
        "steps[0].done: unknown done condition 'finished'",
    ),
    "done by an action that is not there": (
        """\
        name: t
        version: 1
        steps:
          - id: a
            title: A
            owner: commander
            trigger: declare
            done: action  # <-
        """,
        "'done: action' needs an action",
    ),
    "missing title": (
        """\
        name: t
        version: 1
        steps:
          - id: a  # <-
            owner: commander
            trigger: declare
        """,
        "steps[0]: missing 'title'",
    ),
    "a key given twice": (
        """\
        name: t
        version: 1
        steps:
          - id: a
            title: A
            owner: commander
            trigger: declare
            title: B  # <-
        """,
        "steps[0].title: key 'title' given twice",
    ),
    "version not a number": (
        """\
        name: t
        version: one  # <-
        steps: [{id: a, title: A, owner: scribe, trigger: declare}]
        """,
        "version: expected a whole number",
    ),
    "empty steps": (
        """\
        name: t
        version: 1
        steps: []  # <-
        """,
        "steps: expected a non-empty list of steps",
    ),
    "YAML syntax error": (
        """\
        name: t
        version: 1
        steps:
          - id: a
            title: A: B  # <-
        """,
        "YAML syntax error: mapping values are not allowed here",
    ),
    "a python tag": (
        """\
        name: t
        version: 1
        steps:
          - id: a
            title: !!python/object/apply:os.system [ls]  # <-
        """,
        "steps[0].title: cannot read this value",
    ),
}


@pytest.mark.parametrize("case", INVALID)
def test_an_invalid_playbook_is_refused_with_the_line_of_the_problem(case):
    text, message = INVALID[case]
    text, line = marked(text)
    with pytest.raises(PlaybookError) as raised:
        load(text, source="mine.yaml")
    assert raised.value.line == line, str(raised.value)
    assert str(raised.value).startswith(f"mine.yaml:{line}: "), str(raised.value)
    assert message in str(raised.value)


def test_an_empty_file_is_refused():
    with pytest.raises(PlaybookError, match="the file is empty"):
        load("")


def test_an_error_carries_its_parts():
    with pytest.raises(PlaybookError) as raised:
        load(HEAD.replace("trigger: declare", "trigger: evry 30m"))
    error = raised.value
    assert (error.line, error.path, error.source) == (7, "steps[0].trigger", "playbook.yaml")
    assert error.message.startswith("unknown trigger 'evry 30m'")


def test_load_file_names_the_file(tmp_path):
    path = tmp_path / "ours.yaml"
    path.write_text(HEAD, encoding="utf-8")
    assert load_file(path).step("first").title == "First"
    path.write_text(HEAD + "    owner: scribe\n", encoding="utf-8")
    with pytest.raises(
        PlaybookError, match="^" + re.escape(f"{path}:8: steps[0].owner: key 'owner' given twice")
    ):
        load_file(path)
    with pytest.raises(PlaybookError, match="cannot read the file"):
        load_file(tmp_path / "missing.yaml")
