"""Background work of the records: the playbook's export of the outage issue (Django Tasks API)."""

from __future__ import annotations

from django_tasks import task


@task()
def export_issue(incident_id: int, step_id: str, attempt: int = 1) -> str:
    from warroom.exports import services

    return services.export_for_step(incident_id, step_id, attempt)
