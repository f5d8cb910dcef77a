"""Where an incident's outage issue lives, per tracker and project, so that exporting again
updates that issue instead of opening a second one (G9)."""

from __future__ import annotations

from django.db import models


class TrackerIssue(models.Model):
    class Tracker(models.TextChoices):
        GITLAB = "gitlab", "GitLab"
        GITHUB = "github", "GitHub"

    incident = models.ForeignKey(
        "incidents.Incident", on_delete=models.CASCADE, related_name="tracker_issues"
    )
    tracker = models.CharField(max_length=10, choices=Tracker.choices)
    project = models.CharField(max_length=300)  # GitLab's group/project, GitHub's owner/repo
    number = models.PositiveIntegerField()  # GitLab's iid, GitHub's number
    url = models.URLField(max_length=500)
    # The labels warroom set last time: on the next export it removes those it no longer sets
    # (a changed severity) and leaves alone the ones people added in the tracker.
    labels = models.JSONField(default=list, blank=True)
    exported_at = models.DateTimeField()

    class Meta:
        ordering = ["exported_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["incident", "tracker", "project"], name="one_issue_per_tracker_project"
            )
        ]

    def __str__(self) -> str:
        return f"{self.incident.slug} → {self.url}"
