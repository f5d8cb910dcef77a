"""The public side: no login, cached, conditional. Nothing here reads the models except through
the projection."""

from __future__ import annotations

import re
from datetime import timedelta

import orjson
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotModified
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_safe

from warroom.incidents.models import CLOSED_STATUSES, Incident
from warroom.lib.publiccache import Rendered, compressed, rendered
from warroom.projection.components import component_states
from warroom.projection.incident import public_incident, public_summaries

CACHE_CONTROL = "public, max-age=0, must-revalidate"


# As Django's GZipMiddleware reads Accept-Encoding.
_ACCEPTS_GZIP = re.compile(r"\bgzip\b")


def _respond(request: HttpRequest, page: Rendered, *, cors: bool = False) -> HttpResponse:
    """The cached rendering, compressed for clients that accept it, or 304 Not Modified when
    the client holds the representation it would get."""
    # META, not request.headers: this runs for every poll of every viewer, and request.headers
    # builds a map of all the headers first.
    accepted = request.META.get("HTTP_ACCEPT_ENCODING", "")
    gzipped = page.compressible and _ACCEPTS_GZIP.search(accepted)
    etag = page.gzip_etag if gzipped else page.etag
    if request.META.get("HTTP_IF_NONE_MATCH") == etag:
        response: HttpResponse = HttpResponseNotModified()
    elif gzipped:
        response = HttpResponse(compressed(page), content_type=page.content_type)
        response["Content-Encoding"] = "gzip"
    else:
        response = HttpResponse(page.body, content_type=page.content_type)
    response["ETag"] = etag
    response["Cache-Control"] = CACHE_CONTROL
    response["Vary"] = "Accept-Encoding"  # a new response: nothing else has set Vary yet
    if cors:
        response["Access-Control-Allow-Origin"] = "*"
    return response


def _incident_or_404(slug: str) -> Incident:
    try:
        return Incident.objects.get(slug=slug)
    except Incident.DoesNotExist:
        raise Http404("no such incident") from None


def _json(data) -> bytes:
    return orjson.dumps(data)  # compact UTF-8, as json.dumps(separators=(",", ":")) but faster


# The page shows the newest updates; older ones are on further pages (?page=2). live.json keeps
# the whole record.
PAGE_SIZE = 200


def _page_number(request: HttpRequest) -> int:
    try:
        number = int(request.GET.get("page", "1"))
    except ValueError:
        raise Http404("no such page") from None
    if number < 1:
        raise Http404("no such page")
    return number


@require_safe
def incident_page(request: HttpRequest, slug: str) -> HttpResponse:
    number = _page_number(request)

    def build():
        # Only the page's entries are redacted and rendered; the first page of a long incident
        # costs the same as a short one.
        window = slice((number - 1) * PAGE_SIZE, number * PAGE_SIZE)
        state = public_incident(_incident_or_404(slug), window)
        total = state["entry_count"]
        if number > 1 and not state["entries"]:
            raise Http404("no such page")
        context = {
            "incident": state,
            "entries": state["entries"],
            "page": number,
            "page_size": PAGE_SIZE,
            "older": number + 1 if number * PAGE_SIZE < total else None,
            "newer": number - 1 if number > 1 else None,
        }
        return render_to_string(
            "publicpage/incident.html", context
        ).encode(), "text/html; charset=utf-8"

    return _respond(request, rendered(f"incident:{slug}:html:{number}", build))


@require_safe
def live_json(request: HttpRequest, slug: str) -> HttpResponse:
    def build():
        return _json(public_incident(_incident_or_404(slug))), "application/json"

    return _respond(request, rendered(f"incident:{slug}:live", build), cors=True)


# The status page's history: incidents resolved in the last HISTORY_DAYS, HISTORY_PAGE a page.
HISTORY_DAYS = 90
HISTORY_PAGE = 25


@require_safe
def status_page(request: HttpRequest) -> HttpResponse:
    number = _page_number(request)

    def build():
        open_incidents = Incident.objects.exclude(status__in=CLOSED_STATUSES).order_by(
            "severity", "-declared_at"
        )
        since = timezone.now() - timedelta(days=HISTORY_DAYS)
        # A published post-mortem keeps the incident in the history: it is resolved too.
        resolved = Incident.objects.filter(status__in=CLOSED_STATUSES, resolved_at__gte=since)
        start = (number - 1) * HISTORY_PAGE
        history = list(resolved.order_by("-resolved_at", "-id")[start : start + HISTORY_PAGE + 1])
        if number > 1 and not history:
            raise Http404("no such page")
        html = render_to_string(
            "publicpage/status.html",
            {
                "open": public_summaries(open_incidents),
                "components": component_states(),
                "recent": public_summaries(history[:HISTORY_PAGE], detail=False),
                "history_days": HISTORY_DAYS,
                "page": number,
                "older": number + 1 if len(history) > HISTORY_PAGE else None,
                "newer": number - 1 if number > 1 else None,
            },
        )
        return html.encode(), "text/html; charset=utf-8"

    return _respond(request, rendered(f"status:html:{number}", build))
