"""The Statuspage-compatible endpoints under /api/v2/ (docs/statuspage.md). Like every public view:
no login, cached under the public generation, answered conditionally, open to any origin."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from warroom.lib.publiccache import rendered
from warroom.projection import statuspage
from warroom.publicpage.views import _json, _respond


def _endpoint(
    name: str, build: Callable[[], dict[str, Any]]
) -> Callable[[HttpRequest], HttpResponse]:
    @require_safe
    def view(request: HttpRequest) -> HttpResponse:
        page = rendered(f"statuspage:{name}", lambda: (_json(build()), "application/json"))
        return _respond(request, page, cors=True)

    return view


def _recent() -> dict[str, Any]:
    components = statuspage.component_documents()
    incidents = statuspage.incident_documents(components, limit=statuspage.RECENT_INCIDENTS)
    return {"page": statuspage.page_document(), "incidents": incidents}


def _unresolved() -> dict[str, Any]:
    components = statuspage.component_documents()
    incidents = statuspage.incident_documents(components, unresolved=True)
    return {"page": statuspage.page_document(), "incidents": incidents}


summary = _endpoint("summary", statuspage.summary)
status = _endpoint(
    "status", lambda: {"page": statuspage.page_document(), "status": statuspage.page_status()}
)
components = _endpoint(
    "components",
    lambda: {"page": statuspage.page_document(), "components": statuspage.component_documents()},
)
incidents = _endpoint("incidents", _recent)
unresolved_incidents = _endpoint("incidents:unresolved", _unresolved)
# warroom has no maintenances yet: the documented shape, empty.
scheduled_maintenances = _endpoint(
    "scheduled-maintenances",
    lambda: {"page": statuspage.page_document(), "scheduled_maintenances": []},
)
