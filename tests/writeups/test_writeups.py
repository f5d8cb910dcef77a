"""The blog post draft and the support briefing (issue 7, G10, G12, G15): golden files from a
fixed incident, what each may and may not contain, replaceable templates, a briefing through the
outbox on every status change, the REST endpoints, the CLI verbs and the dashboard page.

After an intended change of a template or of what it is given, regenerate the golden files and
review their diff:

    WARROOM_REGENERATE_GOLDEN=1 .venv/bin/pytest tests/test_writeups.py -k golden_file
"""

import json
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from conftest import client_for

from warroom.accounts.services import import_roster
from warroom.comms.models import Message
from warroom.comms.worker import run_pending
from warroom.flows import live_stream
from warroom.flows.declare import declare
from warroom.flows.roles import assign_role
from warroom.flows.status import change_status
from warroom.impact import periods as impact
from warroom.impact.models import Component
from warroom.impact.services import assess
from warroom.playbooks import engine
from warroom.playbooks import services as playbooks
from warroom.testing.factories import make_entry, make_incident
from warroom.writeups.blog import blog_markdown
from warroom.writeups.briefing import briefing_markdown

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("worker_keeps_the_test_connection")]

GOLDEN = Path(__file__).resolve().parents[1] / "data" / "golden"
T0 = datetime(2026, 11, 29, 10, 0, tzinfo=UTC)
ROSTER = [
    {"name": "Priya Nair", "username": "priya", "email": "priya@example.com", "team": "support"},
    {"name": "Kofi Mensah", "username": "kofi", "email": "kofi@example.com", "team": "infra"},
]
CUSTOMERS = ["ACME Corp", "Globex", "Initech"]
INTERNAL = "ACME Corp escalated through their account manager"


def at(minutes: float):
    return time_machine.travel(T0 + timedelta(minutes=minutes), tick=False)


@pytest.fixture(autouse=True)
def _fixed_settings(settings):
    settings.PUBLIC_URL = "https://status.example.com"
    settings.TEMPLATES_DIR = ""
    settings.SUPPORT_CHANNEL = ""


def play(responder, *, until: float):
    """The fixed incident, up to `until` minutes after 10:00 UTC: SaaS down 10:05–10:50 then slow
    until 11:20, dedicated partly down 10:10–10:30, self-managed never assessed."""
    import_roster(ROSTER)
    Component.objects.create(slug="ci-runners", name="CI runners")
    Component.objects.create(slug="web", name="Web UI", position=1)
    with at(0):
        incident = declare(
            title="Slow CI pipelines",
            severity="S1",
            summary="CI jobs on shared runners wait a long time before they start.",
            declared_by=responder,
            commander="alice",
        )
        assign_role(incident=incident, role="support", username="priya", by=responder)

    def levels(segments=None, components=None, customers=None):
        return lambda: assess(
            incident=incident,
            by=responder,
            segments=segments,
            components=components,
            customers=customers,
        )

    def status(status, message):
        return lambda: change_status(
            incident=incident, status=status, message=message, by=responder
        )

    def note(body, **kwargs):
        return lambda: make_entry(incident, body, **kwargs)

    script = [
        (5, levels({"saas": "major_outage"}, {"ci-runners": "major_outage"}, CUSTOMERS)),
        (10, levels({"dedicated": "partial_outage"})),
        (12, note(f"{INTERNAL}; Kofi Mensah is on it.", visibility="internal")),
        (15, note("New runners fail to register with the coordinator.", kind="finding")),
        (30, levels({"dedicated": "none"})),
        (40, status("identified", "A change to the runner autoscaler stops new runners.")),
        (45, note("Kofi Mensah rolled back the autoscaler change.", kind="action")),
        (50, levels({"saas": "degraded_performance"}, {"ci-runners": "degraded_performance"})),
        (51, status("monitoring", "The rollback is out; queued jobs are starting.")),
        (80, levels({"saas": "none"}, {"ci-runners": "none"})),
        (85, status("resolved", "CI jobs start at once again.")),
        (100, note("We are adding an alert on runners that fail to register.", kind="action")),
    ]
    for minute, step in script:
        if minute > until:
            break
        with at(minute):
            step()
    incident.refresh_from_db()
    return incident


