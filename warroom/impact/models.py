"""What an incident affects: the product's components ("CI runners"), the customer segments
("Self-managed / on-premises"), and per incident an assessment of each, kept as a history of
changes (the latest per component or segment is the current state). The customers affected are
internal: public pages show only how many."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Level(models.TextChoices):
    """Statuspage's component statuses, "none" meaning operational."""

    NONE = "none", "Operational"
    DEGRADED = "degraded_performance", "Degraded performance"
    PARTIAL = "partial_outage", "Partial outage"
    MAJOR = "major_outage", "Major outage"
    MAINTENANCE = "under_maintenance", "Under maintenance"


# How each level reads for a customer, in plain words (G12): the public pages, the blog post.
LEVEL_WORDS = {
    Level.NONE: "not affected",
    Level.DEGRADED: "slower than usual (degraded performance)",
    Level.PARTIAL: "partly unavailable (partial outage)",
    Level.MAJOR: "unavailable (major outage)",
    Level.MAINTENANCE: "under maintenance",
}


class _Named(models.Model):
    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)
    position = models.PositiveIntegerField(default=0)  # order on the status page

    class Meta:
        abstract = True
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class Component(_Named):
    """A part of the product people see: "Git over SSH", "Web UI", "CI runners"."""


class Segment(_Named):
    """A kind of customer: self-managed / on-premises, dedicated hosted, SaaS."""


class Assessment(models.Model):
    """One change of an incident's impact on one component or segment."""

    incident = models.ForeignKey(
        "incidents.Incident", on_delete=models.CASCADE, related_name="assessments"
    )
    component = models.ForeignKey(
        Component, null=True, blank=True, on_delete=models.CASCADE, related_name="assessments"
    )
    segment = models.ForeignKey(
        Segment, null=True, blank=True, on_delete=models.CASCADE, related_name="assessments"
    )
    level = models.CharField(max_length=30, choices=Level.choices)
    at = models.DateTimeField()
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(component__isnull=False, segment__isnull=True)
                | models.Q(component__isnull=True, segment__isnull=False),
                name="assessment_of_one_component_or_segment",
            )
        ]

    def __str__(self) -> str:
        return f"{self.component or self.segment}: {self.level}"


class AffectedCustomer(models.Model):
    """Internal: who is affected, for support and the post-mortem. Public pages show a count."""

    incident = models.ForeignKey(
        "incidents.Incident", on_delete=models.CASCADE, related_name="affected_customers"
    )
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["incident", "name"], name="one_customer_per_incident")
        ]

    def __str__(self) -> str:
        return self.name
