"""People (the roster), API tokens, and who may act as a responder."""

from __future__ import annotations

import hashlib
import secrets
from typing import TypeAlias

from django.conf import settings
from django.contrib.auth.models import User
from django.db import models

RESPONDERS_GROUP = "responders"

# Who did something: a user, or nobody (the scheduler, a visitor, a delivery worker). Every
# service's `by` and `author` is one.
Actor: TypeAlias = User | None
TOKEN_PREFIX = "wr_"


class Person(models.Model):
    """Someone who can hold a role on an incident. The roster also feeds the redactor, so it
    holds every form a name is written in."""

    username = models.SlugField(max_length=150, unique=True)
    display_name = models.CharField(max_length=200)
    email = models.EmailField(blank=True)
    aliases = models.JSONField(default=list, blank=True)
    team = models.CharField(max_length=100, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)  # the redactor reloads the roster on change

    class Meta:
        ordering = ["id"]
        verbose_name_plural = "people"

    def __str__(self) -> str:
        return f"{self.display_name} ({self.username})"


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A bearer token. Only its SHA-256 is stored: the raw value is shown once, at creation."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="tokens"
    )
    name = models.CharField(max_length=100, blank=True)
    digest = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=12)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"

    @staticmethod
    def generate() -> str:
        return TOKEN_PREFIX + secrets.token_urlsafe(32)
