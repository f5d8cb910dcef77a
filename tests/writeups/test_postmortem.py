"""The blameless post-mortem (issue 7, G17): the draft from a fixed incident (a golden file), the
playbook step, saving with revisions, publishing refused while a name remains, the postmortem
status, the public page and live.json, the dashboard editor, the REST API and the CLI verb.

After an intended change of the template or of what it is given, regenerate the golden file and
review its diff:

    WARROOM_REGENERATE_GOLDEN=1 .venv/bin/pytest tests/test_postmortem.py -k golden
"""

import json
import os
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
import time_machine
from click.testing import CliRunner
from conftest import client_for
from django.core.handlers.wsgi import WSGIHandler
from django.test import Client

from warroom.flows import postmortem as publishing
from warroom.flows.declare import declare
from warroom.flows.entries import settle_hypothesis
from warroom.flows.status import change_status
from warroom.impact.models import Component
from warroom.impact.services import assess
from warroom.incidents.models import PostMortem, Status
from warroom.lib.errors import Conflict, Invalid
from warroom.playbooks.models import StepRun
from warroom.testing.factories import make_entry, make_token
from warroom.writeups import postmortem as services
from warroom.writeups.postmortem_draft import draft

pytestmark = pytest.mark.django_db

GOLDEN = Path(__file__).resolve().parents[1] / "data" / "golden"
T0 = datetime(2026, 11, 29, 14, 0, tzinfo=UTC)
INTERNAL = "Alice thinks the SAN firmware is at fault, call her on +1 555 0100"
CUSTOMERS = ["ACME Corp", "Initech"]


def at(minutes: float):
    return time_machine.travel(T0 + timedelta(minutes=minutes), tick=False)


@pytest.fixture(autouse=True)
def _fixed_settings(settings):
    settings.PUBLIC_URL = "https://status.example.com"
    settings.TEMPLATES_DIR = ""


def play(responder, *, resolve: bool = True):
    """Detected 14:00 UTC, declared 14:05; SaaS down 14:15–14:55, Git over SSH partly down
    14:15–14:55, self-managed assessed as not affected; resolved 15:00."""
    Component.objects.create(slug="git-ssh", name="Git over SSH")
    with at(5):
        incident = declare(
            title="Database replication lag on primary",
            severity="S1",
            summary="Some users see errors when pushing to repositories.",
            declared_by=responder,
            commander="alice",
            detected_at=T0,
        )
    script = [
        (15, lambda: impact({"saas": "major_outage", "self-managed": "none"}, "partial_outage")),
        (17, lambda: note("Replication lag on the replica reached **40 s**.", kind="finding")),
        (20, lambda: note(INTERNAL, visibility="internal")),
        (
            22,
            lambda: note(
                "Disk I/O saturation on the primary slows replication.", kind="hypothesis"
            ),
        ),
        (
            25,
            lambda: note(
                "Alice moved writes to `db-main-02`:\n\n```\npatronictl failover\n```",
                kind="action",
            ),
        ),
        (30, lambda: status("identified", "The primary database's disk is saturated.")),
        (
            35,
            lambda: settle_hypothesis(
                entry=incident.entries.get(kind="hypothesis"), state="confirmed", by=responder
            ),
        ),
        (55, lambda: impact({"saas": "none"}, "none")),
    ]
    if resolve:
        script.append((60, lambda: status("resolved", "Pushes work again for everyone.")))

    def impact(segments, git_ssh):
        components = {"git-ssh": git_ssh}
        assess(
            incident=incident,
            by=responder,
            segments=segments,
            components=components,
            customers=CUSTOMERS,
        )

    def note(body, **kwargs):
        make_entry(incident, body, **kwargs)

    def status(to, message):
        change_status(incident=incident, status=to, message=message, by=responder)

    for minute, step in script:
        with at(minute):
            step()
    incident.refresh_from_db()
    return incident


