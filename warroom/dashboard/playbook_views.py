"""The cockpit's playbook panels: mark a step, approve a message, approve or veto the live
stream, acknowledge the marketing page, record a decision. Each view parses, calls one service
and answers like the timeline does: to HTMX the checklist with the other panels out of band, to
a plain POST a redirect; a DomainError comes back next to the form that caused it, with what
was typed in it, status 422 (a refusal for lack of a role too, so that HTMX shows it)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from warroom.comms import approvals
from warroom.dashboard import forms, playbook_panels
from warroom.dashboard.access import actor, is_htmx, responder_required
from warroom.dashboard.forms import Form
from warroom.dashboard.views import cockpit_url, incident_or_404, render_cockpit
from warroom.flows import live_stream
from warroom.flows import messages as messaging
from warroom.incidents.models import Incident
from warroom.lib.errors import DomainError
from warroom.playbooks import engine, services


def _answer(
    request: HttpRequest,
    incident: Incident,
    *,
    done: str = "",
    failed: dict[str, Form] | None = None,
    anchor: str = "checklist",
) -> HttpResponse:
    status = 422 if failed else 200
    if is_htmx(request):
        context = {
            "incident": incident,
            **playbook_panels.context(incident),
            "forms": {**playbook_panels.blank_forms(), **(failed or {})},
        }
        return render(request, "dashboard/_playbook_answer.html", context, status=status)
    if failed:
        return render_cockpit(request, incident, failed=failed, status=status)
    messages.success(request, done)
    return redirect(cockpit_url(incident, anchor))


@responder_required
@require_GET
@vary_on_headers("HX-Request")
def playbook_partial(request: HttpRequest, slug: str) -> HttpResponse:
    """What the checklist polls: 204 while nothing changed, the panels once something did (a
    step fell overdue, someone approved, a page went to the next contact)."""
    incident = incident_or_404(slug)
    if not is_htmx(request):
        return redirect(cockpit_url(incident, "checklist"))
    context = playbook_panels.context(incident)
    if request.GET.get("v") == context["playbook_fingerprint"]:
        return HttpResponse(status=204)
    context |= {"incident": incident, "forms": playbook_panels.blank_forms()}
    return render(request, "dashboard/_playbook_answer.html", context)


@responder_required
@require_POST
def mark_step(request: HttpRequest, slug: str, step_id: str) -> HttpResponse:
    incident = incident_or_404(slug)
    form = Form(values={**Form.posted(request.POST).values, "step": step_id})
    try:
        run = engine.mark(
            incident=incident, step_id=step_id, by=actor(request), **forms.step_kwargs(request.POST)
        )
    except DomainError as exc:
        return _answer(request, incident, failed={"step": form.failed(exc)})
    title = engine.playbook_of(incident).step(run.step_id).title
    return _answer(request, incident, done=f"“{title}”: {run.get_state_display().lower()}.")


def _message_of(incident: Incident, message_id: int) -> int:
    if not incident.messages.filter(pk=message_id).exists():
        raise Http404(f"incident {incident.slug!r} has no message {message_id}")
    return message_id


@responder_required
@require_POST
def review_message(request: HttpRequest, slug: str, message_id: int) -> HttpResponse:
    incident = incident_or_404(slug)
    form = Form(values={"message": str(message_id)})
    try:
        decision = forms.review(request.POST)
        if decision == "edit":
            message = approvals.edit(
                message_id=_message_of(incident, message_id),
                by=actor(request),
                text=request.POST.get("body", ""),
            )
        else:
            decide = messaging.approve if decision == "approve" else messaging.reject
            message = decide(message_id=_message_of(incident, message_id), by=actor(request))
    except DomainError as exc:
        return _answer(request, incident, failed={"message": form.failed(exc)}, anchor="messages")
    verb = {
        "approve": "approved: queued for delivery",
        "reject": "rejected",
        "edit": "edited; it still waits for approval",
    }[decision]
    done = f"{message.get_kind_display()} for {message.channel} {verb}."
    return _answer(request, incident, done=done, anchor="messages")


@responder_required
@require_POST
def approve_live(request: HttpRequest, slug: str) -> HttpResponse:
    incident = incident_or_404(slug)
    form = Form.posted(request.POST)
    try:
        live_stream.approve(
            incident=incident, by=actor(request), url=forms.web_address(request.POST, "url")
        )
    except DomainError as exc:
        return _answer(request, incident, failed={"live_approve": form.failed(exc)}, anchor="live")
    return _answer(
        request, incident, done="The war room is live on the public page.", anchor="live"
    )


@responder_required
@require_POST
def veto_live(request: HttpRequest, slug: str) -> HttpResponse:
    incident = incident_or_404(slug)
    form = Form.posted(request.POST)
    try:
        live_stream.veto(
            incident=incident, by=actor(request), reason=forms.live_reason(request.POST)
        )
    except DomainError as exc:
        return _answer(request, incident, failed={"live_veto": form.failed(exc)}, anchor="live")
    return _answer(request, incident, done="Live stream vetoed.", anchor="live")


@responder_required
@require_POST
def ack_page(request: HttpRequest, slug: str) -> HttpResponse:
    incident = incident_or_404(slug)
    try:
        page = services.ack(incident=incident, by=actor(request))
    except DomainError as exc:
        return _answer(request, incident, failed={"ack": Form().failed(exc)}, anchor="marketing")
    done = f"Marketing page to {page.person.display_name} acknowledged."
    return _answer(request, incident, done=done, anchor="marketing")


@responder_required
@require_POST
def record_decision(request: HttpRequest, slug: str) -> HttpResponse:
    incident = incident_or_404(slug)
    form = Form.posted(request.POST)
    try:
        services.decide(incident=incident, by=actor(request), **forms.decision_kwargs(request.POST))
    except DomainError as exc:
        return _answer(request, incident, failed={"decision": form.failed(exc)}, anchor="decisions")
    return _answer(request, incident, done="Decision recorded.", anchor="decisions")
