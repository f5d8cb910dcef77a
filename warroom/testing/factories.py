"""Plain factories for tests: each makes one thing through the real services."""

from __future__ import annotations

import itertools

from django.contrib.auth import get_user_model

from warroom.accounts.models import Actor
from warroom.accounts.services import create_token, create_user
from warroom.flows.declare import declare
from warroom.flows.entries import add_entry
from warroom.incidents.models import Incident
from warroom.timeline.models import Entry

_numbers = itertools.count(1)


def make_user(username: str | None = None, *, name: str = "", responder: bool = True, admin=False):
    username = username or f"user{next(_numbers)}"
    if responder or admin:
        return create_user(
            username=username,
            email=f"{username}@example.com",
            name=name,
            admin=admin,
            password="correct horse battery staple",
        )
    user = get_user_model().objects.create_user(
        username, f"{username}@example.com", "correct horse battery staple"
    )
    return user


def make_token(user) -> str:
    return create_token(user=user)


def make_incident(
    title: str = "Database replication lag on primary", *, by: Actor = None, **kwargs
) -> Incident:
    by = by or make_user()
    kwargs.setdefault("severity", "S1")
    return declare(title=title, declared_by=by, **kwargs)


def make_entry(incident: Incident, body: str = "Replication lag is 40 s on db2", **kwargs) -> Entry:
    kwargs.setdefault("author", incident.declared_by)
    return add_entry(incident=incident, body=body, **kwargs)
