"""Turning posted forms into service arguments. The services check the rules and say what is
wrong; this module only converts types and keeps what the responder typed, to show it again."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from django.http import QueryDict
from django.utils import timezone

from warroom.flows.live_stream import VETO_REASONS
from warroom.lib.errors import DomainError, Invalid
from warroom.timeline.models import WRITABLE_KINDS, Kind, Visibility


@dataclass(frozen=True)
class Form:
    """What a form shows: the values to fill in and the error to print above them."""

    values: dict[str, str] = field(default_factory=dict)
    error: str = ""

    @classmethod
    def posted(cls, post: QueryDict) -> Form:
        return cls(values={k: post.get(k, "") for k in post if k != "csrfmiddlewaretoken"})

    def failed(self, exc: DomainError) -> Form:
        return replace(self, error=exc.message)


def _text(post: QueryDict, name: str) -> str:
    return post.get(name, "").strip()


def _optional(post: QueryDict, name: str) -> str | None:
    return _text(post, name) or None


def parse_happened_at(value: str) -> datetime | None:
    """A time from the "happened at" field. The browser's picker sends no zone, and the
    dashboard shows every time in UTC, so a time without a zone is UTC."""
    value = value.strip()
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise Invalid(f"{value!r} is not a time; write it as 2026-11-29T14:02 (UTC)") from None
    return timezone.make_aware(parsed, UTC) if timezone.is_naive(parsed) else parsed


def entry_kwargs(post: QueryDict) -> dict[str, Any]:
    kind = _text(post, "kind") or Kind.EVENT
    if kind not in WRITABLE_KINDS:
        # Status, decision and comms entries are written by the services that make them true.
        raise Invalid(f"unknown kind {kind!r}; use one of {', '.join(WRITABLE_KINDS)}")
    return {
        "body": post.get("body", ""),
        "kind": kind,
        "visibility": Visibility.INTERNAL if post.get("internal") else Visibility.PUBLIC,
        "occurred_at": parse_happened_at(post.get("happened_at", "")),
    }


def declare_kwargs(post: QueryDict) -> dict[str, Any]:
    return {
        "title": post.get("title", ""),
        "severity": _text(post, "severity"),
        "summary": post.get("summary", ""),
        "commander": _optional(post, "commander"),
        "communications": _optional(post, "communications"),
    }


def status_kwargs(post: QueryDict) -> dict[str, Any]:
    return {"status": _text(post, "status"), "message": post.get("message", "")}


def role_kwargs(post: QueryDict) -> dict[str, Any]:
    return {"role": _text(post, "role"), "username": _text(post, "username").lstrip("@")}


def correction_kwargs(post: QueryDict) -> dict[str, Any]:
    return {"text": _text(post, "text"), "kind": _text(post, "kind")}


# The playbook panels


def step_kwargs(post: QueryDict) -> dict[str, Any]:
    return {"done": post.get("state") == "done", "reason": _text(post, "reason")}


def live_reason(post: QueryDict) -> str:
    """A veto's reason: one of the service's own reasons, in its words, or the responder's; with
    both, the details follow the reason. Empty when neither is given, so the service says why."""
    choice, details = _text(post, "reason"), _text(post, "details")
    if choice in VETO_REASONS:
        return f"{VETO_REASONS[choice]} ({details})" if details else choice
    return details


def decision_kwargs(post: QueryDict) -> dict[str, Any]:
    topic = _text(post, "topic")
    if topic == "other":
        topic = _text(post, "other_topic")
    return {"topic": topic, "choice": _text(post, "choice"), "reason": _text(post, "reason")}


def review(post: QueryDict) -> str:
    """approve, reject or edit (with the new text in `body`)."""
    decision = _text(post, "decision")
    if decision not in ("approve", "reject", "edit"):
        raise Invalid(f"unknown decision {decision!r}; use approve, reject or edit")
    return decision


def web_address(post: QueryDict, name: str) -> str:
    """An optional http(s) address: it ends up in a link on the public page."""
    value = _text(post, name)
    if value and not value.lower().startswith(("https://", "http://")):
        raise Invalid(f"{value!r} is not a web address; it starts with https://")
    return value
