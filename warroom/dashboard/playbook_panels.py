"""What the cockpit shows of the playbook (G16: the communications lead follows it): the checklist
per role, the warnings, the messages, the live stream, the marketing pages and the decisions.
Presentation only; the playbook services say what state everything is in."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count, Min
from django.utils import timezone

from warroom.comms.models import Message
from warroom.dashboard.forms import Form
from warroom.dashboard.templatetags.dashboard_tags import person_name
from warroom.flows.live_stream import VETO_REASONS
from warroom.incidents import services as incidents
from warroom.incidents.models import Incident, LiveStream, Role, Status
from warroom.playbooks import engine, services
from warroom.playbooks.format import Playbook, Step

OPEN_STATES = ("pending", "overdue")
VETO_CHOICES = [*VETO_REASONS.items(), ("other", "another reason (say which)")]
DECISION_TOPICS = [("blog_post", "Blog post (G10)"), ("live_stream", "Live stream (G11)")]
FORM_NAMES = ("step", "message", "live_approve", "live_veto", "ack", "decision")


def blank_forms() -> dict[str, Form]:
    return {name: Form() for name in FORM_NAMES}


def _hhmm(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%H:%M")


def _span(value: timedelta) -> str:
    hours, minutes = divmod(int(value.total_seconds() // 60), 60)
    if hours:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    return f"{minutes} min"


def waits_for(step: Step, item: dict[str, Any], titles: dict[str, str]) -> str:
    """What starts a step that has not started yet, in words, from its trigger."""
    trigger = step.trigger
    if trigger.kind == "status" and trigger.status in Status.values:
        return f"status {Status(trigger.status).label}"
    if trigger.kind == "resolve":
        return "the incident to be resolved"
    if trigger.kind == "after" and trigger.interval is not None:
        text = f"{_span(trigger.interval)} after declaring"
        if item["due_at"]:
            text += f" ({_hhmm(item['due_at'])})"
        if trigger.unless:
            text += f", unless “{titles.get(trigger.unless, trigger.unless)}” is done by then"
        return text
    if trigger.kind == "every" and trigger.interval is not None:
        return f"its first check (every {_span(trigger.interval)})"
    return "the declaration"


def closes_when(step: Step) -> str:
    """For a step that closes by itself, what closes it: no need to press Done."""
    kind, _, value = step.done.partition(":")
    if kind == "ack":
        return "a marketing contact acknowledges the page"
    if kind == "status":
        return f"the status is {Status(value).label}" if value in Status.values else ""
    if kind == "role":
        label = Role(value).label.lower() if value in Role.values else value
        return f"someone is named {label}"
    if kind == "entry":
        return f"the timeline has a {value} entry"
    if kind == "decision":
        return f"a decision on {value.replace('_', ' ')} is recorded"
    return ""  # manual steps wait for a person; action steps for their action


def _names(usernames: set[str]) -> dict[str, str]:
    users = get_user_model().objects.filter(username__in=usernames)
    return {u.get_username(): person_name(u) for u in users}


def _decorate(items: list[dict], playbook: Playbook) -> list[dict]:
    titles = {step.id: step.title for step in playbook.steps}
    names = _names({i["done_by"] for i in items if i["done_by"]})
    decorated = []
    for item in items:
        step = playbook.step(item["id"])
        is_open = item["state"] in OPEN_STATES
        decorated.append(
            {
                **item,
                "is_open": is_open,
                "waits_for": waits_for(step, item, titles) if not item["triggered"] else "",
                "closes_when": closes_when(step) if is_open else "",
                "done_by_name": names.get(item["done_by"], item["done_by"] or ""),
            }
        )
    return decorated


def _groups(items: list[dict], incident: Incident) -> list[dict[str, Any]]:
    """The applicable steps per owner role, roles in the order of their first step."""
    holders: dict[str, list[str]] = {}
    for assignment in incidents.current_roles(incident):
        holders.setdefault(assignment.role, []).append(assignment.person.display_name)
    groups: dict[str, dict[str, Any]] = {}
    for item in items:
        if item["state"] == "n/a":
            continue
        role = item["owner"]
        group = groups.setdefault(
            role,
            {
                "role": role,
                "label": Role(role).label if role in Role.values else role,
                "people": holders.get(role, []),
                "steps": [],
                "open": 0,
            },
        )
        group["steps"].append(item)
        group["open"] += item["state"] in OPEN_STATES and item["triggered"]
    return list(groups.values())


def missing_roles(incident: Incident, items: list[dict], playbook: Playbook) -> set[str]:
    """The roles an open `require_role` step asks for (G16): the role board marks them."""
    open_ids = {i["id"] for i in items if i["is_open"] and i["triggered"]}
    return {
        step.action.params.get("role", Role.COMMUNICATIONS)
        for step in playbook.steps
        if step.id in open_ids and step.action and step.action.name == "require_role"
    }


def _fingerprint(*parts: Any) -> str:
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:16]


def context(incident: Incident) -> dict[str, Any]:
    """Everything the playbook panels render; also what the checklist poll compares."""
    playbook = engine.playbook_of(incident)
    if playbook is engine.NO_PLAYBOOK:
        return {"has_playbook": False, "playbook_fingerprint": "", "missing_roles": set()}
    items = _decorate(services.checklist(incident), playbook)
    warnings = engine.pending_warnings(incident)
    messages = _messages(incident)
    stream = LiveStream.objects.filter(incident=incident).first()
    pages = list(incident.pages.select_related("person"))
    decisions = list(
        incident.entries.filter(kind="decision").select_related("author")
    )  # newest first
    return {
        "has_playbook": True,
        "playbook_name": playbook.name,
        "checklist": _groups(items, incident),
        "not_applicable": [i for i in items if i["state"] == "n/a"],
        "step_ids": [i["id"] for i in items if i["state"] != "n/a"],
        "overdue_count": sum(i["state"] == "overdue" for i in items),
        "missing_roles": missing_roles(incident, items, playbook),
        "warnings": warnings,
        "awaiting_approval": [m for m in messages if m.state == Message.State.AWAITING_APPROVAL],
        "other_messages": [
            m for m in reversed(messages) if m.state != Message.State.AWAITING_APPROVAL
        ],
        "stream": stream,
        "veto_choices": VETO_CHOICES,
        "pages": pages,
        "page_acked": any(p.acked_at for p in pages),
        "decisions": decisions,
        "decision_topics": DECISION_TOPICS,
        "playbook_fingerprint": _fingerprint(
            [(i["id"], i["state"], i["triggered"], i["due_at"], i["reason"]) for i in items],
            warnings,
            [(m.pk, m.state, m.group_states) for m in messages],
            stream and (stream.state, stream.url, stream.reason),
            [(p.pk, p.acked_at) for p in pages],
            [d.pk for d in decisions],
        ),
    }


def _messages(incident: Incident) -> list[Message]:
    """The incident's messages, each group (a fan-out to thousands of subscribers) as one: its
    first message, with `group_size` and `group_states` ({state: count}) set."""
    singles = list(incident.messages.filter(group=""))
    for message in singles:
        message.group_size, message.group_states = 0, {}
    counts: dict[str, dict[str, int]] = {}
    for group, state, count in (
        incident.messages.exclude(group="")
        .values_list("group", "state")
        .annotate(count=Count("id"))
        .order_by()
    ):
        counts.setdefault(group, {})[state] = count
    firsts = {}
    for message in incident.messages.filter(pk__in=_first_of_groups(incident)):
        message.group_states = counts[message.group]
        message.group_size = sum(message.group_states.values())
        if Message.State.AWAITING_APPROVAL in message.group_states:  # approved as one
            message.state = Message.State.AWAITING_APPROVAL
        firsts[message.group] = message
    return sorted([*singles, *firsts.values()], key=lambda m: (m.created_at, m.pk))


def _first_of_groups(incident):
    return (
        incident.messages.exclude(group="")
        .values("group")
        .annotate(first=Min("id"))
        .values("first")
    )
