"""Every message warroom means to send: announcements, pages, reminders. A message is written in
the same transaction as the change that caused it; until a channel delivers it, it stays
pending with its full content, so nothing is called sent that was not."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Message(models.Model):
    class Kind(models.TextChoices):
        ANNOUNCEMENT = "announcement", "Announcement"
        PAGE = "page", "Page"
        REMINDER = "reminder", "Reminder"
        BRIEFING = "briefing", "Support briefing"
        UPDATE = "update", "Status update to subscribers"
        SUBSCRIPTION = "subscription", "Subscription confirmation"
        POST = "post", "Post"
        ISSUE = "issue", "Outage issue"

    class State(models.TextChoices):
        AWAITING_APPROVAL = "awaiting_approval", "Awaiting approval"
        PENDING = "pending", "Pending delivery"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        REJECTED = "rejected", "Rejected"

    # None for messages about no incident (a subscription's confirmation).
    incident = models.ForeignKey(
        "incidents.Incident",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="messages",
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    channel = models.CharField(max_length=30)  # x, mastodon, bluesky, email, …
    recipient = models.CharField(max_length=500, blank=True)  # empty for public posts
    # A subscriber's message (a status update, a confirmation): the webhook channel signs with
    # the subscriber's secret; an unsubscribed one is not sent to any more.
    subscriber = models.ForeignKey(
        "subscribers.Subscriber",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="messages",
    )
    public = models.BooleanField(default=False)  # public messages pass the redactor
    subject = models.CharField(max_length=300, blank=True)
    body = models.TextField()
    # What a channel needs besides the text: a tracker's labels, …
    data = models.JSONField(default=dict, blank=True)
    state = models.CharField(max_length=20, choices=State.choices, default=State.PENDING)
    approval_role = models.CharField(max_length=20, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    idempotency_key = models.CharField(max_length=200, unique=True)
    # Messages written together (a status update's fan-out to every subscriber) share a group:
    # they are approved or rejected together, and shown as one.
    group = models.CharField(max_length=100, blank=True, db_index=True)
    # Not stored: set on the messages the dashboard shows, a group's first standing for it
    # (dashboard/playbook_panels.py `_messages`): how many it has, and how many in each state.
    group_size: int
    group_states: dict[str, int]
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Delivery: when the next try is due (the recovery sweep re-enqueues a message whose try is
    # long overdue, as after a worker killed mid-send), when it went, and why it failed.
    next_attempt_at = models.DateTimeField(null=True, blank=True, db_index=True)
    unsubscribe_url = models.URLField(max_length=500, blank=True)  # for messages to subscribers
    lease_until = models.DateTimeField(null=True, blank=True)  # a worker is sending it until then
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} via {self.channel}: {self.body[:40]}"


class DeliveryAttempt(models.Model):
    """One try at sending a message, kept whatever its outcome."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attempts")
    number = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    ok = models.BooleanField(default=False)
    code = models.CharField(max_length=20, blank=True)  # the other side's response code
    error = models.TextField(blank=True)
    permanent = models.BooleanField(default=False)

    class Meta:
        ordering = ["message", "number"]

    def __str__(self) -> str:
        return f"attempt {self.number} of message {self.message_id}: {'ok' if self.ok else self.error[:40]}"
