"""A database made before the apps were regrouped migrates without losing anything: stand-ins and
corrections (from `blameless`), post-mortems (from `postmortem`), the live stream (from
`playbooks`) and outage issues (from `records`) are there afterwards, in their new apps."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [
    ("incidents", "0002_status_postmortem"),
    ("playbooks", "0001_steps_pages_live_stream"),
    ("blameless", "0001_pseudonyms_and_corrections"),
    ("postmortem", "0001_postmortems_and_revisions"),
    ("records", "0001_tracker_issues"),
    ("comms", "0007_message_group"),
    ("redaction", None),
    ("trackers", None),
]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state([t for t in targets if t[1]]).apps


@pytest.mark.django_db(transaction=True)
def test_the_moved_models_keep_their_rows():
    old = _migrate(BEFORE)
    now = timezone.now()
    incident = old.get_model("incidents", "Incident").objects.create(
        slug="2026-11-29-disk-full", title="Disk full", severity="S1", declared_at=now
    )
    old.get_model("blameless", "Pseudonym").objects.create(
        incident_id=incident.pk, key="person:marta", standin="Engineer 1"
    )
    old.get_model("blameless", "Correction").objects.create(
        incident_id=incident.pk, text="Gerrit", kind="not_a_name"
    )
    postmortem = old.get_model("postmortem", "PostMortem").objects.create(
        incident_id=incident.pk, body="# What happened", created_at=now, updated_at=now
    )
    old.get_model("postmortem", "PostMortemRevision").objects.create(
        postmortem_id=postmortem.pk, number=1, body="# What happened", saved_at=now
    )
    old.get_model("playbooks", "LiveStream").objects.create(
        incident_id=incident.pk, state="live", url="https://stream.example.com/x"
    )
    old.get_model("records", "TrackerIssue").objects.create(
        incident_id=incident.pk,
        tracker="gitlab",
        project="infra/production",
        number=7,
        url="https://gitlab.example.com/infra/production/-/issues/7",
        exported_at=now,
    )

    executor = MigrationExecutor(connection)
    new = _migrate(executor.loader.graph.leaf_nodes())

    assert new.get_model("redaction", "Pseudonym").objects.get().standin == "Engineer 1"
    assert new.get_model("redaction", "Correction").objects.get().text == "Gerrit"
    moved = new.get_model("incidents", "PostMortem").objects.get()
    assert moved.body == "# What happened" and moved.revisions.get().number == 1
    assert new.get_model("incidents", "LiveStream").objects.get().state == "live"
    assert new.get_model("trackers", "TrackerIssue").objects.get().number == 7
    tables = set(connection.introspection.table_names())
    assert {"redaction_pseudonym", "incidents_postmortem", "trackers_trackerissue"} <= tables
    assert not {"blameless_pseudonym", "postmortem_postmortem", "records_trackerissue"} & tables
