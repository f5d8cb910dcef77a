"""What redaction remembers per incident: who stands in for whom, and responders' corrections.
Both are internal: the public sees only the stand-ins."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Pseudonym(models.Model):
    incident = models.ForeignKey(
        "incidents.Incident", on_delete=models.CASCADE, related_name="pseudonyms"
    )
    key = models.CharField(max_length=300)  # person:<username>, name:<folded name>, handle:<handle>
    standin = models.CharField(max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["incident", "key"], name="one_standin_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.key} → {self.standin}"


class Correction(models.Model):
    class Kind(models.TextChoices):
        NOT_A_NAME = "not_a_name", "Not a name"
        NAME = "name", "A name"

    incident = models.ForeignKey(
        "incidents.Incident", on_delete=models.CASCADE, related_name="corrections"
    )
    text = models.CharField(max_length=200)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["incident", "text", "kind"], name="one_correction_per_text"
            )
        ]

    def __str__(self) -> str:
        return f"{self.text!r}: {self.kind}"
