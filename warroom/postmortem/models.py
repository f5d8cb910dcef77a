"""An incident's blameless post-mortem (G17): a Markdown document that responders edit, and the
version the public reads once published. Every saved version is kept as a revision."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class PostMortem(models.Model):
    incident = models.OneToOneField(
        "incidents.Incident", on_delete=models.CASCADE, related_name="postmortem"
    )
    body = models.TextField()  # the working copy, internal until published
    revision = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # What the public reads: a copy taken on publishing, so later edits stay internal until
    # they too pass the check and are published.
    published_body = models.TextField(blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return f"post-mortem of {self.incident_id} r{self.revision}"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class PostMortemRevision(models.Model):
    postmortem = models.ForeignKey(PostMortem, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    body = models.TextField()
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    saved_at = models.DateTimeField()

    class Meta:
        ordering = ["postmortem", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["postmortem", "number"], name="one_revision_number_per_postmortem"
            )
        ]

    def __str__(self) -> str:
        return f"post-mortem {self.postmortem_id} r{self.number}"
