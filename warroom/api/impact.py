"""REST: components and segments (admins add them), and each incident's impact assessment."""

from __future__ import annotations

from ninja import Router, Schema
from ninja.responses import Status as Reply

from warroom.impact import services
from warroom.impact.models import Component, Segment
from warroom.incidents.services import get_incident

router = Router(tags=["impact"])


class NamedIn(Schema):
    slug: str
    name: str
    description: str = ""
    position: int = 0


class NamedOut(Schema):
    slug: str
    name: str
    description: str
    position: int


class ImpactIn(Schema):
    components: dict[str, str] = {}  # slug → none, degraded_performance, partial_outage, …
    segments: dict[str, str] = {}
    customers: list[str] | None = None  # internal; replaces the list when given


class ImpactOut(Schema):
    components: dict[str, str]
    segments: dict[str, str]
    customers: int  # how many; the names stay internal
    customer_names: list[str]


def _named(model, what: str):
    @router.get(f"/{what}", response=list[NamedOut], summary=f"Every {what[:-1]}")
    def list_named(request):
        return list(model.objects.all())

    @router.post(f"/{what}", response={201: NamedOut}, summary=f"Add a {what[:-1]} (admins)")
    def add_named(request, payload: NamedIn):
        return Reply(201, services.add_named(model, by=request.auth, **payload.dict()))


_named(Component, "components")
_named(Segment, "segments")


def _impact_out(incident) -> dict:
    names = list(incident.affected_customers.values_list("name", flat=True))
    return {**services.current_impact(incident), "customer_names": names}


@router.get("/incidents/{slug}/impact", response=ImpactOut, summary="An incident's impact")
def impact(request, slug: str):
    return _impact_out(get_incident(slug))


@router.post("/incidents/{slug}/impact", response=ImpactOut, summary="Assess the impact")
def assess(request, slug: str, payload: ImpactIn):
    incident = get_incident(slug)
    services.assess(incident=incident, by=request.auth, **payload.dict())
    return _impact_out(incident)
