"""The cockpit's community reports panel: promote a report to the public timeline, or dismiss
it. Like the playbook panels: to HTMX the panel, to a plain POST a redirect with a message; a
DomainError (someone else was quicker) comes back in the panel, status 422 so that HTMX shows it."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from warroom.dashboard import reports_panel
from warroom.dashboard.access import actor, is_htmx, responder_required
from warroom.dashboard.forms import Form
from warroom.dashboard.views import cockpit_url, incident_or_404, render_cockpit
from warroom.incidents.models import Incident
from warroom.lib.errors import DomainError, NotFound
from warroom.reports import services
from warroom.timeline.models import Entry


def _panel(request: HttpRequest, incident: Incident, *, error: str = "") -> HttpResponse:
    context = {
        "incident": incident,
        **reports_panel.context(incident),
        "forms": {"report": Form(error=error)},
    }
    return render(request, "dashboard/_reports.html", context, status=422 if error else 200)


def _answer(
    request: HttpRequest, incident: Incident, *, done: str = "", error: str = ""
) -> HttpResponse:
    if is_htmx(request):
        return _panel(request, incident, error=error)
    if error:
        return render_cockpit(request, incident, failed={"report": Form(error=error)}, status=422)
    messages.success(request, done)
    return redirect(cockpit_url(incident, "reports"))


def _report(incident: Incident, report_id: int) -> Entry:
    try:
        return services.get_report(report_id, incident=incident)
    except NotFound as exc:
        raise Http404(exc.message) from None


@responder_required
@require_GET
@vary_on_headers("HX-Request")
def reports_partial(request: HttpRequest, slug: str) -> HttpResponse:
    """What the panel polls: 204 while no report arrived or left, the panel once one did."""
    incident = incident_or_404(slug)
    if not is_htmx(request):
        return redirect(cockpit_url(incident, "reports"))
    if request.GET.get("v") == reports_panel.fingerprint(incident):
        return HttpResponse(status=204)
    return _panel(request, incident)


@responder_required
@require_POST
def promote_report(request: HttpRequest, slug: str, report_id: int) -> HttpResponse:
    incident = incident_or_404(slug)
    try:
        services.promote(report=_report(incident, report_id), by=actor(request))
    except DomainError as exc:
        return _answer(request, incident, error=exc.message)
    done = "Report promoted: it is on the public timeline, redacted and without the contact."
    return _answer(request, incident, done=done)


@responder_required
@require_POST
def dismiss_report(request: HttpRequest, slug: str, report_id: int) -> HttpResponse:
    incident = incident_or_404(slug)
    try:
        services.dismiss(report=_report(incident, report_id), by=actor(request))
    except DomainError as exc:
        return _answer(request, incident, error=exc.message)
    return _answer(request, incident, done="Report dismissed.")
