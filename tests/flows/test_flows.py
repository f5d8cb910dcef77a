"""The flows: each operation that spans apps is one transaction, so a failure in any of its steps
leaves nothing half done, and the steps happen in the order flows/status.py reads."""

import pytest

from warroom.comms.models import Message
from warroom.flows import declare as declaring
from warroom.flows import status as statuses
from warroom.incidents.models import Incident, Status
from warroom.subscribers import services as subscribers
from warroom.testing.factories import make_incident

pytestmark = pytest.mark.django_db


class Boom(Exception):
    pass


def _fails(*args, **kwargs):
    raise Boom


def test_a_status_change_that_fails_half_way_changes_nothing(incident, responder, monkeypatch):
    entries = incident.entries.count()
    monkeypatch.setattr(statuses.playbook, "fire", _fails)  # after the entry and the fan-out
    subscribers.subscribe(address="reader@example.com", confirmed=True)
    with pytest.raises(Boom):
        statuses.change_status(
            incident=incident, status="identified", message="A full disk.", by=responder
        )
    incident.refresh_from_db()
    assert incident.status == Status.INVESTIGATING
    assert incident.entries.count() == entries
    assert not Message.objects.filter(kind=Message.Kind.UPDATE).exists()


def test_a_declaration_that_fails_in_the_playbook_leaves_no_incident(responder, monkeypatch):
    monkeypatch.setattr(declaring.playbook, "start", _fails)
    with pytest.raises(Boom):
        declaring.declare(title="Checkout errors", severity="S1", declared_by=responder)
    assert not Incident.objects.exists()


def test_a_status_change_reaches_subscribers_playbook_and_support_in_order(responder, settings):
    settings.SUPPORT_CHANNEL = "email:support@example.com"
    incident = make_incident(by=responder, commander="alice")
    subscribers.subscribe(address="reader@example.com", confirmed=True)
    statuses.resolve(incident=incident, message="Replication caught up.", by=responder)
    entry = incident.entries.filter(kind="status").order_by("-id").first()
    update = Message.objects.get(kind=Message.Kind.UPDATE, recipient="reader@example.com")
    briefing = Message.objects.get(idempotency_key=f"{incident.pk}:briefing:{entry.pk}")
    assert update.group == f"update:{entry.pk}" and update.pk < briefing.pk
    resolve_steps = incident.steps.filter(step_id__in=["postmortem", "support_all_clear"])
    assert all(step.triggered_at is not None for step in resolve_steps)
