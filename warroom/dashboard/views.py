"""The responder dashboard. Each view parses the form, calls one service and renders the
result; a DomainError goes back next to the form that caused it, with what was typed in it."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.db.models import Count, Prefetch, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from warroom.accounts.models import Person
from warroom.dashboard import forms, playbook_panels, reports_panel
from warroom.dashboard.access import actor, is_htmx, responder_required
from warroom.dashboard.forms import Form
from warroom.flows import declare as declaring
from warroom.flows import entries as timeline
from warroom.flows import roles as handover
from warroom.flows import status as statuses
from warroom.incidents import services as incidents
from warroom.incidents.models import CLOSED_STATUSES, Incident, Role, Severity, Status
from warroom.lib.errors import DomainError, NotFound
from warroom.playbooks.engine import pending_warnings
from warroom.projection.incident import public_incident
from warroom.redaction import services as blameless
from warroom.timeline.models import WRITABLE_KINDS, Entry, EntryRevision, Kind

RECENTLY_RESOLVED = 30


def incident_or_404(slug: str) -> Incident:
    try:
        return incidents.get_incident(slug)
    except NotFound as exc:
        raise Http404(exc.message) from None


def _entry(incident: Incident, entry_id: int) -> Entry:
    entry = Entry.objects.filter(incident=incident, pk=entry_id).first()
    if entry is None:
        raise Http404(f"incident {incident.slug!r} has no entry {entry_id}")
    return entry


def cockpit_url(incident: Incident, anchor: str = "") -> str:
    url = reverse("dashboard:incident", args=[incident.slug])
    return f"{url}#{anchor}" if anchor else url


def _roster() -> list[tuple[str, str]]:
    return list(Person.objects.order_by("username").values_list("username", "display_name"))


# The incident list and declaring


@responder_required
@require_GET
def incident_list(request: HttpRequest) -> HttpResponse:
    return _render_list(request, Form(values={"severity": ""}))


def _render_list(request: HttpRequest, declare_form: Form, status: int = 200) -> HttpResponse:
    context = {
        "open_incidents": Incident.objects.exclude(status__in=CLOSED_STATUSES),
        "resolved_incidents": Incident.objects.filter(status__in=CLOSED_STATUSES)[
            :RECENTLY_RESOLVED
        ],
        "form": declare_form,
        "severities": Severity.choices,
        "roster": _roster(),
    }
    return render(request, "dashboard/list.html", context, status=status)


@responder_required
@require_POST
def declare(request: HttpRequest) -> HttpResponse:
    form = Form.posted(request.POST)
    try:
        incident = declaring.declare(
            declared_by=actor(request), **forms.declare_kwargs(request.POST)
        )
    except DomainError as exc:
        return _render_list(request, form.failed(exc), status=422)
    messages.success(request, "Incident declared: the war room and the public page are open.")
    # What the playbook still needs is on top of the cockpit already; the rest only now.
    shown = set(pending_warnings(incident))
    for warning in getattr(incident, "warnings", []):
        if warning not in shown:
            messages.warning(request, warning)
    return redirect(cockpit_url(incident))


# The cockpit of one incident


def fingerprint(incident: Incident) -> str:
    """Changes whenever the timeline does: entries are only ever added, and every edit or
    hypothesis verdict raises an entry's revision number."""
    totals = Entry.objects.filter(incident=incident).aggregate(
        count=Count("id"), revisions=Sum("revision")
    )
    return f"{totals['count']}.{totals['revisions'] or 0}"


def _timeline_context(incident: Incident, error: str = "") -> dict[str, Any]:
    past_versions = EntryRevision.objects.filter(entry__revision__gt=1).select_related("edited_by")
    entries = (
        Entry.objects.filter(incident=incident)
        .select_related("author")
        .prefetch_related(Prefetch("revisions", queryset=past_versions))
    )
    return {
        "incident": incident,
        "entries": entries,
        "fingerprint": fingerprint(incident),
        "timeline_error": error,
    }


def _role_board(incident: Incident, missing: set[str]) -> list[dict[str, Any]]:
    """Who holds each role; `missing` are the roles the playbook still asks for (G16)."""
    holders: dict[str, list[Person]] = {}
    for assignment in incidents.current_roles(incident):
        holders.setdefault(assignment.role, []).append(assignment.person)
    return [
        {
            "label": role.label,
            "people": holders.get(role.value, []),
            "required": role.value in missing,
        }
        for role in Role
    ]


def render_cockpit(
    request: HttpRequest,
    incident: Incident,
    *,
    failed: dict[str, Form] | None = None,
    timeline_error: str = "",
    status: int = 200,
) -> HttpResponse:
    blank = {
        "entry": Form(values={"kind": Kind.EVENT}),
        "status": Form(values={"status": incident.status}),
        "role": Form(),
        "correction": Form(values={"kind": "not_a_name"}),
        **playbook_panels.blank_forms(),
    }
    playbook = playbook_panels.context(incident)
    context = {
        **_timeline_context(incident, timeline_error),
        **playbook,
        **reports_panel.context(incident),
        "forms": {**blank, **(failed or {})},
        "roles": _role_board(incident, playbook["missing_roles"]),
        "kinds": [(kind.value, kind.label) for kind in WRITABLE_KINDS],
        # The postmortem status comes with publishing the post-mortem, not from this form.
        "statuses": [c for c in Status.choices if c[0] != Status.POSTMORTEM],
        "role_choices": Role.choices,
        "roster": _roster(),
        "public_url": f"{settings.PUBLIC_URL}{incident.public_path}",
        "pseudonyms": blameless.mapping(incident),
        "corrections": incident.corrections.all(),
    }
    return render(request, "dashboard/incident.html", context, status=status)


