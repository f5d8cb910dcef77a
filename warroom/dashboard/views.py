"""The responder dashboard: every view needs a logged-in responder."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from warroom.accounts.permissions import is_responder
from warroom.incidents.models import Incident
from warroom.incidents.services import current_roles, get_incident
from warroom.lib.errors import NotFound


def _require_responder(request: HttpRequest) -> None:
    if not is_responder(request.user):
        raise PermissionDenied("responders only")


@login_required
def incident_list(request: HttpRequest) -> HttpResponse:
    _require_responder(request)
    return render(request, "dashboard/list.html", {"incidents": Incident.objects.all()[:200]})


@login_required
def incident_detail(request: HttpRequest, slug: str) -> HttpResponse:
    _require_responder(request)
    try:
        incident = get_incident(slug)
    except NotFound as exc:
        from django.http import Http404

        raise Http404(exc.message) from None
    return render(
        request,
        "dashboard/incident.html",
        {
            "incident": incident,
            "roles": current_roles(incident),
            "entries": incident.entries.select_related("author"),
        },
    )