def assert_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("WARROOM_REGENERATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


# The documents


def test_the_blog_post_draft_of_the_fixed_incident_matches_its_golden_file(responder):
    incident = play(responder, until=120)
    with at(120):
        assert_golden("blog.md", blog_markdown(incident))


def test_the_briefing_of_the_fixed_incident_matches_its_golden_file(responder):
    incident = play(responder, until=60)
    with at(60):
        assert_golden("briefing.md", briefing_markdown(incident))


def test_the_blog_is_public_record_only_and_the_briefing_names_the_customers(responder):
    incident = play(responder, until=120)
    blog, briefing = blog_markdown(incident), briefing_markdown(incident)
    for private in [INTERNAL, *CUSTOMERS, "Kofi Mensah", "Alice Chen", "Priya", "@alice"]:
        assert private not in blog
    assert incident.war_room_url not in blog and incident.war_room_url not in briefing
    assert "3 customers were affected." in blog
    assert "Affected customers (3): ACME Corp, Globex, Initech." in briefing
    assert "rolled back the autoscaler change" in blog  # the public action, its name redacted


def test_every_segment_says_whether_and_how_long_it_was_affected(responder):
    incident = play(responder, until=120)
    segments = {s.slug: s for s in impact.segments(incident, now=T0 + timedelta(hours=2))}
    assert list(segments) == ["self-managed", "dedicated", "saas"]  # every one, in page order
    assert not segments["self-managed"].affected
    assert segments["dedicated"].duration == timedelta(minutes=20)
    saas = segments["saas"]
    assert [(p.level, p.duration) for p in saas.periods] == [
        ("major_outage", timedelta(minutes=45)),
        ("degraded_performance", timedelta(minutes=30)),
    ]
    blog = blog_markdown(incident)
    assert "- **Self-managed / on-premises**: not affected." in blog
    assert "- **SaaS**: affected for 1 h 15 min: unavailable (major outage) from 10:05 UTC" in blog


def test_resolving_ends_a_level_nobody_reset(responder):
    with at(0):
        incident = make_incident("Disk full", by=responder, severity="S3")
        assess(incident=incident, by=responder, segments={"saas": "partial_outage"})
    with at(25):
        change_status(incident=incident, status="resolved", message="Space freed.", by=responder)
    incident.refresh_from_db()
    with at(90):
        saas = next(s for s in impact.segments(incident, now=T0) if s.slug == "saas")
        assert saas.duration == timedelta(minutes=25) and not saas.ongoing


def test_a_template_in_the_templates_dir_replaces_the_shipped_one(responder, settings, tmp_path):
    (tmp_path / "blog.md.j2").write_text(
        "# Post-incident note: {{ title }}\n{% for s in segments %}{{ s.name }}\n{% endfor %}"
    )
    settings.TEMPLATES_DIR = str(tmp_path)
    incident = make_incident("Slow CI pipelines", by=responder)
    blog = blog_markdown(incident)
    assert blog.startswith("# Post-incident note: Slow CI pipelines\nSelf-managed")
    assert briefing_markdown(incident).startswith("# Support briefing:")  # not replaced


def test_a_broken_template_is_a_clear_error_and_does_not_stop_a_status_change(
    responder, settings, tmp_path, api
):
    (tmp_path / "briefing.md.j2").write_text("{{ no_such_thing }}")
    (tmp_path / "blog.md.j2").write_text("{% for %}")
    settings.TEMPLATES_DIR = str(tmp_path)
    settings.SUPPORT_CHANNEL = "email:support@example.com"
    incident = make_incident("Slow CI pipelines", by=responder)
    change_status(incident=incident, status="identified", message="Found it.", by=responder)
    assert not incident.messages.filter(kind=Message.Kind.BRIEFING).exists()
    warnings = incident.entries.filter(kind="comms", body__contains="briefing.md.j2")
    assert warnings.count() == 1  # said once, not on every change
    response = api.call("get", f"/incidents/{incident.slug}/blog")
    assert response.status_code == 422
    assert "the template blog.md.j2 cannot be used" in response.json()["detail"]


# The briefing through the outbox


def briefings(incident):
    return incident.messages.filter(kind=Message.Kind.BRIEFING).order_by("id")


def test_support_is_briefed_on_every_status_change_once_each(responder, settings, smtp):
    settings.SUPPORT_CHANNEL = "email:support@example.com"
    incident = make_incident("Slow CI pipelines", by=responder, severity="S2")
    # identified twice and a return to investigating: no step of the playbook fires for them
    moves = ["identified", "investigating", "identified", "monitoring", "resolved"]
    for status in moves:
        change_status(incident=incident, status=status, message=f"Now {status}.", by=responder)
    entries = list(incident.entries.filter(kind="status").order_by("id"))
    assert len(entries) == 1 + len(moves)  # the declaration is a status entry too
    assert [m.idempotency_key for m in briefings(incident)] == [
        f"{incident.pk}:briefing:{e.pk}" for e in entries
    ]
    assert {(m.channel, m.recipient, m.public) for m in briefings(incident)} == {
        ("email", "support@example.com", False)
    }
    engine.brief_support(incident, entries[-1], now=entries[-1].recorded_at)
    assert briefings(incident).count() == len(entries)  # asked again: still one per change
    run_pending()
    mails = [body for to, body in smtp.mails if to == ["support@example.com"]]
    assert len(mails) == len(entries)
    assert "Support briefing: Slow CI pipelines (Investigating)" in mails[2]
    assert "(Resolved)" in mails[-1] and "The incident is resolved." in mails[-1]
    states = {s["id"]: s["state"] for s in playbooks.checklist(incident)}
    assert states["support_briefing"] == states["support_all_clear"] == "done"


@pytest.mark.parametrize("channel", ["slack", "mattermost"])
def test_the_support_channel_may_be_chat(responder, settings, channel):
    settings.SUPPORT_CHANNEL = channel
    incident = make_incident("Slow CI pipelines", by=responder)
    [message] = briefings(incident)
    assert (message.channel, message.recipient, message.state) == (channel, "", "pending")


def test_without_a_channel_the_support_role_holder_is_briefed_else_a_warning(responder):
    import_roster(ROSTER)
    incident = make_incident("Slow CI pipelines", by=responder)
    assert any("nobody holds the support role" in w for w in incident.warnings)
    assert incident.entries.filter(kind="comms", body__contains="No support briefing").exists()
    assert not briefings(incident).exists()
    assign_role(incident=incident, role="support", username="priya", by=responder)
    change_status(incident=incident, status="identified", message="Found it.", by=responder)
    [message] = briefings(incident)
    assert (message.channel, message.recipient) == ("email", "priya@example.com")
    states = {s["id"]: s["state"] for s in playbooks.checklist(incident)}
    assert states["support_briefing"] == "done"  # the open step closed with that briefing


def test_a_playbook_without_a_support_step_sends_no_briefing(responder, settings, tmp_path):
    book = tmp_path / "book.yaml"
    book.write_text(
        "name: quiet\nversion: 1\nsteps:\n  - id: only\n    title: Do the thing\n"
        "    owner: commander\n    trigger: declare\n    done: manual\n"
    )
    settings.PLAYBOOK_PATH = str(book)
    settings.SUPPORT_CHANNEL = "email:support@example.com"
    incident = make_incident("Slow CI pipelines", by=responder)
    change_status(incident=incident, status="identified", message="Found it.", by=responder)
    assert not briefings(incident).exists()


def test_the_briefing_gives_the_war_room_only_once_it_is_live(responder):
    incident = play(responder, until=20)
    assert incident.war_room_url not in briefing_markdown(incident)
    live_stream.approve(incident=incident, by=responder)
    assert f"**Live stream of the war room:** {incident.war_room_url}" in briefing_markdown(
        incident
    )


def test_bad_support_channel_settings_are_refused(monkeypatch):
    from warroom.lib.env import ConfigError
    from warroom.settings import _support_channel

    for good in ["", "slack", "mattermost", "email:support@example.com"]:
        monkeypatch.setenv("WARROOM_SUPPORT_CHANNEL", good)
        assert _support_channel() == good
    for bad in ["x", "email", "email:support", "webhook:https://example.com"]:
        monkeypatch.setenv("WARROOM_SUPPORT_CHANNEL", bad)
        with pytest.raises(ConfigError, match="WARROOM_SUPPORT_CHANNEL"):
            _support_channel()


# REST, dashboard, CLI


def test_the_api_gives_both_as_markdown_to_responders_only(
    responder, api, outsider_api, anonymous_api
):
    incident = play(responder, until=120)
    blog = api.call("get", f"/incidents/{incident.slug}/blog")
    assert blog.status_code == 200 and blog.json() == {"markdown": blog_markdown(incident)}
    briefing = api.call("get", f"/incidents/{incident.slug}/briefing").json()["markdown"]
    assert "ACME Corp" in briefing
    assert api.call("get", "/incidents/nope/blog").status_code == 404
    for path in ("blog", "briefing"):
        assert outsider_api.call("get", f"/incidents/{incident.slug}/{path}").status_code == 403
        assert anonymous_api.call("get", f"/incidents/{incident.slug}/{path}").status_code == 401


def test_the_dashboard_page_shows_the_draft_for_responders_only(responder, outsider, alice):
    incident = play(responder, until=120)
    url = f"/dashboard/incidents/{incident.slug}/blog/"
    page = alice.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "## What happened" in html and "<h2>What happened</h2>" in html  # source, rendered
    assert "Copy Markdown" in html and "ACME" not in html
    download = alice.get(url, {"download": 1})
    assert download["Content-Disposition"] == f'attachment; filename="{incident.slug}-blog.md"'
    assert download.content.decode() == blog_markdown(incident)
    assert url in alice.get(f"/dashboard/incidents/{incident.slug}/").content.decode()
    assert client_for(outsider).get(url).status_code == 403
    assert client_for().get(url).status_code == 302  # to the login page


@pytest.mark.server
def test_the_cli_prints_the_blog_writes_it_to_a_file_and_prints_the_briefing(server, tmp_path):
    declared = server.cli("declare", "Slow CI pipelines", "--severity", "S2", "--json")
    assert declared.returncode == 0, declared.stderr
    slug = json.loads(declared.stdout)["slug"]
    customers = tmp_path / "customers.txt"
    customers.write_text("ACME Corp\nGlobex\n")
    assessed = server.cli(
        "impact", slug, "--segment", "saas=major_outage", "--customers-file", str(customers)
    )
    assert assessed.returncode == 0, assessed.stderr
    blog = server.cli("blog", slug)
    assert blog.returncode == 0, blog.stderr
    assert blog.stdout.startswith("# Slow CI pipelines\n") and "2 customers were" in blog.stdout
    assert "ACME" not in blog.stdout
    out = tmp_path / "post.md"
    written = server.cli("blog", slug, "--out", str(out))
    assert written.returncode == 0 and out.read_text() == blog.stdout
    briefing = server.cli("briefing", slug)
    assert briefing.returncode == 0, briefing.stderr
    assert "Affected customers (2): ACME Corp, Globex." in briefing.stdout
    missing = server.cli("blog", "no-such-incident")
    assert missing.returncode == 1 and "no incident 'no-such-incident'" in missing.stderr
