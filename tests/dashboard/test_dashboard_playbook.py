"""The cockpit's playbook panels: the checklist, the warnings, messages and their approval, the
live stream, the marketing pages and decisions, each form through its service."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from conftest import client_for
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from warroom.accounts.services import import_roster
from warroom.comms.models import Message
from warroom.flows.roles import assign_role
from warroom.incidents.models import LiveStream
from warroom.playbooks import engine
from warroom.playbooks.models import Page, StepRun
from warroom.testing.factories import make_incident, make_user
from warroom.timeline.models import Entry

HTMX = {"HTTP_HX_REQUEST": "true"}
MARKETING = [
    {"name": "Marta Jansen", "username": "marta", "team": "marketing"},
    {"name": "Kofi Mensah", "username": "kofi", "team": "marketing"},
]


@pytest.fixture
def bob(db):
    """A responder with no role on the incident."""
    return client_for(make_user("bob", name="Bob Stone"))


@pytest.fixture
def with_marketing(responder):
    import_roster(MARKETING)
    return make_incident(by=responder, commander="alice")


def cockpit(client, incident) -> str:
    return client.get(reverse("dashboard:incident", args=[incident.slug])).content.decode()


def text(response) -> str:
    return response.content.decode()


def step_html(page: str, step_id: str) -> str:
    """The checklist row of one step."""
    match = re.search(rf'<li id="step-{step_id}".*?</li>', page, re.S)
    assert match, f"no step {step_id} on the page"
    return match.group(0)


def run(incident, step_id: str) -> StepRun:
    return incident.steps.get(step_id=step_id)


def url(name: str, incident, *args) -> str:
    return reverse(f"dashboard:{name}", args=[incident.slug, *args])


# The checklist


def test_checklist_shows_the_war_room_and_public_page_steps_done_with_their_links(alice, incident):
    page = cockpit(alice, incident)
    war_room = step_html(page, "open_war_room")
    assert "step-done" in war_room and "Done" in war_room
    assert f'href="{incident.war_room_url}"' in war_room
    assert incident.public_path in step_html(page, "open_public_page")
    assert "step-done" in step_html(page, "open_public_page")


def test_checklist_groups_steps_by_owner_and_names_who_holds_the_role(alice, incident):
    page = cockpit(alice, incident)
    commander = page.split('id="owner-commander"', 1)[1].split("</h3>", 1)[0]
    assert "Incident commander" in commander and "Alice Chen" in commander
    communications = page.split('id="owner-communications"', 1)[1].split("</h3>", 1)[0]
    assert "nobody named" in communications
    assert page.index('id="owner-commander"') < page.index('id="step-open_war_room"')


def test_steps_that_have_not_started_say_what_they_wait_for(alice, incident):
    page = cockpit(alice, incident)
    assert "is-waiting" in step_html(page, "postmortem")
    assert "Waits for:</span> the incident to be resolved" in step_html(page, "postmortem")
    monitoring = step_html(page, "support_update_monitoring")
    assert "Waits for:</span> status Monitoring" in monitoring
    later = step_html(page, "announce_overdue")
    assert "10 min after declaring" in later
    assert "unless “Post the link to the public page” is done" in later


def test_steps_for_other_severities_are_hidden_behind_a_toggle(alice, responder):
    s3 = make_incident("Slow avatars", by=responder, severity="S3", commander="alice")
    page = cockpit(alice, s3)
    assert 'id="step-announce"' not in page
    toggle = page.split('class="na-steps"', 1)[1].split("</details>", 1)[0]
    assert "not for S3 incidents" in toggle
    assert "Post the link to the public page" in toggle


def test_mark_a_step_done(alice, incident, responder):
    response = alice.post(url("mark_step", incident, "assess_impact"), {"state": "done"})
    assert response.status_code == 302
    assert response["Location"].endswith("#checklist")
    step = run(incident, "assess_impact")
    assert (step.state, step.done_by) == (StepRun.State.DONE, responder)
    row = step_html(cockpit(alice, incident), "assess_impact")
    assert "step-done" in row and "by Alice Chen" in row


def test_skip_a_step_with_a_reason(alice, incident):
    data = {"state": "skip", "reason": "one customer, we call them"}
    response = alice.post(url("mark_step", incident, "assess_impact"), data)
    assert response.status_code == 302
    assert run(incident, "assess_impact").state == StepRun.State.SKIPPED
    row = step_html(cockpit(alice, incident), "assess_impact")
    assert "step-skipped" in row and "one customer, we call them" in row


def test_skipping_without_a_reason_shows_the_error_at_the_step(alice, incident):
    before = Entry.objects.count()
    response = alice.post(
        url("mark_step", incident, "assess_impact"), {"state": "skip", "reason": "  "}
    )
    assert response.status_code == 422
    row = step_html(text(response), "assess_impact")
    assert "skipping a step needs a reason" in row
    assert '<details class="skip" open>' in row
    assert run(incident, "assess_impact").state == StepRun.State.OPEN
    assert Entry.objects.count() == before


def test_skipping_without_a_reason_with_htmx_answers_with_the_checklist(alice, incident):
    response = alice.post(
        url("mark_step", incident, "assess_impact"), {"state": "skip", "reason": ""}, **HTMX
    )
    assert response.status_code == 422
    page = text(response)
    assert page.lstrip().startswith('<section id="checklist"')
    assert "skipping a step needs a reason" in step_html(page, "assess_impact")
    assert "<html" not in page


def test_mark_done_with_htmx_returns_the_panels(alice, incident):
    response = alice.post(url("mark_step", incident, "assess_impact"), {"state": "done"}, **HTMX)
    assert response.status_code == 200
    page = text(response)
    assert "step-done" in step_html(page, "assess_impact")
    assert '<div id="comms"' in page and 'hx-swap-oob="true"' in page
    assert 'id="playbook-warnings" hx-swap-oob="true"' in page


def test_an_unknown_step_is_refused_with_the_message(alice, incident):
    response = alice.post(url("mark_step", incident, "no_such_step"), {"state": "done"})
    assert response.status_code == 422
    assert "has no step" in text(response)


def test_overdue_steps_are_red_with_their_time_and_counted_in_the_header(alice, incident):
    with time_machine.travel(timezone.now() + timedelta(minutes=12), tick=False):
        engine.tick()
        page = cockpit(alice, incident)
    row = step_html(page, "keep_updating")
    assert "step-overdue" in row
    due = run(incident, "keep_updating").due_at
    assert f"Overdue since {timezone.localtime(due):%H:%M}" in row
    overdue = len(re.findall(r'<li id="step-[^"]+" class="step step-overdue', page))
    assert overdue >= 2  # the public update and the announcement are both late
    header = page.split('class="incident-head"', 1)[1].split("</header>", 1)[0]
    assert f"{overdue} overdue steps" in header


def test_the_checklist_poll_answers_204_until_something_changes(alice, incident, responder):
    poll = url("playbook", incident)
    first = text(alice.get(poll, **HTMX))
    version = re.search(r"playbook/\?v=([0-9a-f]+)", first).group(1)
    assert alice.get(poll, {"v": version}, **HTMX).status_code == 204
    engine.mark(incident=incident, step_id="assess_impact", done=True, reason="", by=responder)
    changed = alice.get(poll, {"v": version}, **HTMX)
    assert changed.status_code == 200
    assert "step-done" in step_html(text(changed), "assess_impact")
    assert alice.get(poll).status_code == 302  # a browser is sent to the cockpit


# Warnings on top


def test_the_playbook_warnings_are_a_banner_on_top_until_the_role_is_named(alice, incident, owner):
    page = cockpit(alice, incident)
    banner = page.split('<div id="playbook-warnings">', 1)[1].split("</div>\n</div>", 1)[0]
    assert 'role="alert"' in banner and "communications" in banner
    assert page.index('id="playbook-warnings"') < page.index('class="incident-head"')
    assert "unassigned: the playbook needs one" in page
    assign_role(incident=incident, role="communications", username="owner", by=incident.declared_by)
    page = cockpit(alice, incident)
    assert "alert-banner" not in page
    assert "unassigned: the playbook needs one" not in page


def test_declaring_flashes_the_playbooks_warnings(alice):
    response = alice.post(
        "/dashboard/declare/", {"title": "Search is down", "severity": "S1", "commander": "alice"}
    )
    assert "No marketing contacts to page" in text(alice.get(response["Location"]))


# Messages


def announcement(incident, channel: str = "x") -> Message:
    return incident.messages.get(kind=Message.Kind.ANNOUNCEMENT, channel=channel)


def test_announcements_wait_for_approval_and_pending_is_not_called_sent(alice, incident):
    page = cockpit(alice, incident)
    panel = page.split('id="messages"', 1)[1].split("</section>", 1)[0]
    assert "Waiting for approval" in panel
    assert announcement(incident).body in panel
    assert "only “sent” means the channel took it" in panel
    assert ">Sent<" not in panel


def test_approve_an_announcement(alice, incident, responder):
    message = announcement(incident)
    response = alice.post(url("review_message", incident, message.pk), {"decision": "approve"})
    assert response.status_code == 302
    message.refresh_from_db()
    assert (message.state, message.approved_by) == (Message.State.PENDING, responder)
    page = text(alice.get(response["Location"]))
    assert "Announcement for x approved: queued for delivery." in page  # the flash
    assert "Pending delivery" in page.split('id="messages"', 1)[1].split("</section>", 1)[0]


def test_reject_an_announcement_with_htmx(alice, incident):
    message = announcement(incident, "mastodon")
    response = alice.post(
        url("review_message", incident, message.pk), {"decision": "reject"}, **HTMX
    )
    assert response.status_code == 200
    message.refresh_from_db()
    assert message.state == Message.State.REJECTED
    assert "mstate-rejected" in text(response)


def test_edit_an_announcement_before_approving_it(alice, incident):
    from warroom.accounts.services import import_roster

    import_roster([{"name": "Marta Jansen", "username": "marta"}])
    message = announcement(incident, "bluesky")
    edit = {"decision": "edit", "body": "Marta says: we are on it, details on the page."}
    response = alice.post(url("review_message", incident, message.pk), edit, **HTMX)
    assert response.status_code == 200
    message.refresh_from_db()
    assert message.body == "Engineer 1 says: we are on it, details on the page."  # redacted
    assert message.state == Message.State.AWAITING_APPROVAL
    too_long = {"decision": "edit", "body": "é" * 301}
    response = alice.post(url("review_message", incident, message.pk), too_long, **HTMX)
    assert response.status_code == 422 and "301 of 300" in text(response)
    message.refresh_from_db()
    assert message.body.startswith("Engineer 1 says")  # unchanged


def test_approving_without_the_role_shows_who_may(bob, incident):
    message = announcement(incident)
    response = bob.post(url("review_message", incident, message.pk), {"decision": "approve"})
    assert response.status_code == 422
    assert "needs approval by the communications role or the commander" in text(response)
    message.refresh_from_db()
    assert message.state == Message.State.AWAITING_APPROVAL


def test_a_message_of_another_incident_is_404(alice, incident, responder):
    other = make_incident("Another one", by=responder, commander="alice")
    message = announcement(other)
    response = alice.post(url("review_message", incident, message.pk), {"decision": "approve"})
    assert response.status_code == 404


# The live stream (G11)


def test_the_commander_makes_the_war_room_live(alice, incident):
    response = alice.post(url("approve_live", incident), {"url": ""})
    assert response.status_code == 302
    stream = LiveStream.objects.get(incident=incident)
    assert (stream.state, stream.url) == (LiveStream.State.LIVE, incident.war_room_url)
    panel = cockpit(alice, incident).split('id="live"', 1)[1].split("</section>", 1)[0]
    assert "<strong>Live</strong> on the public page" in panel
    assert f'href="{incident.war_room_url}"' in panel
    assert "Veto the live stream" in panel  # still possible while live


def test_only_the_commander_approves_the_live_stream(bob, incident):
    response = bob.post(url("approve_live", incident), {"url": ""})
    assert response.status_code == 422
    assert "only the incident commander approves the live stream" in text(response)
    assert LiveStream.objects.get(incident=incident).state == LiveStream.State.PROPOSED


def test_a_stream_address_must_be_a_web_address(alice, incident):
    response = alice.post(url("approve_live", incident), {"url": "javascript:alert(1)"})
    assert response.status_code == 422
    assert "is not a web address" in text(response)
    assert 'value="javascript:alert(1)"' in text(response)
    assert LiveStream.objects.get(incident=incident).state == LiveStream.State.PROPOSED


def test_veto_the_live_stream_with_a_reason(alice, incident):
    data = {"reason": "privacy", "details": "customer names on screen"}
    response = alice.post(url("veto_live", incident), data)
    assert response.status_code == 302
    stream = LiveStream.objects.get(incident=incident)
    assert stream.state == LiveStream.State.VETOED
    assert stream.reason == "it would harm privacy (customer names on screen)"
    panel = cockpit(alice, incident).split('id="live"', 1)[1].split("</section>", 1)[0]
    assert "Vetoed" in panel and "customer names on screen" in panel


def test_a_veto_for_another_reason_is_in_the_vetoers_words(alice, incident):
    alice.post(url("veto_live", incident), {"reason": "other", "details": "the CEO is on it"})
    assert LiveStream.objects.get(incident=incident).reason == "the CEO is on it"


def test_a_veto_without_a_reason_is_refused(alice, incident):
    response = alice.post(url("veto_live", incident), {"reason": "other", "details": " "})
    assert response.status_code == 422
    assert "a veto needs a reason" in text(response)
    assert '<details class="veto" open>' in text(response)
    assert LiveStream.objects.get(incident=incident).state == LiveStream.State.PROPOSED


# Marketing pages (G7)


def test_the_marketing_pages_are_listed_and_can_be_acknowledged(alice, with_marketing):
    incident = with_marketing
    panel = cockpit(alice, incident).split('id="marketing"', 1)[1].split("</section>", 1)[0]
    assert "Marta Jansen" in panel and "no answer yet" in panel
    response = alice.post(url("ack", incident))
    assert response.status_code == 302
    assert Page.objects.get(incident=incident).acked_at is not None
    page = cockpit(alice, incident)
    panel = page.split('id="marketing"', 1)[1].split("</section>", 1)[0]
    assert "acknowledged" in panel and "Acknowledge the page" not in panel
    assert "step-done" in step_html(page, "page_marketing")


def test_acknowledging_with_nobody_paged_says_so(alice, incident):
    response = alice.post(url("ack", incident))
    assert response.status_code == 422
    assert "no page to acknowledge" in text(response)


# Decisions (G10)


def test_record_a_decision(alice, incident, responder):
    data = {"topic": "blog_post", "choice": "no", "reason": "too small to write about"}
    response = alice.post(url("decide", incident), data)
    assert response.status_code == 302
    entry = incident.entries.get(kind="decision")
    assert entry.data == {"topic": "blog_post", "choice": "no"}
    assert entry.author == responder
    panel = cockpit(alice, incident).split('id="decisions"', 1)[1].split("</section>", 1)[0]
    assert "Decision on blog post: no, because too small to write about." in panel


def test_a_decision_on_another_topic(alice, incident):
    alice.post(
        url("decide", incident),
        {"topic": "other", "other_topic": "status banner", "choice": "yes"},
    )
    assert incident.entries.get(kind="decision").data["topic"] == "status_banner"


def test_a_decision_without_a_choice_is_refused_and_keeps_the_input(alice, incident):
    data = {"topic": "other", "other_topic": "status banner", "choice": "", "reason": "why"}
    response = alice.post(url("decide", incident), data)
    assert response.status_code == 422
    assert "a decision needs a topic and a choice" in text(response)
    assert 'value="status banner"' in text(response)
    assert not incident.entries.filter(kind="decision").exists()


# Who may


def new_posts(incident) -> list[tuple[str, dict]]:
    message = announcement(incident)
    return [
        (url("mark_step", incident, "assess_impact"), {"state": "done"}),
        (url("review_message", incident, message.pk), {"decision": "approve"}),
        (url("approve_live", incident), {"url": ""}),
        (url("veto_live", incident), {"reason": "privacy"}),
        (url("ack", incident), {}),
        (url("decide", incident), {"topic": "blog_post", "choice": "yes"}),
    ]


def test_outsider_is_refused_every_playbook_form_and_changes_nothing(outsider, with_marketing):
    incident = with_marketing
    client = client_for(outsider)
    before = (Entry.objects.count(), list(incident.steps.values_list("state", flat=True)))
    for path, data in new_posts(incident):
        response = client.post(path, data)
        assert response.status_code == 403, path
        assert "Responders only" in text(response)
    assert client.get(url("playbook", incident), **HTMX).status_code == 403
    after = (Entry.objects.count(), list(incident.steps.values_list("state", flat=True)))
    assert after == before
    assert LiveStream.objects.get(incident=incident).state == LiveStream.State.PROPOSED
    assert not Page.objects.filter(incident=incident, acked_at__isnull=False).exists()


def test_anonymous_is_sent_to_login_from_every_playbook_form(incident):
    client = client_for()
    for path, data in new_posts(incident):
        response = client.post(path, data)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/dashboard/login/?next="), path


def test_playbook_forms_need_a_csrf_token(responder, incident):
    client = Client(HTTP_HOST="127.0.0.1", enforce_csrf_checks=True)
    client.force_login(responder)
    response = client.post(url("mark_step", incident, "assess_impact"), {"state": "done"})
    assert response.status_code == 403
    assert run(incident, "assess_impact").state == StepRun.State.OPEN
