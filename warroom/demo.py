"""Demo data for a first look: an admin, a small roster, and one incident in progress."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from warroom.accounts.models import Actor, Person
from warroom.accounts.services import create_token, create_user
from warroom.flows.declare import declare
from warroom.flows.entries import add_entry, settle_hypothesis
from warroom.flows.roles import assign_role
from warroom.flows.status import change_status
from warroom.incidents.models import Incident

ADMIN = "admin"
TITLE = "Database replication lag on primary"
ROSTER = [
    ("alice", "Alice Chen", "database"),
    ("bmartins", "Bruno Martins", "sre"),
    ("priya", "Priya Nair", "support"),
    ("marta", "Marta Jansen", "marketing"),
    ("kofi", "Kofi Mensah", "marketing"),
]


@dataclass(frozen=True)
class DemoResult:
    created: bool
    username: str
    password: str
    token: str
    slug: str


@transaction.atomic
def load_demo() -> DemoResult:
    """Create the demo data once; later runs only issue a fresh password and token for the admin,
    so no secret is ever stored in clear."""
    User = get_user_model()
    password = secrets.token_urlsafe(12)
    admin = User.objects.filter(username=ADMIN).first()
    created = admin is None
    if admin is None:
        admin = create_user(
            username=ADMIN,
            email="admin@example.com",
            name="Demo Admin",
            admin=True,
            password=password,
        )
        for username, name, team in ROSTER:
            Person.objects.get_or_create(
                username=username,
                defaults={"display_name": name, "email": f"{username}@example.com", "team": team},
            )
    else:
        admin.set_password(password)
        admin.save(update_fields=["password"])
        admin.tokens.filter(name="demo", revoked_at=None).update(revoked_at=timezone.now())
    incident = Incident.objects.filter(title=TITLE).first() or _demo_incident(admin)
    return DemoResult(
        created, ADMIN, password, create_token(user=admin, name="demo"), incident.slug
    )


def _demo_incident(by: Actor) -> Incident:
    now = timezone.now()

    def ago(minutes: int):
        return now - timedelta(minutes=minutes)

    incident = declare(
        title=TITLE,
        severity="S1",
        declared_by=by,
        summary="Writes to the primary database are slow and some pages show stale data.",
        commander="alice",
        detected_at=ago(52),
    )
    assign_role(incident=incident, role="communications", username="priya", by=by)
    add_entry(
        incident=incident,
        author=by,
        kind="event",
        occurred_at=ago(52),
        body="Alerts fire: replication lag on `db2` above 30 s.",
    )
    add_entry(
        incident=incident,
        author=by,
        kind="finding",
        occurred_at=ago(45),
        body="Lag peaks at 94 s; the [replication dashboard](https://grafana.example.com/d/repl) "
        "shows WAL apply stalling every 5 minutes.",
    )
    wrong = add_entry(
        incident=incident,
        author=by,
        kind="hypothesis",
        occurred_at=ago(40),
        body="A network partition between the two data centres slows WAL shipping.",
    )
    settle_hypothesis(
        entry=wrong,
        state="refuted",
        by=by,
        note="Network latency between data centres is normal (0.4 ms).",
    )
    right = add_entry(
        incident=incident,
        author=by,
        kind="hypothesis",
        occurred_at=ago(30),
        body="A nightly `VACUUM FULL` on the `events` table holds a lock on the replica.",
    )
    add_entry(
        incident=incident,
        author=by,
        kind="event",
        visibility="internal",
        occurred_at=ago(28),
        body="Alice Chen paged Bruno Martins for replica access; bridge in the war room.",
    )
    settle_hypothesis(
        entry=right,
        state="confirmed",
        by=by,
        note="The lock holder is the maintenance job started at 02:00.",
    )
    change_status(
        incident=incident,
        status="identified",
        by=by,
        message="We found the cause: a maintenance job blocks replication. Stopping it now.",
    )
    add_entry(
        incident=incident,
        author=by,
        kind="action",
        occurred_at=ago(10),
        body="Bruno stopped the maintenance job and rescheduled it for a quiet hour.",
    )
    return incident
