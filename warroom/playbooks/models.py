"""The playbook as it runs on one incident: its frozen definition, a row per step, and the pages to
marketing."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models


class IncidentPlaybook(models.Model):
    """The playbook frozen at declare time: editing the file changes only new incidents."""

    incident = models.OneToOneField(
        "incidents.Incident", on_delete=models.CASCADE, related_name="playbook"
    )
    name = models.CharField(max_length=200)
    definition = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.name} for {self.incident.slug}"


class StepRun(models.Model):
    class State(models.TextChoices):
        WAITING = "waiting", "Waiting for its trigger"
        OPEN = "open", "To do"
        DONE = "done", "Done"
        SKIPPED = "skipped", "Skipped"
        NOT_APPLICABLE = "n/a", "Not for this severity"

    incident = models.ForeignKey(
        "incidents.Incident", on_delete=models.CASCADE, related_name="steps"
    )
    step_id = models.CharField(max_length=60)
    position = models.PositiveIntegerField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.WAITING)
    triggered_at = models.DateTimeField(null=True, blank=True)
    # When the step is late if still open; timed steps also wake the scheduler then.
    due_at = models.DateTimeField(null=True, blank=True)
    next_run_at = models.DateTimeField(null=True, blank=True, db_index=True)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)  # what the step's action remembers
    runs = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["incident", "position"]
        constraints = [
            models.UniqueConstraint(fields=["incident", "step_id"], name="one_run_per_step")
        ]
        indexes = [models.Index(fields=["state", "next_run_at"], name="steprun_due")]

    def __str__(self) -> str:
        return f"{self.step_id}: {self.state}"


def _ack_token() -> str:
    return secrets.token_urlsafe(24)


class Page(models.Model):
    """A page to a marketing contact (G7), acknowledged by link or `warroom ack`."""

    incident = models.ForeignKey(
        "incidents.Incident", on_delete=models.CASCADE, related_name="pages"
    )
    person = models.ForeignKey("accounts.Person", on_delete=models.PROTECT, related_name="+")
    position = models.PositiveIntegerField()  # 1 = first in the escalation order
    message = models.ForeignKey(
        "comms.Message", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    token = models.CharField(max_length=64, unique=True, default=_ack_token)
    sent_at = models.DateTimeField()
    acked_at = models.DateTimeField(null=True, blank=True)
    acked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["incident", "position"]

    def __str__(self) -> str:
        return f"page {self.position} to {self.person.username}"

