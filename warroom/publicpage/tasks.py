"""Background work of the public side: keeping the static copy current (Django Tasks API)."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django_tasks import task

from warroom.lib.publiccache import generation
from warroom.publicpage import export

DONE_KEY = "warroom:public:exported-generation"


def copy_soon(changed_at_generation: int) -> None:
    """After a committed public change: the static copy follows in the background, when one is
    configured; the runs of one burst of changes coalesce."""
    if settings.STATIC_EXPORT_DIR or settings.STATIC_EXPORT_S3_URL:
        publish_static.enqueue(changed_at_generation)


@task()
def publish_static(changed_at_generation: int) -> str:
    """Copy what changed. A task whose change an earlier run already included does nothing, so a
    burst of changes costs one or two copies, not one per change."""
    if (cache.get(DONE_KEY) or 0) >= changed_at_generation:
        return "already copied"
    started_at = generation()
    reports = [export.publish(target).as_dict() for target in export.configured_targets()]
    cache.set(DONE_KEY, started_at, timeout=None)
    return f"copied: {reports}"
