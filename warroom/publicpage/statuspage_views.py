"""The Statuspage-compatible endpoints under /api/v2/ (docs/statuspage.md). Like every public view:
no login, cached under the public generation, answered conditionally, open to any origin."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from warroom.lib.publiccache import rendered
from warroom.projection import statuspage
from warroom.projection.incident import (
    component_history,
    component_states,
    last_public_change,
    public_incidents,
)
from warroom.publicpage.views import _json, _respond

RECENT_INCIDENTS = 50  # what Statuspage's incidents.json lists


def _endpoint(
    name: str, build: Callable[[], dict[str, Any]]
) -> Callable[[HttpRequest], HttpResponse]:
    @require_safe
    def view(request: HttpRequest) -> HttpResponse:
        page = rendered(f"statuspage:{name}", lambda: (_json(build()), "application/json"))
        return _respond(request, page, cors=True)

    return view


def _page() -> dict[str, Any]:
    return statuspage.page(last_public_change())


def _components() -> list[dict[str, Any]]:
    return statuspage.components(component_states(), component_history())


def _incidents(components: list[dict], **which: Any) -> list[dict[str, Any]]:
    return [statuspage.incident(state, components) for state in public_incidents(**which)]


def _summary() -> dict[str, Any]:
    components = _components()
    unresolved = _incidents(components, unresolved=True)
    return {
        "page": _page(),
        "components": components,
        "incidents": unresolved,
        "scheduled_maintenances": [],
        "status": statuspage.status(unresolved, components),
    }


def page_status() -> dict[str, str]:
    """The page's indicator and its description now (also in each subscriber webhook)."""
    return _summary()["status"]


summary = _endpoint("summary", _summary)
status = _endpoint("status", lambda: {"page": _page(), "status": page_status()})
components = _endpoint("components", lambda: {"page": _page(), "components": _components()})
incidents = _endpoint(
    "incidents",
    lambda: {"page": _page(), "incidents": _incidents(_components(), limit=RECENT_INCIDENTS)},
)
unresolved_incidents = _endpoint(
    "incidents:unresolved",
    lambda: {"page": _page(), "incidents": _incidents(_components(), unresolved=True)},
)
# warroom has no maintenances yet: the documented shape, empty.
scheduled_maintenances = _endpoint(
    "scheduled-maintenances", lambda: {"page": _page(), "scheduled_maintenances": []}
)
