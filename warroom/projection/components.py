"""The components as the public sees them: each one's state now (the worst level an open incident
gives it), and when its state first and last changed."""

from __future__ import annotations

from django.db.models import Count, Max, Min

from warroom.impact.models import Assessment, Component, Level
from warroom.impact.services import current_levels_of_open_incidents
from warroom.incidents.models import CLOSED_STATUSES, Incident
from warroom.projection import memos
from warroom.projection.incident import LEVEL_LABELS, iso
from warroom.projection.types import ComponentState


def component_states() -> list[ComponentState]:
    """Every component and its state now: the worst level any unresolved incident gives it."""
    worst = current_levels_of_open_incidents()
    states: list[ComponentState] = []
    for c in Component.objects.all():
        level, since = worst.get(c.pk, (Level.NONE, None))
        states.append(
            {
                "slug": c.slug,
                "name": c.name,
                "description": c.description,
                "position": c.position,
                "updated_at": iso(since),
                "level": level,
                "level_label": LEVEL_LABELS[level],
            }
        )
    return states


def component_history() -> dict[str, dict[str, str | None]]:
    """Per slug of each component an incident ever assessed: when it was first given a level
    (`first`), and when its public state last changed (`changed`): a new level, or the end of an
    incident that had given it one.

    It aggregates every assessment ever made, so it is kept until there is a new assessment, an
    incident ends or starts again, or a component changes its slug. (Assessments are never
    edited: a new level is a new one.)"""
    assessments = Assessment.objects.order_by().aggregate(Max("id"), Count("id"))
    ended = Incident.objects.order_by().filter(status__in=CLOSED_STATUSES)
    ends = ended.aggregate(Max("resolved_at"), Count("id"))
    slugs = tuple(Component.objects.order_by("pk").values_list("pk", "slug"))
    key = ("component history", *assessments.values(), *ends.values(), slugs)
    return memos.records.get(key, _component_history)


def _component_history() -> dict[str, dict[str, str | None]]:
    assessed = Assessment.objects.filter(component__isnull=False).order_by()
    times = {
        slug: [first, last]
        for slug, first, last in assessed.values_list("component__slug").annotate(
            Min("at"), Max("at")
        )
    }
    ended = assessed.filter(incident__status__in=CLOSED_STATUSES).exclude(level=Level.NONE)
    for slug, end in ended.values_list("component__slug").annotate(Max("incident__resolved_at")):
        if end and end > times[slug][1]:
            times[slug][1] = end
    return {
        slug: {"first": iso(first), "changed": iso(last)} for slug, (first, last) in times.items()
    }