def assert_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("WARROOM_REGENERATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


def clean(body: str) -> str:
    """The draft with the stand-in for the commander written as a role, as an editor would."""
    return body.replace("The incident commander", "The commander")


# The draft


def test_postmortem_golden(responder):
    incident = play(responder)
    body = services.current(incident).body  # made by the playbook step on resolve
    assert_golden("postmortem.md", body)
    with at(90):
        assert draft(incident) == body


def test_the_draft_is_the_redacted_public_record(responder):
    incident = play(responder)
    body = draft(incident)
    assert "The incident commander moved writes to `db-main-02`" in body
    for secret in (
        "Alice",
        "SAN firmware",
        "555 0100",
        "ACME",
        "Initech",
        "war room",
        "meet.jit.si",
    ):
        assert secret not in body
    assert "2 customers known to be affected." in body
    # The draft itself passes the check: no names, and no blaming phrase in the template's text.
    assert services.findings(incident, body) == []


def test_a_replacement_template_in_the_templates_dir_wins(responder, settings, tmp_path):
    incident = play(responder, resolve=False)
    (tmp_path / "postmortem.md.j2").write_text(
        "# {{ incident.title }}\n{% for e in timeline %}{{ e.at|clock }} {{ e.label }}\n{% endfor %}"
    )
    settings.TEMPLATES_DIR = str(tmp_path)
    assert draft(incident).splitlines()[:3] == [
        "# Database replication lag on primary",
        "14:05 UTC Status update (investigating)",
        "14:17 UTC Finding",
    ]
    (tmp_path / "postmortem.md.j2").write_text("{{ incident.nope }}")
    with pytest.raises(Invalid, match="the template postmortem.md.j2 cannot be used"):
        draft(incident)


def test_a_broken_template_does_not_stop_the_resolve(responder, settings, tmp_path):
    (tmp_path / "postmortem.md.j2").write_text("{% if %}")
    settings.TEMPLATES_DIR = str(tmp_path)
    incident = play(responder)
    assert incident.status == Status.RESOLVED and not PostMortem.objects.exists()
    step = incident.steps.get(step_id="postmortem")
    assert step.state == StepRun.State.OPEN and step.reason.startswith("No draft: ")


# The playbook step, saving and publishing


def test_resolving_makes_the_draft_once_and_publishing_closes_the_step(responder):
    incident = play(responder)
    step = incident.steps.get(step_id="postmortem")
    assert step.state == StepRun.State.OPEN
    assert step.data["url"] == f"/dashboard/incidents/{incident.slug}/postmortem/"
    assert services.ensure_draft(incident=incident) == services.current(incident)
    assert PostMortem.objects.count() == 1

    services.save(incident=incident, body=clean(services.current(incident).body), by=responder)
    publishing.publish(incident=incident, by=responder)
    step.refresh_from_db()
    assert step.state == StepRun.State.DONE


def test_each_save_keeps_a_revision_and_an_unchanged_save_writes_nothing(responder):
    incident = play(responder)
    first = services.current(incident).body
    services.save(incident=incident, body="# Post-mortem\n\nVersion two.", by=responder)
    services.save(incident=incident, body="# Post-mortem\n\nVersion two.\n", by=responder)
    postmortem = services.save(
        incident=incident, body="# Post-mortem\n\nVersion three.", by=responder
    )
    assert postmortem.revision == 3
    assert [r.body for r in postmortem.revisions.order_by("number")] == [
        first,
        "# Post-mortem\n\nVersion two.\n",
        "# Post-mortem\n\nVersion three.\n",
    ]
    with pytest.raises(Invalid, match="empty"):
        services.save(incident=incident, body="  ", by=responder)


def test_publishing_is_refused_while_a_name_remains(responder, public_client):
    incident = play(responder)
    services.save(
        incident=incident,
        body="# Post-mortem\n\nAlice forgot to renew it; mail alice@example.com.\n",
        by=responder,
    )
    with pytest.raises(Invalid) as refused:
        publishing.publish(incident=incident, by=responder)
    assert "“Alice” (line 3)" in refused.value.message
    assert "“alice@example.com” (line 3)" in refused.value.message
    incident.refresh_from_db()
    assert incident.status == Status.RESOLVED
    assert services.current(incident).published_at is None
    assert public_client.get(f"{incident.public_path}live.json").json()["postmortem"] is None

    # Blaming phrases are warnings: with the names gone, it is published.
    services.save(
        incident=incident, body="# Post-mortem\n\nThe on-call forgot to renew it.", by=responder
    )
    publishing.publish(incident=incident, by=responder)
    incident.refresh_from_db()
    assert incident.status == Status.POSTMORTEM
    assert incident.resolved_at == T0 + timedelta(minutes=60)  # still when it was resolved


def test_only_a_resolved_incident_publishes_and_the_status_is_final(responder):
    incident = play(responder, resolve=False)
    with pytest.raises(Conflict, match="once it is resolved"):
        publishing.publish(incident=incident, by=responder)
    with pytest.raises(Invalid, match="comes with publishing the post-mortem"):
        change_status(incident=incident, status="postmortem", message="Done.", by=responder)
    change_status(incident=incident, status="resolved", message="Fixed.", by=responder)
    services.save(incident=incident, body=clean(draft(incident)), by=responder)
    publishing.publish(incident=incident, by=responder)
    with pytest.raises(Conflict, match="declare a new incident"):
        change_status(incident=incident, status="investigating", message="Again.", by=responder)


def test_a_not_a_name_correction_lets_a_false_name_through(responder):
    from warroom.redaction.services import add_correction

    incident = play(responder)
    services.save(incident=incident, body="Hunter Cache served stale pages.", by=responder)
    assert [f.text for f in services.findings(incident, "Hunter Cache served stale pages.")] == [
        "Hunter Cache"
    ]
    add_correction(incident=incident, text="Hunter Cache", kind="not_a_name", by=responder)
    publishing.publish(incident=incident, by=responder)


# The public side


def published(responder):
    incident = play(responder)
    with at(120):
        body = clean(services.current(incident).body) + "\nThanks to the whole team.\n"
        services.save(incident=incident, body=body, by=responder)
        publishing.publish(incident=incident, by=responder)
    incident.refresh_from_db()
    return incident


def test_the_public_page_and_live_json_show_the_published_postmortem(responder, public_client):
    incident = published(responder)
    page = public_client.get(incident.public_path).content.decode()
    live = public_client.get(f"{incident.public_path}live.json").json()
    assert live["status"] == "postmortem" and live["status_label"] == "Post-mortem"
    assert live["postmortem"]["published_at"] == "2026-11-29T16:00:00Z"
    html = live["postmortem"]["html"]
    assert "<h3>Post-mortem: Database replication lag on primary</h3>" in html  # under the h2
    assert "<h4>Five whys</h4>" not in html and "<h5>Five whys</h5>" in html
    assert "Thanks to the whole team." in html
    assert 'class="postmortem"' in page and html in page
    assert '<span class="badge badge--postmortem">Post-mortem</span>' in page
    assert "What are you seeing?" not in page  # a closed incident takes no reports
    for text in (page, json.dumps(live)):
        for secret in ("Alice", "SAN firmware", "555 0100", "ACME", "Initech"):
            assert secret not in text


def test_an_edit_after_publishing_stays_internal_until_published_again(responder, public_client):
    incident = published(responder)
    services.save(incident=incident, body="# Post-mortem\n\nA second version.", by=responder)
    live = public_client.get(f"{incident.public_path}live.json").json()
    assert "Thanks to the whole team." in live["postmortem"]["html"]
    publishing.publish(incident=incident, by=responder)
    live = public_client.get(f"{incident.public_path}live.json").json()
    assert "A second version." in live["postmortem"]["html"]


def test_an_incident_without_a_published_postmortem_has_none(incident, public_client):
    live = public_client.get(f"{incident.public_path}live.json").json()
    assert live["postmortem"] is None
    page = public_client.get(incident.public_path).content.decode()
    assert (
        '<section class="postmortem" data-live="postmortem" aria-labelledby="postmortem-title" hidden>'
        in page
    )


def test_a_postmortem_incident_is_history_not_open(responder, public_client):
    incident = published(responder)
    status_page = public_client.get("/").content.decode()
    assert "Ongoing incidents" not in status_page
    assert re.search(
        r'history-item">\s*<a class="history-title"[^>]*>Database replication lag', status_page
    )
    unresolved = public_client.get("/api/v2/incidents/unresolved.json").json()["incidents"]
    assert unresolved == []
    everything = public_client.get("/api/v2/incidents.json").json()["incidents"]
    assert [(i["id"], i["status"]) for i in everything] == [(incident.slug, "postmortem")]
    assert not incident.is_open


# The dashboard


def editor_url(incident) -> str:
    return f"/dashboard/incidents/{incident.slug}/postmortem/"


def test_the_editor_is_for_responders_only(incident, outsider):
    assert client_for(outsider).get(editor_url(incident)).status_code == 403
    response = client_for(None).get(editor_url(incident))
    assert response.status_code == 302 and "/dashboard/login/" in response["Location"]
    assert client_for(outsider).post(editor_url(incident), {"body": "x"}).status_code == 403


def test_the_editor_shows_the_draft_and_the_findings_with_their_lines(responder, alice):
    incident = play(responder)
    page = alice.get(editor_url(incident)).content.decode()
    assert "# Post-mortem: Database replication lag on primary" in page
    assert "No names and no blaming phrases." in page
    assert (
        f'href="{editor_url(incident)}"'
        in alice.get(f"/dashboard/incidents/{incident.slug}/").content.decode()
    )

    check_url = f"{editor_url(incident)}check/"
    partial = alice.post(
        check_url, {"body": "Fine.\nAlice failed to page."}, HTTP_HX_REQUEST="true"
    )
    text = partial.content.decode()
    assert "<html" not in text and "1 name: publishing is refused" in text
    assert "line 2, column 1 · name" in text and "line 2, column 7 · blame" in text


def test_the_editor_saves_and_publishing_with_a_name_is_refused_with_the_names(responder, alice):
    incident = play(responder)
    response = alice.post(editor_url(incident), {"body": "Alice forgot.", "action": "publish"})
    assert response.status_code == 422
    page = response.content.decode()
    assert "Not published: the post-mortem still names “Alice” (line 1)" in page
    assert "Alice forgot.</textarea>" in page  # what was typed stays
    assert services.current(incident).body == "Alice forgot.\n"  # and is saved

    response = alice.post(
        editor_url(incident), {"body": "The checklist lacked it.", "action": "publish"}
    )
    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.status == Status.POSTMORTEM
    assert "Published" in alice.get(editor_url(incident)).content.decode()


def test_the_editor_refuses_posts_without_a_csrf_token(responder, incident):
    client = Client(HTTP_HOST="127.0.0.1", enforce_csrf_checks=True)
    client.force_login(responder)
    assert client.post(editor_url(incident), {"body": "forged"}).status_code == 403
    assert not PostMortem.objects.exists()
    page = client.get(editor_url(incident)).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = client.post(editor_url(incident), {"body": "real", "csrfmiddlewaretoken": token})
    assert response.status_code == 302 and services.current(incident).body == "real\n"


# The REST API and the CLI


def test_the_api_gets_saves_and_publishes(responder, api, outsider_api):
    incident = play(responder)
    path = f"/incidents/{incident.slug}/postmortem"
    got = api.call("get", path).json()
    assert got["saved"] and got["revision"] == 1 and got["published_at"] is None
    assert got["body"].startswith("# Post-mortem: Database replication lag on primary")

    saved = api.call("put", path, {"body": "Alice forgot to renew it."}).json()
    assert (saved["revision"], saved["updated_by"]) == (2, "alice")
    assert [(f["kind"], f["line"], f["column"], f["text"]) for f in saved["findings"]] == [
        ("name", 1, 1, "Alice"),
        ("blame", 1, 7, "forgot to"),
    ]
    refused = api.call("post", f"{path}/publish")
    assert refused.status_code == 422 and "“Alice” (line 1)" in refused.json()["detail"]

    api.call("put", path, {"body": "The renewal was not automated."})
    done = api.call("post", f"{path}/publish").json()
    assert done["published_by"] == "alice" and done["published_at"]
    assert outsider_api.call("get", path).status_code == 403


def test_the_api_gives_the_draft_of_an_open_incident_without_saving_it(api, incident):
    got = api.call("get", f"/incidents/{incident.slug}/postmortem").json()
    assert not got["saved"] and got["revision"] is None
    assert got["body"].startswith("# Post-mortem: ")
    assert not PostMortem.objects.exists()


@pytest.fixture
def cli(monkeypatch, responder):
    """`warroom …` in this process, its HTTP calls answered by this test's Django."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    from warroom.cli import client
    from warroom.cli.main import cli

    real_client = httpx.Client
    transport = httpx.WSGITransport(app=WSGIHandler())
    monkeypatch.setattr(client.httpx, "Client", lambda **kw: real_client(transport=transport, **kw))
    monkeypatch.setenv("WARROOM_URL", "http://127.0.0.1")
    monkeypatch.setenv("WARROOM_TOKEN", make_token(responder))
    # Each request closes old database connections; here that is the test's own (PostgreSQL).
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield lambda *args: CliRunner().invoke(cli, list(args))
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


def test_the_cli_prints_and_writes_the_postmortem(responder, cli, tmp_path):
    incident = play(responder)
    result = cli("postmortem", incident.slug)
    assert result.exit_code == 0, result.output
    assert result.output == services.current(incident).body

    out = tmp_path / "pm.md"
    result = cli("postmortem", incident.slug, "--out", str(out))
    assert result.exit_code == 0, result.output
    assert out.read_text() == services.current(incident).body
    assert result.output == f"Wrote {out} (not published; 0 findings, 0 names).\n"

    result = cli("postmortem", "no-such-incident")
    assert result.exit_code == 1 and "no incident 'no-such-incident'" in result.output
