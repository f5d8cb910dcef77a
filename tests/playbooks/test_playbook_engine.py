"""The default playbook on a simulated clock: no sleeping, the clock jumps."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from warroom.accounts.services import import_roster
from warroom.comms.models import Message
from warroom.flows import live_stream
from warroom.flows import messages as messaging
from warroom.flows.declare import declare
from warroom.flows.roles import assign_role
from warroom.flows.status import change_status
from warroom.incidents.models import LiveStream
from warroom.playbooks import engine, services
from warroom.playbooks.models import Page

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 11, 29, 10, 0, tzinfo=UTC)
ROSTER = [
    {
        "name": "Marta Jansen",
        "username": "marta",
        "email": "marta@example.com",
        "team": "marketing",
    },
    {"name": "Kofi Mensah", "username": "kofi", "email": "kofi@example.com", "team": "marketing"},
    {"name": "Priya Nair", "username": "priya", "email": "priya@example.com", "team": "support"},
]


def at(minutes: float):
    return time_machine.travel(T0 + timedelta(minutes=minutes), tick=False)


def steps_by_action(incident):
    book = engine.playbook_of(incident)
    return {s.action.name: s for s in book.steps if s.action}


def state_of(incident, step_id):
    return next(s for s in services.checklist(incident) if s["id"] == step_id)


def internal_bodies(incident):
    return [e.body for e in incident.entries.filter(visibility="internal")]


@pytest.fixture
def s1(responder):
    import_roster(ROSTER)
    with at(0):
        return declare(
            title="Database replication lag",
            severity="S1",
            declared_by=responder,
            commander="alice",
        )


def test_declare_runs_the_first_steps_at_once(s1):
    actions = steps_by_action(s1)
    with at(1 / 60):
        assert state_of(s1, actions["open_war_room"].id)["state"] == "done"
        assert state_of(s1, actions["open_war_room"].id)["link"] == s1.war_room_url
        assert state_of(s1, actions["open_public_page"].id)["link"].endswith(s1.public_path)
        announcements = s1.messages.filter(kind=Message.Kind.ANNOUNCEMENT)
        assert announcements.exists()
        assert all(m.state == Message.State.AWAITING_APPROVAL for m in announcements)
        assert all(s1.public_path in m.body for m in announcements)
        first = Page.objects.get(incident=s1)
        assert first.person.username == "marta"
        assert f"/ack/{first.token}" in first.message.body
        assert f"warroom ack {s1.slug}" in first.message.body
        assert any("Paged marketing contact 1 of 2" in b for b in internal_bodies(s1))
        assert LiveStream.objects.get(incident=s1).state == LiveStream.State.PROPOSED


def test_no_communications_lead_is_flagged_until_one_is_named(s1, responder):
    assert any("communications" in w for w in engine.pending_warnings(s1))
    assign_role(incident=s1, role="communications", username="priya", by=responder)
    assert engine.pending_warnings(s1) == []


def test_reminder_at_ten_minutes_then_escalation_at_twenty(s1):
    with at(9):
        engine.tick()
    assert not s1.messages.filter(kind=Message.Kind.REMINDER).exists()
    with at(10):
        engine.tick()
    reminders = s1.messages.filter(kind=Message.Kind.REMINDER)
    assert reminders.count() == 1
    assert any(b.startswith("Reminded") for b in internal_bodies(s1))
    remind_step = steps_by_action(s1)["remind_update"].id
    with at(10.5):
        assert state_of(s1, remind_step)["state"] == "overdue"
        engine.tick()
    assert reminders.count() == 1  # once per lapse, not once per pass
    with at(20):
        engine.tick()
    assert reminders.count() == 2
    assert any(b.startswith("Escalated") for b in internal_bodies(s1))


def test_a_public_update_resets_the_reminder(s1, responder):
    with at(8):
        change_status(incident=s1, status="identified", message="Found it.", by=responder)
    with at(17):
        engine.tick()
    assert not s1.messages.filter(kind=Message.Kind.REMINDER).exists()
    with at(18):
        engine.tick()
    assert s1.messages.filter(kind=Message.Kind.REMINDER).count() == 1


def test_no_ack_pages_the_next_contact_and_an_ack_stops_it(s1, responder):
    with at(14):
        engine.tick()
    assert Page.objects.filter(incident=s1).count() == 1
    with at(15):
        engine.tick()
    pages = Page.objects.filter(incident=s1).order_by("position")
    assert [p.person.username for p in pages] == ["marta", "kofi"]
    with at(16):
        services.ack(incident=s1, by=responder)
    with at(31):
        engine.tick()
    assert Page.objects.filter(incident=s1).count() == 2
    page_step = steps_by_action(s1)["page_marketing"].id
    assert state_of(s1, page_step)["state"] == "done"
    assert any("acknowledged" in b for b in internal_bodies(s1))


def test_the_ack_link_works_without_login(s1, public_client):
    page = Page.objects.get(incident=s1)
    assert b"Acknowledge" in public_client.get(f"/ack/{page.token}").content
    assert public_client.post(f"/ack/{page.token}").status_code == 200
    page.refresh_from_db()
    assert page.acked_at is not None
    assert public_client.get("/ack/not-a-token").status_code == 404


def test_no_marketing_contacts_is_a_warning_not_a_silent_skip(responder):
    incident = declare(title="Disk full", severity="S1", declared_by=responder)
    assert any("No marketing contacts" in w for w in incident.warnings)


def test_resolve_opens_the_resolve_steps(s1, responder):
    with at(30):
        change_status(incident=s1, status="resolved", message="Fixed.", by=responder)
    book = engine.playbook_of(s1)
    resolve_steps = [
        s.id for s in book.steps if s.trigger.kind == "resolve" and "S1" in s.severities
    ]
    assert resolve_steps
    with at(31):
        states = {s["id"]: s for s in services.checklist(s1)}
        assert all(states[i]["triggered"] for i in resolve_steps)
        engine.tick()
    assert not s1.messages.filter(kind=Message.Kind.REMINDER).exists()  # resolved: no reminders


def test_decision_closes_the_blog_post_step(s1, responder):
    with at(30):
        change_status(incident=s1, status="resolved", message="Fixed.", by=responder)
    decision = steps_by_action(s1)["request_decision"]
    topic = decision.action.params.get("topic", "blog_post")
    services.decide(incident=s1, topic=topic, choice="yes", by=responder)
    assert state_of(s1, decision.id)["state"] == "done"


def test_announcement_approval_by_the_communications_role(s1, responder, outsider):
    message = s1.messages.filter(kind=Message.Kind.ANNOUNCEMENT).first()
    from warroom.lib.errors import Forbidden

    with pytest.raises(Forbidden):
        messaging.approve(message_id=message.pk, by=outsider)
    approved = messaging.approve(message_id=message.pk, by=responder)  # alice commands
    assert approved.state == Message.State.PENDING  # queued; the outbox sends it (issue 5)


def test_live_stream_needs_the_commander_and_can_be_vetoed(s1, responder, owner, public_client):
    from warroom.lib.errors import Forbidden, Invalid

    assign_role(incident=s1, role="scribe", username="owner", by=responder)
    with pytest.raises(Forbidden):
        live_stream.approve(incident=s1, by=_plain(owner))
    with pytest.raises(Invalid):
        live_stream.veto(incident=s1, by=responder, reason=" ")
    stream = live_stream.approve(incident=s1, by=responder)
    assert stream.state == LiveStream.State.LIVE
    assert b"Watch the war room live" in public_client.get(f"/incidents/{s1.slug}/").content
    live_stream.veto(incident=s1, by=_plain(owner), reason="privacy")
    assert b"Watch the war room live" not in public_client.get(f"/incidents/{s1.slug}/").content
    assert s1.entries.filter(kind="decision", data__topic="live_stream").count() == 2


def _plain(user):
    user.is_superuser = False
    return user


def test_marking_and_skipping_steps(s1, responder):
    from warroom.lib.errors import Invalid, NotFound

    step_id = steps_by_action(s1)["assess_impact"].id
    with pytest.raises(Invalid):
        engine.mark(incident=s1, step_id=step_id, done=False, reason="", by=responder)
    with pytest.raises(NotFound):
        engine.mark(incident=s1, step_id="nope", done=True, reason="", by=responder)
    engine.mark(incident=s1, step_id=step_id, done=False, reason="impact is obvious", by=responder)
    item = state_of(s1, step_id)
    assert (item["state"], item["reason"], item["done_by"]) == (
        "skipped",
        "impact is obvious",
        "alice",
    )


def test_the_playbook_is_frozen_at_declare(s1, settings, tmp_path):
    from warroom.playbooks.format import default_playbook

    custom = tmp_path / "book.yaml"
    custom.write_text(
        "name: tiny\nversion: 1\nsteps:\n  - id: only\n    title: Do the thing\n    owner: commander\n"
        "    trigger: declare\n    done: manual\n"
    )
    settings.PLAYBOOK_PATH = str(custom)
    assert engine.playbook_of(s1).name == default_playbook().name
    assert len(engine.playbook_of(s1).steps) == len(default_playbook().steps)


def test_live_stream_url_must_be_http(s1, responder):
    from warroom.lib.errors import Invalid

    with pytest.raises(Invalid, match="https://"):
        live_stream.approve(incident=s1, by=responder, url="javascript:alert(1)")
