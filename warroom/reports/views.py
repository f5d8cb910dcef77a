"""The public report form: "What are you seeing?". The cached public page cannot carry a CSRF
token, so its box only links here; this page is never cached, carries the token and POSTs.
Rate-limited per client address, whatever the incident, so that one visitor cannot flood the
responders' inbox by hopping from incident to incident."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from warroom.incidents.models import Incident
from warroom.lib import ratelimit
from warroom.lib.errors import Conflict, Invalid
from warroom.projection.incident import public_text
from warroom.redaction.services import redactor_for
from warroom.reports import services

# Reports per client address: (limit, per seconds). Each POST counts in every window.
REPORT_LIMITS = ((3, 60), (20, 3600))
FIELDS = ("text", "region", "contact")
REGIONS = ("Europe", "North America", "South America", "Asia", "Africa", "Oceania")


def _incident_or_404(slug: str) -> Incident:
    incident = Incident.objects.filter(slug=slug).first()
    if incident is None:
        raise Http404("no such incident")
    return incident


def _render(
    request: HttpRequest, incident: Incident, template: str, status: int = 200, **context
) -> HttpResponse:
    # The title as the public page shows it: redacted, like everything public.
    context |= {"incident": incident, "title": public_text(incident.title, redactor_for(incident))}
    return render(request, f"reports/{template}", context, status=status)


def _too_many(request: HttpRequest, incident: Incident, windows: list[int]) -> HttpResponse:
    response = _render(request, incident, "too_many.html", status=429)
    response["Retry-After"] = str(max(ratelimit.retry_after(per) for per in windows))
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def report(request: HttpRequest, slug: str) -> HttpResponse:
    incident = _incident_or_404(slug)
    if request.method == "GET":
        if not incident.is_open:
            return _render(request, incident, "closed.html")
        return _render(request, incident, "report.html", values={}, regions=REGIONS)
    client = ratelimit.client_key(request)
    refused = [
        per
        for limit, per in REPORT_LIMITS
        if not ratelimit.hit(f"report:{client}", limit=limit, per_seconds=per)
    ]
    if refused:
        return _too_many(request, incident, refused)
    values = {name: request.POST.get(name, "") for name in FIELDS}
    try:
        services.submit(incident=incident, **values)
    except Conflict:
        return _render(request, incident, "closed.html", status=409)
    except Invalid as exc:
        context = {"values": values, "regions": REGIONS, "error": exc.message}
        return _render(request, incident, "report.html", status=422, **context)
    return _render(request, incident, "thanks.html")