@responder_required
@require_GET
def incident_detail(request: HttpRequest, slug: str) -> HttpResponse:
    return render_cockpit(request, incident_or_404(slug))


@responder_required
@require_GET
@vary_on_headers("HX-Request")
def timeline_partial(request: HttpRequest, slug: str) -> HttpResponse:
    """What the cockpit polls, so that responders see each other's entries: 204 while the
    timeline is unchanged (HTMX leaves the page alone), the timeline partial once it is not."""
    incident = incident_or_404(slug)
    if not is_htmx(request):
        return redirect(cockpit_url(incident, "timeline"))
    if request.GET.get("v") == fingerprint(incident):
        return HttpResponse(status=204)
    return render(request, "dashboard/_timeline.html", _timeline_context(incident))


def _timeline_answer(
    request: HttpRequest, incident: Incident, *, entry_form: Form | None = None, status: int = 200
) -> HttpResponse:
    """To HTMX, the timeline partial, and the entry form out of band when it was the form that
    posted (fresh after success, with the error and the text after a failure)."""
    context = {
        **_timeline_context(incident),
        "form": entry_form,
        "kinds": [(kind.value, kind.label) for kind in WRITABLE_KINDS],
    }
    return render(request, "dashboard/_timeline_answer.html", context, status=status)


@responder_required
@require_POST
def add_entry(request: HttpRequest, slug: str) -> HttpResponse:
    incident = incident_or_404(slug)
    form = Form.posted(request.POST)
    try:
        entry = timeline.add_entry(
            incident=incident, author=actor(request), **forms.entry_kwargs(request.POST)
        )
    except DomainError as exc:
        if is_htmx(request):
            return _timeline_answer(request, incident, entry_form=form.failed(exc), status=422)
        return render_cockpit(request, incident, failed={"entry": form.failed(exc)}, status=422)
    if is_htmx(request):
        return _timeline_answer(request, incident, entry_form=Form(values={"kind": Kind.EVENT}))
    return redirect(cockpit_url(incident, f"entry-{entry.pk}"))


@responder_required
@require_POST
def set_hypothesis(request: HttpRequest, slug: str, entry_id: int) -> HttpResponse:
    incident = incident_or_404(slug)
    entry = _entry(incident, entry_id)
    try:
        timeline.settle_hypothesis(
            entry=entry,
            state=request.POST.get("state", ""),
            by=actor(request),
            note=request.POST.get("note", ""),
        )
    except DomainError as exc:
        if is_htmx(request):
            context = _timeline_context(incident, exc.message)
            return render(request, "dashboard/_timeline.html", context, status=422)
        return render_cockpit(request, incident, timeline_error=exc.message, status=422)
    if is_htmx(request):
        return render(request, "dashboard/_timeline.html", _timeline_context(incident))
    return redirect(cockpit_url(incident, f"entry-{entry.pk}"))


@responder_required
@require_POST
def change_status(request: HttpRequest, slug: str) -> HttpResponse:
    incident = incident_or_404(slug)
    form = Form.posted(request.POST)
    try:
        incident = statuses.change_status(
            incident=incident, by=actor(request), **forms.status_kwargs(request.POST)
        )
    except DomainError as exc:
        return render_cockpit(request, incident, failed={"status": form.failed(exc)}, status=422)
    label = Status(incident.status).label
    messages.success(request, f"Status is now {label}; your message is on the public page.")
    return redirect(cockpit_url(incident, "timeline"))


@responder_required
@require_POST
def assign_role(request: HttpRequest, slug: str) -> HttpResponse:
    incident = incident_or_404(slug)
    form = Form.posted(request.POST)
    try:
        assignment = handover.assign_role(
            incident=incident, by=actor(request), **forms.role_kwargs(request.POST)
        )
    except DomainError as exc:
        return render_cockpit(request, incident, failed={"role": form.failed(exc)}, status=422)
    role = Role(assignment.role).label.lower()
    messages.success(request, f"{assignment.person.display_name} is now {role}.")
    return redirect(cockpit_url(incident, "roles"))


@responder_required
@require_GET
@vary_on_headers("HX-Request")
def public_preview(request: HttpRequest, slug: str) -> HttpResponse:
    """The public projection, the very dict the public page renders, shown to responders."""
    incident = incident_or_404(slug)
    context = {"incident": incident, "public": public_incident(incident)}
    template = "dashboard/_public_preview.html" if is_htmx(request) else "dashboard/preview.html"
    return render(request, template, context)


# Redaction (G5): who stands in for whom, and corrections


@responder_required
@require_POST
def add_correction(request: HttpRequest, slug: str) -> HttpResponse:
    incident = incident_or_404(slug)
    form = Form.posted(request.POST)
    try:
        blameless.add_correction(
            incident=incident, by=actor(request), **forms.correction_kwargs(request.POST)
        )
    except DomainError as exc:
        return render_cockpit(
            request, incident, failed={"correction": form.failed(exc)}, status=422
        )
    messages.success(request, "Redaction corrected; the public page shows the change.")
    return redirect(cockpit_url(incident, "redaction"))


@responder_required
@require_POST
def remove_correction(request: HttpRequest, slug: str, correction_id: int) -> HttpResponse:
    incident = incident_or_404(slug)
    try:
        blameless.remove_correction(
            incident=incident, correction_id=correction_id, by=actor(request)
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(cockpit_url(incident, "redaction"))
