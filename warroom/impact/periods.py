"""How long each customer segment and component spent at each level during an incident, from its
history of assessments: a level lasts from its assessment until the next change, or until the
incident was resolved. Levels and their times are public; the customers affected are not."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from warroom.impact.models import LEVEL_WORDS, Component, Level, Segment
from warroom.incidents.models import Incident


@dataclass(frozen=True)
class Period:
    """One stretch at one level other than "none"; `end` is None while it goes on."""

    level: str
    start: datetime
    end: datetime | None
    duration: timedelta  # up to `now` while it goes on

    @property
    def label(self) -> str:
        return Level(self.level).label

    @property
    def words(self) -> str:
        return LEVEL_WORDS[Level(self.level)]


@dataclass(frozen=True)
class Impact:
    """One segment or component over the incident: its periods, oldest first, and its level now."""

    slug: str
    name: str
    level: str
    periods: list[Period]

    @property
    def affected(self) -> bool:
        return bool(self.periods)

    @property
    def ongoing(self) -> bool:
        return bool(self.periods) and self.periods[-1].end is None

    @property
    def duration(self) -> timedelta:
        return sum((p.duration for p in self.periods), timedelta())

    @property
    def label(self) -> str:
        return Level(self.level).label

    @property
    def words(self) -> str:
        return LEVEL_WORDS[Level(self.level)]


def segments(incident: Incident, *, now: datetime) -> list[Impact]:
    """Every segment in the database, assessed or not (those never assessed were not affected)."""
    return _impacts(incident, Segment.objects.all(), "segment", now=now)


def components(incident: Incident, *, now: datetime) -> list[Impact]:
    """The components this incident assessed."""
    assessed = Component.objects.filter(assessments__incident=incident).distinct()
    return _impacts(incident, assessed, "component", now=now)


def _impacts(incident: Incident, targets, kind: str, *, now: datetime) -> list[Impact]:
    changes: dict[int, list[tuple[datetime, str]]] = {}
    for target_id, at, level in (
        incident.assessments.filter(**{f"{kind}__isnull": False})
        .order_by("at", "id")
        .values_list(f"{kind}_id", "at", "level")
    ):
        changes.setdefault(target_id, []).append((at, level))
    # Resolving ends whatever level was left: the incident is over.
    until = incident.resolved_at
    impacts = []
    for target in targets:
        history = changes.get(target.pk, [])
        level = history[-1][1] if history else Level.NONE
        impacts.append(Impact(target.slug, target.name, level, _periods(history, until, now)))
    return impacts


def _periods(history: list[tuple[datetime, str]], until: datetime | None, now: datetime):
    periods = []
    for i, (start, level) in enumerate(history):
        end = history[i + 1][0] if i + 1 < len(history) else until
        if level == Level.NONE:
            continue
        if until is not None:
            # Nothing lasts past the resolution, even a level changed only afterwards.
            end = max(min(end or until, until), start)
        periods.append(Period(level, start, end, (end or now) - start))
    return periods
