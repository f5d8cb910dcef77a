"""The post-mortem editor (G17): the Markdown on the left, the blameless check's findings on the
right, updated as the responder types; save keeps a revision, publish also puts it on the public
page, refused while a name remains."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from warroom.dashboard.access import actor, is_htmx, responder_required
from warroom.dashboard.views import incident_or_404
from warroom.flows import postmortem as publishing
from warroom.incidents.models import Incident, Status
from warroom.lib.errors import DomainError
from warroom.writeups import postmortem as services
from warroom.writeups.language import BLAME, NAME
from warroom.writeups.postmortem_draft import draft

REVISIONS_SHOWN = 20


def _findings_context(incident: Incident, body: str) -> dict[str, Any]:
    findings = services.findings(incident, body)
    return {
        "findings": findings,
        "name_count": sum(f.kind == NAME for f in findings),
        "blame_count": sum(f.kind == BLAME for f in findings),
    }


def _page(
    request: HttpRequest, incident: Incident, *, body: str | None = None, error: str = ""
) -> HttpResponse:
    saved = services.current(incident)
    if body is None:
        try:
            body = saved.body if saved else draft(incident)
        except DomainError as exc:  # an organisation's template that does not render
            body, error = "", exc.message
    context = {
        "incident": incident,
        "postmortem": saved,
        "body": body,
        "error": error,
        "can_publish": incident.status in (Status.RESOLVED, Status.POSTMORTEM),
        "unpublished_changes": bool(
            saved and saved.is_published and saved.published_body != saved.body
        ),
        "revisions": saved.revisions.select_related("saved_by")[:REVISIONS_SHOWN] if saved else [],
        "public_url": f"{settings.PUBLIC_URL}{incident.public_path}",
        **_findings_context(incident, body),
    }
    return render(request, "dashboard/postmortem.html", context, status=422 if error else 200)


@responder_required
@require_http_methods(["GET", "POST"])
def editor(request: HttpRequest, slug: str) -> HttpResponse:
    incident = incident_or_404(slug)
    if request.method == "GET":
        return _page(request, incident)
    body = request.POST.get("body", "")
    publish = request.POST.get("action") == "publish"
    try:
        # Saved first: a refused publication keeps the edit.
        postmortem = services.save(incident=incident, body=body, by=actor(request))
        if publish:
            publishing.publish(incident=incident, by=actor(request))
    except DomainError as exc:
        return _page(request, incident, body=body, error=exc.message)
    if publish:
        messages.success(request, "Published: the post-mortem is on the public page.")
    else:
        messages.success(request, f"Saved as revision {postmortem.revision}.")
    return redirect(reverse("dashboard:postmortem", args=[incident.slug]))


@responder_required
@require_POST
def check_partial(request: HttpRequest, slug: str) -> HttpResponse:
    """The findings for the text being typed (nothing is saved)."""
    incident = incident_or_404(slug)
    if not is_htmx(request):
        return redirect(reverse("dashboard:postmortem", args=[incident.slug]))
    context = {"incident": incident, **_findings_context(incident, request.POST.get("body", ""))}
    return render(request, "dashboard/_postmortem_findings.html", context)
