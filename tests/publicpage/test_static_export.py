"""The static copy of the public side (`warroom publish`, and after every public change): every
public route as files, nothing internal in them, unchanged files left alone, and the same into
an S3 bucket (moto's server stands in for S3)."""

import json

import boto3
import pytest
from click.testing import CliRunner
from moto.server import ThreadedMotoServer

from warroom.accounts.services import import_roster
from warroom.flows.status import change_status
from warroom.impact.services import assess
from warroom.publicpage import export
from warroom.testing.factories import make_entry, make_incident
from warroom.testing.server import free_port

pytestmark = pytest.mark.django_db

GLOBAL_FILES = [
    "index.html",
    "feed.atom",
    "feed.rss",
    "history.atom",
    "history.rss",
    "api/v2/summary.json",
    "api/v2/status.json",
    "api/v2/components.json",
    "api/v2/incidents.json",
    "api/v2/incidents/unresolved.json",
    "api/v2/scheduled-maintenances.json",
    "static/warroom/warroom.css",
    "static/warroom/live.js",
]


def incident_files(slug: str) -> list[str]:
    names = ["index.html", "live.json", "feed.atom", "feed.rss", "history.atom", "history.rss"]
    return [f"incidents/{slug}/{name}" for name in names]


@pytest.fixture
def secrets(incident, responder):
    """An incident with everything that must never reach the copy."""
    import_roster([{"name": "Marta Jansen", "username": "marta", "email": "marta@example.com"}])
    make_entry(incident, "Marta restarted the primary; back soon.")  # public, redacted
    make_entry(incident, "ACME's cluster is the one down", visibility="internal")
    assess(
        incident=incident, by=responder, segments={"saas": "major_outage"}, customers=["Initech"]
    )
    return ["Marta", "Jansen", "marta@example.com", "ACME", "Initech", incident.war_room_url]


def all_text(root) -> str:
    return "\n".join(p.read_text(errors="replace") for p in root.rglob("*") if p.is_file())


def test_every_public_route_is_written_and_nothing_internal(tmp_path, incident, secrets):
    report = export.publish(export.Folder(tmp_path))
    for name in GLOBAL_FILES + incident_files(incident.slug):
        assert (tmp_path / name).is_file(), name
    assert report.full and len(report.written) == len(GLOBAL_FILES) + 6
    text = all_text(tmp_path)
    assert "Engineer 1 restarted the primary" in text
    for secret in secrets:
        assert secret not in text, secret
    live = json.loads((tmp_path / "incidents" / incident.slug / "live.json").read_text())
    assert live["impact"]["affected_customers"] == 1  # a count, never who


def test_unchanged_files_are_not_written_again_and_only_what_changed_is_rendered(
    tmp_path, incident, responder
):
    old = make_incident("Old CDN outage", by=responder)
    change_status(incident=old, status="resolved", message="Fixed.", by=responder)
    folder = export.Folder(tmp_path)
    export.publish(folder)
    page = tmp_path / "incidents" / old.slug / "index.html"
    before = page.stat().st_mtime_ns

    again = export.publish(folder)
    assert not again.full and again.written == []

    make_entry(incident, "A fix is rolling out.")
    changed = export.publish(folder)
    assert f"incidents/{incident.slug}/index.html" in changed.written
    assert "index.html" in changed.written and "api/v2/incidents.json" in changed.written
    assert not any(old.slug in name for name in changed.written)  # not even rendered
    assert page.stat().st_mtime_ns == before


def test_a_roster_change_renders_everything_again(tmp_path, incident):
    folder = export.Folder(tmp_path)
    export.publish(folder)
    import_roster([{"name": "Kofi Mensah", "username": "kofi"}])
    assert export.publish(folder).full


def test_a_public_change_updates_the_copy_in_the_background(
    tmp_path, settings, incident, responder, django_capture_on_commit_callbacks, monkeypatch
):
    from django_tasks_db.management.commands import db_worker

    from warroom.comms.worker import run_pending

    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    settings.STATIC_EXPORT_DIR = str(tmp_path)
    with django_capture_on_commit_callbacks(execute=True):
        change_status(incident=incident, status="monitoring", message="Fix out.", by=responder)
    run_pending()
    live = json.loads((tmp_path / "incidents" / incident.slug / "live.json").read_text())
    assert live["status"] == "monitoring"


def test_the_publish_command(tmp_path, incident):
    from warroom.cli.main import cli

    runner = CliRunner()
    result = runner.invoke(cli, ["publish", "--to", str(tmp_path), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)[str(tmp_path)]["written"] == len(GLOBAL_FILES) + 6
    nowhere = runner.invoke(cli, ["publish"])
    assert nowhere.exit_code == 2 and "nowhere to publish" in nowhere.output
    bad = runner.invoke(cli, ["publish", "--to", "s3://"])
    assert bad.exit_code == 2 and "s3://bucket/prefix" in bad.output


@pytest.fixture
def s3(monkeypatch):
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port)
    server.start()
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ENDPOINT_URL": f"http://127.0.0.1:{port}",
    }.items():
        monkeypatch.setenv(name, value)
    client = boto3.client("s3")
    client.create_bucket(Bucket="status")
    yield client
    server.stop()


def test_the_copy_goes_into_an_s3_bucket(s3, incident, secrets):
    bucket = export.target("s3://status/public")
    first = export.publish(bucket)
    keys = {o["Key"] for o in s3.list_objects_v2(Bucket="status")["Contents"]}
    assert {f"public/{n}" for n in GLOBAL_FILES + incident_files(incident.slug)} <= keys
    page = s3.get_object(Bucket="status", Key="public/index.html")
    assert page["ContentType"] == "text/html; charset=utf-8"
    assert page["CacheControl"] == "public, max-age=30"
    feed = s3.get_object(Bucket="status", Key=f"public/incidents/{incident.slug}/feed.atom")
    assert feed["ContentType"].startswith("application/atom+xml")
    assert export.publish(bucket).written == [] and first.full
    text = "".join(
        s3.get_object(Bucket="status", Key=k)["Body"].read().decode(errors="replace") for k in keys
    )
    for secret in secrets:
        assert secret not in text, secret
