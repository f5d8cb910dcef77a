"""REST: the checklist, steps, pages, decisions, the live stream and message approvals."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from ninja import Router, Schema
from ninja.responses import Status as Reply

from warroom.comms import approvals, posts
from warroom.comms.models import Message
from warroom.flows import live_stream
from warroom.flows import messages as messaging
from warroom.incidents.services import get_incident
from warroom.playbooks import engine, services

router = Router(tags=["playbook"])


class StepOut(Schema):
    id: str
    title: str
    guideline: str | None
    owner: str
    state: str
    triggered: bool
    due_at: datetime | None
    done_at: datetime | None
    done_by: str | None
    reason: str
    link: str


class StepIn(Schema):
    state: Literal["done", "skip"]
    reason: str = ""


class DecisionIn(Schema):
    topic: str
    choice: str
    reason: str = ""


class LiveIn(Schema):
    decision: Literal["approve", "veto"]
    reason: str = ""
    url: str = ""


class LiveOut(Schema):
    state: str
    url: str
    reason: str


class MessageOut(Schema):
    id: int
    kind: str
    channel: str
    recipient: str
    public: bool
    subject: str
    body: str
    state: str
    approval_role: str
    created_at: datetime


class PostIn(Schema):
    channel: str
    text: str


class MessageEditIn(Schema):
    text: str


class OkOut(Schema):
    detail: str


def message_out(m: Message) -> dict:
    fields = [
        "id",
        "kind",
        "channel",
        "recipient",
        "public",
        "subject",
        "body",
        "state",
        "approval_role",
        "created_at",
    ]
    return {f: getattr(m, f) for f in fields}


@router.get(
    "/incidents/{slug}/checklist",
    response=list[StepOut],
    summary="The playbook's steps and their state",
)
def checklist(request, slug: str):
    return services.checklist(get_incident(slug))


@router.post(
    "/incidents/{slug}/steps/{step_id}", response=StepOut, summary="Mark a step done or skip it"
)
def mark_step(request, slug: str, step_id: str, payload: StepIn):
    incident = get_incident(slug)
    engine.mark(
        incident=incident,
        step_id=step_id,
        done=payload.state == "done",
        reason=payload.reason,
        by=request.auth,
    )
    return next(s for s in services.checklist(incident) if s["id"] == step_id)


@router.post("/incidents/{slug}/ack", response=OkOut, summary="Acknowledge the marketing page")
def ack(request, slug: str):
    page = services.ack(incident=get_incident(slug), by=request.auth)
    return {"detail": f"page {page.position} to {page.person.username} acknowledged"}


@router.post("/incidents/{slug}/decisions", response={201: OkOut}, summary="Record a decision")
def decide(request, slug: str, payload: DecisionIn):
    services.decide(incident=get_incident(slug), by=request.auth, **payload.dict())
    return Reply(201, {"detail": "recorded"})


@router.post("/incidents/{slug}/live", response=LiveOut, summary="Approve or veto the live stream")
def live(request, slug: str, payload: LiveIn):
    incident = get_incident(slug)
    if payload.decision == "approve":
        stream = live_stream.approve(incident=incident, by=request.auth, url=payload.url)
    else:
        stream = live_stream.veto(incident=incident, by=request.auth, reason=payload.reason)
    return {"state": stream.state, "url": stream.url, "reason": stream.reason}


@router.get(
    "/incidents/{slug}/messages",
    response=list[MessageOut],
    summary="Messages drafted, pending, sent",
)
def messages(request, slug: str):
    return [message_out(m) for m in get_incident(slug).messages.all()]


@router.post(
    "/incidents/{slug}/posts", response={201: MessageOut}, summary="Post publicly to a channel"
)
def post(request, slug: str, payload: PostIn):
    message = posts.post(
        incident=get_incident(slug), channel=payload.channel, text=payload.text, by=request.auth
    )
    return Reply(201, message_out(message))


@router.post("/messages/{message_id}/approve", response=MessageOut, summary="Approve a message")
def approve(request, message_id: int):
    return message_out(messaging.approve(message_id=message_id, by=request.auth))


@router.patch(
    "/messages/{message_id}", response=MessageOut, summary="Edit a message awaiting approval"
)
def edit(request, message_id: int, payload: MessageEditIn):
    return message_out(approvals.edit(message_id=message_id, text=payload.text, by=request.auth))


@router.post("/messages/{message_id}/reject", response=MessageOut, summary="Reject a message")
def reject(request, message_id: int):
    return message_out(messaging.reject(message_id=message_id, by=request.auth))
