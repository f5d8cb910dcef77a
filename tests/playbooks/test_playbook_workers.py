"""Several workers at once: a step fires once (row locks with SKIP LOCKED on PostgreSQL)."""

import threading
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import connection

from warroom.accounts.services import import_roster
from warroom.comms.models import Message
from warroom.flows.declare import declare
from warroom.playbooks import engine
from warroom.playbooks.models import Page, StepRun
from warroom.testing.factories import make_user

T0 = datetime(2026, 11, 29, 10, 0, tzinfo=UTC)


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_workers_never_fire_the_same_step_twice():
    if connection.vendor != "postgresql":
        pytest.skip("row locks with SKIP LOCKED are PostgreSQL's; SQLite has one writer at a time")
    import_roster(
        [
            {"name": "Marta Jansen", "username": "marta", "team": "marketing"},
            {"name": "Kofi Mensah", "username": "kofi", "team": "marketing"},
        ]
    )
    user = make_user("ic")
    with time_machine.travel(T0, tick=False):
        incidents = [
            declare(title=f"Outage {n}", severity="S1", declared_by=user) for n in range(20)
        ]
    errors: list[BaseException] = []
    ran: list[int] = []
    barrier = threading.Barrier(2)

    def work():
        try:
            barrier.wait()
            ran.append(engine.tick())
        except BaseException as exc:  # report it in the main thread
            errors.append(exc)
        finally:
            connection.close()

    with time_machine.travel(T0 + timedelta(minutes=15), tick=False):
        threads = [threading.Thread(target=work) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert not errors, errors
    book = engine.playbook_of(incidents[0])
    timed = [
        s.id
        for s in book.steps
        if s.action and s.action.name in ("page_marketing", "remind_update")
    ]
    woken = StepRun.objects.filter(incident__in=incidents, step_id__in=timed)
    assert sorted(set(woken.values_list("runs", flat=True))) == [2]  # started once, woken once
    after = [s.id for s in book.steps if s.trigger.kind == "after" and "S1" in s.severities]
    assert sum(ran) == len(incidents) * (len(timed) + len(after))  # each due step once in all
    for incident in incidents:
        assert Page.objects.filter(incident=incident).count() == 2
        assert Message.objects.filter(incident=incident, kind=Message.Kind.REMINDER).count() == 1
