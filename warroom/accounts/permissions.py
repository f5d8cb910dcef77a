"""Who may do what. Responders act on incidents; everyone else sees only the public side."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, User

from warroom.accounts.models import RESPONDERS_GROUP


def is_responder(user: User | AnonymousUser) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    # Cached on the user object: the API and dashboard ask once per request.
    cached = getattr(user, "_warroom_is_responder", None)
    if cached is None:
        cached = user.groups.filter(name=RESPONDERS_GROUP).exists()
        vars(user)["_warroom_is_responder"] = cached  # an attribute of our own, not a field
    return cached
