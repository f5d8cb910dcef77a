"""Who may open the dashboard, and how a refusal looks to a browser and to HTMX."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.models import User
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from warroom.accounts.permissions import is_responder


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def actor(request: HttpRequest) -> User:
    """The user acting in a view: `responder_required` lets none but a logged-in one through, so
    this is what a service's `by` or `author` gets."""
    user = request.user
    if not user.is_authenticated:
        raise PermissionDenied("sign in first")
    return user


def _to_login(request: HttpRequest) -> HttpResponse:
    if not is_htmx(request):
        return redirect_to_login(request.get_full_path())
    # No redirect for HTMX: following it would swap the login page into the timeline, and
    # sending the whole tab there would throw away what the responder was typing. The page
    # shows its "did not go through" notice instead, and the draft stays in the form.
    return HttpResponse("Your session has ended; sign in again.", status=401)


def responder_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Logged in (else to the login page) and a responder (else 403), checked before anything
    else, so an outsider learns nothing from a URL, not even which methods it accepts. Never
    cached: every page shows internal entries."""

    @never_cache
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return _to_login(request)
        if not is_responder(request.user):
            return render(request, "dashboard/forbidden.html", status=403)
        return view(request, *args, **kwargs)

    return wrapper
