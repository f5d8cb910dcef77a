"""The acknowledgment link in a marketing page (G7): no login, the unguessable token is the key.
GET shows what is acknowledged and a button; only the POST acknowledges, so a link preview in a
mail client cannot acknowledge for the person."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from warroom.playbooks import services
from warroom.playbooks.models import Page


@require_http_methods(["GET", "POST"])
def acknowledge(request: HttpRequest, token: str) -> HttpResponse:
    page = Page.objects.select_related("incident", "person").filter(token=token).first()
    if page is None:
        raise Http404("this acknowledgment link is not valid")
    if request.method == "POST":
        page = services.ack(token=token, by=request.user if request.user.is_authenticated else None)
    return render(request, "playbooks/ack.html", {"page": page, "incident": page.incident})
