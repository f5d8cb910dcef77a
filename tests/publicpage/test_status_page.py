"""The status page `/`: components with their state, open incidents with the impact per segment
in plain words, and the last 90 days of resolved incidents, a page at a time."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from warroom.flows.status import change_status
from warroom.impact.models import Component
from warroom.impact.services import assess
from warroom.publicpage.views import HISTORY_PAGE
from warroom.testing.factories import make_incident

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return " ".join(response.content.decode().split())


def test_components_show_the_worst_state_open_incidents_give_them(client, incident, responder):
    Component.objects.create(slug="ci-runners", name="CI runners")
    Component.objects.create(slug="web", name="Web UI", position=1)
    assert "CI runners</span><span class=\"level level--none\">Operational" in text(client.get("/"))
    other = make_incident("Slow pipelines", by=responder)
    assess(incident=incident, by=responder, components={"ci-runners": "degraded_performance"})
    assess(incident=other, by=responder, components={"ci-runners": "major_outage"})
    page = text(client.get("/"))
    assert 'CI runners</span><span class="level level--major_outage">Major outage' in page
    assert 'Web UI</span><span class="level level--none">Operational' in page
    change_status(incident=other, status="resolved", message="Fixed.", by=responder)
    page = text(client.get("/"))
    assert 'CI runners</span><span class="level level--degraded_performance">' in page


def test_open_incidents_say_who_is_affected_in_plain_words(client, incident, responder):
    assess(
        incident=incident,
        by=responder,
        segments={"self-managed": "none", "saas": "partial_outage"},
        customers=["ACME Corp"],
    )
    page = text(client.get("/"))
    assert "Self-managed / on-premises: not affected." in page
    assert "SaaS: partly unavailable (partial outage)." in page
    assert "ACME" not in page


def test_history_keeps_90_days_a_page_at_a_time(client, responder):
    now = timezone.now()
    with time_machine.travel(now - timedelta(days=120)):
        old = make_incident("Ancient outage", by=responder)
        change_status(incident=old, status="resolved", message="Fixed.", by=responder)
    for n in range(HISTORY_PAGE + 2):
        done = make_incident(f"Outage number {n}", by=responder)
        change_status(incident=done, status="resolved", message="Fixed.", by=responder)
    first = text(client.get("/"))
    assert "Resolved in the last 90 days" in first and "Ancient outage" not in first
    assert f"Outage number {HISTORY_PAGE + 1}" in first  # newest first
    assert '<a class="older" href="?page=2">' in first
    second = text(client.get("/?page=2"))
    assert "Outage number 0" in second and "Outage number 1<" in second
    assert f"Outage number {HISTORY_PAGE + 1}" not in second
    assert client.get("/?page=3").status_code == 404
    assert client.get("/?page=x").status_code == 404
