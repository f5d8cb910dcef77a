"""The Incident, who holds which role on it, and what was decided for the public: the live
stream (G11) and the post-mortem (G17)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Severity(models.TextChoices):
    S1 = "S1", "S1 (critical)"
    S2 = "S2", "S2 (major)"
    S3 = "S3", "S3 (minor)"
    S4 = "S4", "S4 (low)"


class Status(models.TextChoices):
    INVESTIGATING = "investigating", "Investigating"
    IDENTIFIED = "identified", "Identified"
    MONITORING = "monitoring", "Monitoring"
    RESOLVED = "resolved", "Resolved"
    # Resolved, and its post-mortem published: only publishing the post-mortem sets it.
    POSTMORTEM = "postmortem", "Post-mortem"


# The problem is over: the incident stops reminding, taking reports and counting as open.
CLOSED_STATUSES = (Status.RESOLVED, Status.POSTMORTEM)


class Role(models.TextChoices):
    COMMANDER = "commander", "Incident commander"
    COMMUNICATIONS = "communications", "Communications"
    MARKETING = "marketing", "Marketing"
    SUPPORT = "support", "Support"
    SCRIBE = "scribe", "Scribe"
    RESPONDER = "responder", "Responder"


class Incident(models.Model):
    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=200)
    severity = models.CharField(max_length=2, choices=Severity.choices)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.INVESTIGATING)
    summary = models.TextField(blank=True)
    declared_at = models.DateTimeField()
    detected_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Internal: the conference link is for responders until a later step makes it public.
    war_room_url = models.URLField(max_length=500, blank=True)

    class Meta:
        ordering = ["-declared_at", "-id"]
        indexes = [models.Index(fields=["status", "-declared_at"], name="incident_status_declared")]

    def __str__(self) -> str:
        return f"{self.slug}: {self.title}"

    @property
    def is_open(self) -> bool:
        return self.status not in CLOSED_STATUSES

    @property
    def public_path(self) -> str:
        return f"/incidents/{self.slug}/"

    # What the playbook told whoever declared it (flows.declare sets it; it is not stored).
    warnings: list[str]



class RoleAssignment(models.Model):
    """Who holds a role, from when to when. A handover ends the old row and starts a new one, so
    the record shows every holder (G13)."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(max_length=20, choices=Role.choices)
    person = models.ForeignKey("accounts.Person", on_delete=models.PROTECT, related_name="+")
    assigned_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["assigned_at", "id"]
        constraints = [
            # A role has one current holder, except responders, of whom there are many.
            models.UniqueConstraint(
                fields=["incident", "role"],
                condition=models.Q(ended_at=None) & ~models.Q(role="responder"),
                name="one_current_holder_per_role",
            )
        ]

    def __str__(self) -> str:
        return f"{self.role}: {self.person.username}"


class LiveStream(models.Model):
    """Making the war room live (G11): proposed by the playbook, approved by the commander,
    vetoed by anyone on the incident with a reason."""

    class State(models.TextChoices):
        PROPOSED = "proposed", "Proposed"
        LIVE = "live", "Live"
        VETOED = "vetoed", "Vetoed"

    incident = models.OneToOneField(
        "incidents.Incident", on_delete=models.CASCADE, related_name="live_stream"
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.PROPOSED)
    url = models.URLField(max_length=500, blank=True)
    reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"live stream of {self.incident.slug}: {self.state}"


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
