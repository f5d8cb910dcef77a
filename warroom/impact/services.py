"""Assessing an incident's impact: levels per component and segment, kept as a history of
changes, and the internal list of affected customers."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.db import transaction
from django.utils import timezone

from warroom.accounts.models import Actor
from warroom.impact.models import AffectedCustomer, Assessment, Component, Level, Segment
from warroom.incidents.models import CLOSED_STATUSES, Incident
from warroom.incidents.services import public_changed
from warroom.lib.errors import Forbidden, Invalid

MAX_CUSTOMERS = 10_000


@transaction.atomic
def assess(
    *,
    incident: Incident,
    by: Actor,
    components: dict[str, str] | None = None,
    segments: dict[str, str] | None = None,
    customers: list[str] | None = None,
) -> dict:
    """Record the levels that changed (an unchanged level writes nothing) and, when given,
    replace the affected customers. Returns the current impact."""
    wanted = [
        *_resolve(Component, "component", components or {}),
        *_resolve(Segment, "segment", segments or {}),
    ]
    current = _levels(incident)
    now = timezone.now()
    changed = [(target, level) for target, level in wanted if current.get(_key(target)) != level]
    Assessment.objects.bulk_create(
        Assessment(
            incident=incident,
            component=target if isinstance(target, Component) else None,
            segment=target if isinstance(target, Segment) else None,
            level=level,
            at=now,
            by=by,
        )
        for target, level in changed
    )
    if customers is not None:
        _replace_customers(incident, customers)
    if changed or customers is not None:
        public_changed(incident)  # the count of customers is public too
    return current_impact(incident)


def _resolve(model, what: str, levels: dict[str, str]) -> list:
    known = {o.slug: o for o in model.objects.filter(slug__in=list(levels))}
    resolved = []
    for slug, level in levels.items():
        if slug not in known:
            names = ", ".join(model.objects.values_list("slug", flat=True)) or "none yet"
            raise Invalid(f"no {what} {slug!r}; the {what}s are: {names}")
        if level not in Level.values:
            raise Invalid(
                f"{what} {slug}: unknown level {level!r}; use one of {', '.join(Level.values)}"
            )
        resolved.append((known[slug], level))
    return resolved


def _replace_customers(incident: Incident, customers: list[str]) -> None:
    names = sorted({name.strip() for name in customers if name.strip()})
    if len(names) > MAX_CUSTOMERS:
        raise Invalid(f"{len(names)} customers; at most {MAX_CUSTOMERS} per incident")
    if too_long := [n for n in names if len(n) > 200]:
        raise Invalid(f"a customer name may have at most 200 characters: {too_long[0][:40]}…")
    AffectedCustomer.objects.filter(incident=incident).delete()
    AffectedCustomer.objects.bulk_create(AffectedCustomer(incident=incident, name=n) for n in names)


def _key(target) -> tuple[str, int]:
    return ("component" if isinstance(target, Component) else "segment", target.pk)


def _levels(incident: Incident) -> dict[tuple[str, int], str]:
    """The latest level per (kind, id) of everything assessed in this incident."""
    levels = {}
    for component_id, segment_id, level in incident.assessments.values_list(
        "component_id", "segment_id", "level"
    ):  # oldest first: the last one wins
        levels[("component", component_id) if component_id else ("segment", segment_id)] = level
    return levels


def current_impact(incident: Incident) -> dict:
    """{"components": {slug: level}, "segments": {slug: level}, "customers": count} of what was
    assessed; what never was is not listed."""
    levels = _levels(incident)
    return {
        "components": {
            c.slug: levels[("component", c.pk)]
            for c in Component.objects.all()
            if ("component", c.pk) in levels
        },
        "segments": {
            s.slug: levels[("segment", s.pk)]
            for s in Segment.objects.all()
            if ("segment", s.pk) in levels
        },
        "customers": incident.affected_customers.count(),
    }


def affected_components(incident: Incident) -> set[int] | None:
    """Ids of the components this incident affects now; None when no component was assessed
    (nobody knows yet, so everyone should hear of it)."""
    levels = _levels(incident)
    assessed = {pk: level for (kind, pk), level in levels.items() if kind == "component"}
    if not assessed:
        return None
    return {pk for pk, level in assessed.items() if level != Level.NONE}


def add_named(model, *, slug: str, name: str, description: str = "", position: int = 0, by: Actor):
    """A new component or segment (admins only)."""
    if by is None or not by.is_superuser:
        raise Forbidden(f"only admins add {model._meta.verbose_name_plural}")
    try:
        validate_slug(slug)
    except ValidationError:
        raise Invalid(f"{slug!r} is not a slug: use letters, digits, - and _") from None
    if not name.strip():
        raise Invalid("a name is needed")
    if model.objects.filter(slug=slug).exists():
        raise Invalid(f"there is already a {model._meta.verbose_name} {slug!r}")
    created = model.objects.create(
        slug=slug, name=name.strip(), description=description.strip(), position=position
    )
    public_changed()  # the status page lists components
    return created


def catalogue_changed(targets) -> None:
    """Components or segments were renamed, reordered or removed (the admin): the incidents
    that assessed them show them on their public pages, so those count as changed (the static
    copy renders them again), and so does the status page."""
    now = timezone.now()
    for model in (Component, Segment):
        ids = [t.pk for t in targets if isinstance(t, model)]
        field = "assessments__component__in" if model is Component else "assessments__segment__in"
        if ids:
            assessed = Incident.objects.filter(**{field: ids}).values("pk")
            Incident.objects.filter(pk__in=assessed).update(updated_at=now)
    public_changed()


# Worst first: a component that two incidents affect shows the worse of their levels.
WORST_FIRST = [Level.MAJOR, Level.PARTIAL, Level.DEGRADED, Level.MAINTENANCE, Level.NONE]


def current_levels_of_open_incidents() -> dict[int, tuple[str, datetime]]:
    """Per component id: the worst current level that an unresolved incident gives it, and when
    that level was set. Components no open incident assessed are not listed."""
    latest: dict[tuple[int, int], tuple[str, datetime]] = {}
    for incident_id, component_id, level, at in (
        Assessment.objects.filter(component__isnull=False)
        .exclude(incident__status__in=CLOSED_STATUSES)
        .order_by("at", "id")
        .values_list("incident_id", "component_id", "level", "at")
    ):
        latest[(incident_id, component_id)] = (level, at)
    worst: dict[int, tuple[str, datetime]] = {}
    for (_, component_id), (level, at) in latest.items():
        known = worst.get(component_id)
        if known is None or WORST_FIRST.index(Level(level)) < WORST_FIRST.index(Level(known[0])):
            worst[component_id] = (level, at)
    return worst
