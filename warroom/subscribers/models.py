"""People and systems that asked to hear about incidents: e-mail addresses (double opt-in) and
webhook URLs (signed with the Standard Webhooks scheme)."""

from __future__ import annotations

import base64
import secrets

from django.db import models


def _token() -> str:
    return secrets.token_urlsafe(24)


def _webhook_secret() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()


class Subscriber(models.Model):
    class Kind(models.TextChoices):
        EMAIL = "email", "E-mail"
        WEBHOOK = "webhook", "Webhook"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    address = models.CharField(max_length=500)  # an e-mail address or an https URL
    confirmed = models.BooleanField(default=False)
    # Secrets of the links in the mails and of the webhook signatures: never shown publicly.
    confirm_token = models.CharField(max_length=64, unique=True, default=_token)
    unsubscribe_token = models.CharField(max_length=64, unique=True, default=_token)
    secret = models.CharField(max_length=80, default=_webhook_secret)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # Only incidents that affect one of these (none: every incident).
    components = models.ManyToManyField("impact.Component", blank=True, related_name="subscribers")

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "address"], name="one_subscription_per_address")
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.address}"
