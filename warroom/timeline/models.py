"""The append-only timeline. An entry's current text lives on Entry; every version, the first
included, is an EntryRevision, so an edit never destroys what was written before."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Kind(models.TextChoices):
    EVENT = "event", "Event"
    FINDING = "finding", "Finding"
    HYPOTHESIS = "hypothesis", "Hypothesis"
    ACTION = "action", "Action"
    STATUS = "status", "Status update"
    DECISION = "decision", "Decision"
    COMMS = "comms", "Communication"
    # What a visitor sees, sent from the public page: internal until a responder promotes it.
    REPORT = "report", "Community report"


# What a responder may write by hand; the others are written by services.
WRITABLE_KINDS = [Kind.EVENT, Kind.FINDING, Kind.HYPOTHESIS, Kind.ACTION]


class Visibility(models.TextChoices):
    PUBLIC = "public", "Public"
    INTERNAL = "internal", "Internal"


class HypothesisState(models.TextChoices):
    OPEN = "open", "Unconfirmed"
    CONFIRMED = "confirmed", "Confirmed"
    REFUTED = "refuted", "Refuted"


class Entry(models.Model):
    incident = models.ForeignKey(
        "incidents.Incident", on_delete=models.CASCADE, related_name="entries"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.EVENT)
    visibility = models.CharField(
        max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    occurred_at = models.DateTimeField()
    recorded_at = models.DateTimeField()
    body = models.TextField()
    hypothesis_state = models.CharField(max_length=10, choices=HypothesisState.choices, blank=True)
    # Facts a service attaches: the status a status entry set, the entry a note is about, …
    data = models.JSONField(default=dict, blank=True)
    revision = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name_plural = "entries"
        indexes = [
            models.Index(
                fields=["incident", "visibility", "-occurred_at"], name="entry_public_order"
            )
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.kind}: {self.body[:40]}"

    @property
    def is_public(self) -> bool:
        return self.visibility == Visibility.PUBLIC


class EntryRevision(models.Model):
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    body = models.TextField()
    kind = models.CharField(max_length=20, choices=Kind.choices)
    visibility = models.CharField(max_length=10, choices=Visibility.choices)
    hypothesis_state = models.CharField(max_length=10, choices=HypothesisState.choices, blank=True)
    occurred_at = models.DateTimeField()
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    edited_at = models.DateTimeField()

    class Meta:
        ordering = ["entry", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["entry", "number"], name="one_revision_number_per_entry"
            )
        ]

    def __str__(self) -> str:
        return f"#{self.entry_id} r{self.number}"
