"""The Statuspage-compatible JSON under /api/v2/: the documented shape (JSON Schemas written from
Statuspage's public API documentation), what it says in each state of an incident, caching, and
that a real consumer of the format reads it unchanged."""

import json
from datetime import datetime
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError
from prometheus_client import REGISTRY
from referencing import Registry, Resource
from statuspage_prometheus_exporter import service_checker, service_monitor

from warroom.accounts.services import import_roster
from warroom.flows.status import change_status
from warroom.impact.models import Component
from warroom.impact.services import assess
from warroom.testing.factories import make_entry, make_incident

pytestmark = pytest.mark.django_db

SCHEMAS = Path(__file__).resolve().parents[1] / "data" / "statuspage"
ENDPOINTS = {
    "/api/v2/summary.json": "summary",
    "/api/v2/status.json": "status",
    "/api/v2/components.json": "components",
    "/api/v2/incidents.json": "incidents",
    "/api/v2/incidents/unresolved.json": "unresolved",
    "/api/v2/scheduled-maintenances.json": "scheduled-maintenances",
}


def _validator(name: str) -> Draft202012Validator:
    schemas = [json.loads(path.read_text()) for path in SCHEMAS.glob("*.schema.json")]
    registry = Registry().with_resources(
        (schema["$id"], Resource.from_contents(schema)) for schema in schemas
    )
    schema = json.loads((SCHEMAS / f"{name}.schema.json").read_text())
    return Draft202012Validator(
        schema, registry=registry, format_checker=Draft202012Validator.FORMAT_CHECKER
    )


VALIDATORS = {path: _validator(name) for path, name in ENDPOINTS.items()}


@pytest.fixture
def parts(db):
    return [
        Component.objects.create(slug="web", name="Web UI", position=0),
        Component.objects.create(slug="ci-runners", name="CI runners", position=1),
    ]


def get(client, path: str) -> dict:
    response = client.get(path)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/json"
    return response.json()


def when(timestamp: str) -> datetime:
    return datetime.fromisoformat(timestamp)


def assert_valid_everywhere(client) -> None:
    for path, validator in VALIDATORS.items():
        validator.validate(get(client, path))


def test_every_endpoint_matches_its_schema_when_nothing_happened(public_client, parts):
    assert_valid_everywhere(public_client)


def test_every_endpoint_matches_its_schema_through_an_incident(public_client, responder, parts):
    earlier = make_incident("Search is slow", by=responder, severity="S3")
    change_status(incident=earlier, status="resolved", message="Fixed.", by=responder)
    incident = make_incident(by=responder)
    make_entry(incident, "Maybe the cache", kind="hypothesis")
    assess(incident=incident, by=responder, components={"ci-runners": "major_outage"})
    assert_valid_everywhere(public_client)
    change_status(incident=incident, status="monitoring", message="Fix deployed.", by=responder)
    assert_valid_everywhere(public_client)
    change_status(incident=incident, status="resolved", message="All good.", by=responder)
    assert_valid_everywhere(public_client)


def test_the_schemas_enforce_the_enumerations(public_client, parts):
    summary = get(public_client, "/api/v2/summary.json")
    summary["components"][0]["status"] = "none"  # warroom's word, not Statuspage's
    with pytest.raises(ValidationError, match="'none' is not one of"):
        VALIDATORS["/api/v2/summary.json"].validate(summary)
    status = get(public_client, "/api/v2/status.json")
    status["status"]["indicator"] = "S1"
    with pytest.raises(ValidationError):
        VALIDATORS["/api/v2/status.json"].validate(status)


def test_with_no_incident_all_systems_are_operational(public_client, parts, settings):
    summary = get(public_client, "/api/v2/summary.json")
    assert summary["status"] == {"indicator": "none", "description": "All Systems Operational"}
    assert [(c["id"], c["status"], c["position"]) for c in summary["components"]] == [
        ("web", "operational", 1),
        ("ci-runners", "operational", 2),
    ]
    assert summary["incidents"] == [] and summary["scheduled_maintenances"] == []
    assert summary["page"]["url"] == settings.PUBLIC_URL
    assert summary["page"]["name"] == settings.PAGE_NAME == "Service status"
    assert get(public_client, "/api/v2/status.json")["status"]["indicator"] == "none"
    assert get(public_client, "/api/v2/scheduled-maintenances.json")["scheduled_maintenances"] == []


def test_an_s1_with_a_component_down_is_critical_and_unresolved(public_client, responder, parts):
    incident = make_incident(by=responder)
    make_entry(incident, "Replication lag is 40 s on db2")
    assess(incident=incident, by=responder, components={"ci-runners": "major_outage"})
    change_status(incident=incident, status="identified", message="A bad index.", by=responder)
    make_entry(incident, "Maybe the cache", kind="hypothesis")

    components = get(public_client, "/api/v2/components.json")["components"]
    assert {c["id"]: c["status"] for c in components} == {
        "web": "operational",
        "ci-runners": "major_outage",
    }
    status = get(public_client, "/api/v2/status.json")["status"]
    assert status == {"indicator": "critical", "description": "Major Service Outage"}

    summary = get(public_client, "/api/v2/summary.json")
    unresolved = get(public_client, "/api/v2/incidents/unresolved.json")["incidents"]
    assert summary["incidents"] == unresolved
    (shown,) = unresolved
    assert shown["id"] == incident.slug and shown["status"] == "identified"
    assert shown["impact"] == "critical" and shown["resolved_at"] is None
    assert shown["shortlink"].endswith(f"/incidents/{incident.slug}/")
    assert [c["id"] for c in shown["components"]] == ["ci-runners"]
    updates = [
        (u["status"], u["body"], u["deliver_notifications"]) for u in shown["incident_updates"]
    ]
    assert updates == [  # newest first, each with the status it was posted under
        ("identified", "Hypothesis (unconfirmed): Maybe the cache", False),
        ("identified", "A bad index.", True),
        ("investigating", "Replication lag is 40 s on db2", False),
        ("investigating", f"We are investigating: {incident.title}.", False),
    ]


def test_the_page_shows_the_worst_of_incidents_and_components(public_client, responder, parts):
    minor = make_incident("Search is slow", by=responder, severity="S3")
    assert get(public_client, "/api/v2/status.json")["status"]["indicator"] == "minor"
    assess(incident=minor, by=responder, components={"web": "partial_outage"})
    status = get(public_client, "/api/v2/status.json")["status"]
    assert status == {"indicator": "major", "description": "Partial System Outage"}


def test_resolving_empties_unresolved_and_brings_components_back(public_client, responder, parts):
    incident = make_incident(by=responder)
    assess(incident=incident, by=responder, components={"ci-runners": "major_outage"})
    change_status(incident=incident, status="monitoring", message="Fix deployed.", by=responder)
    change_status(incident=incident, status="resolved", message="All good.", by=responder)

    assert get(public_client, "/api/v2/incidents/unresolved.json")["incidents"] == []
    summary = get(public_client, "/api/v2/summary.json")
    assert summary["incidents"] == []
    assert summary["status"]["indicator"] == "none"
    ci = next(c for c in summary["components"] if c["id"] == "ci-runners")
    assert ci["status"] == "operational"
    (resolved,) = get(public_client, "/api/v2/incidents.json")["incidents"]
    assert resolved["status"] == "resolved" and resolved["resolved_at"]
    assert resolved["monitoring_at"] and resolved["components"][0]["id"] == "ci-runners"
    # The component changed when the incident ended, and so did the page.
    assert ci["updated_at"] == resolved["resolved_at"]
    assert when(summary["page"]["updated_at"]) >= when(resolved["resolved_at"])


def test_incidents_lists_the_50_newest_first(public_client, responder, monkeypatch):
    from warroom.projection import statuspage

    monkeypatch.setattr(statuspage, "RECENT_INCIDENTS", 2)
    slugs = [make_incident(f"Outage {n}", by=responder).slug for n in range(3)]
    shown = get(public_client, "/api/v2/incidents.json")["incidents"]
    assert [i["id"] for i in shown] == slugs[:0:-1]


@pytest.mark.parametrize("path", ENDPOINTS)
def test_each_endpoint_is_cached_conditional_and_open_to_any_origin(
    public_client, responder, parts, path
):
    first = public_client.get(path)
    assert first["Access-Control-Allow-Origin"] == "*"
    assert "must-revalidate" in first["Cache-Control"]
    again = public_client.get(path, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again.content == b""
    incident = make_incident(by=responder)
    assess(incident=incident, by=responder, components={"web": "degraded_performance"})
    changed = public_client.get(path, HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200 and changed["ETag"] != first["ETag"]
    assert public_client.head(path).status_code == 200
    assert public_client.post(path).status_code == 405


def test_nothing_internal_reaches_any_endpoint(public_client, responder, parts):
    import_roster([{"name": "Marta Jansen", "username": "mjansen", "email": "marta@example.com"}])
    incident = make_incident(by=responder)
    make_entry(incident, "Marta Jansen restarted db1, marta@example.com knows more")
    make_entry(incident, "zqinternalxq: the root password is in the wiki", visibility="internal")
    assess(
        incident=incident,
        by=responder,
        components={"ci-runners": "major_outage"},
        customers=["ACME Corp", "Initech"],
    )
    bodies = " ".join(public_client.get(path).content.decode() for path in ENDPOINTS)
    assert "restarted db1" in bodies  # the entry is there, its people are not
    for secret in (
        "Marta",
        "Jansen",
        "mjansen",
        "marta@example.com",
        "Alice",
        "zqinternalxq",
        "ACME",
        "Initech",
        incident.war_room_url,
    ):
        assert secret not in bodies, secret


def test_the_webhook_payload_and_the_json_agree_on_the_impact():
    from warroom.projection.statuspage import IMPACT_OF_SEVERITY
    from warroom.subscribers.services import _statuspage_payload

    state = {"slug": "x", "title": "x", "status": "investigating", "severity": "S2"}
    state |= {"url": "u", "started_at": None, "resolved_at": None}
    update = {"id": 1, "text": "t", "occurred_at": None}
    assert _statuspage_payload(state, update)["incident"]["impact"] == IMPACT_OF_SEVERITY["S2"]


@pytest.mark.django_db(transaction=True)
def test_a_statuspage_exporter_reads_our_summary_unchanged(
    live_server, responder, parts, tmp_path, monkeypatch
):
    """statuspage-prometheus-exporter (PyPI) polls Statuspage pages' summary.json and exposes
    what it reads as Prometheus metrics: pointed at warroom, it must see what a page shows."""
    monkeypatch.chdir(tmp_path)  # where it keeps its cache and uptime history
    monkeypatch.delenv("SLACK_WEBHOOK_URL", raising=False)
    config = {"url": f"{live_server.url}/api/v2/summary.json", "name": "warroom"}
    monkeypatch.setattr(service_monitor, "SERVICES", {"warroom": config})

    def metric(name: str, **labels) -> float | None:
        return REGISTRY.get_sample_value(name, {"service_name": "warroom", **labels})

    incident = make_incident(by=responder)
    assess(incident=incident, by=responder, components={"ci-runners": "major_outage"})
    result = service_checker.check_service_status("warroom", config)
    assert result["success"] and result["raw_status"] == "critical"
    (seen,) = result["incident_metadata"]
    assert (seen["id"], seen["status"], seen["impact"]) == (
        incident.slug,
        "investigating",
        "critical",
    )
    assert seen["affected_components"] == ["CI runners"]
    assert seen["shortlink"].endswith(f"/incidents/{incident.slug}/")

    service_monitor.monitor_services(is_initial_run=True)
    assert metric("statuspage_service_status") == 0
    assert metric("statuspage_component_status", component_name="CI runners") == 0
    assert metric("statuspage_component_status", component_name="Web UI") == 1

    change_status(incident=incident, status="resolved", message="All good.", by=responder)
    service_monitor.monitor_services()
    assert metric("statuspage_service_status") == 1
    assert metric("statuspage_component_status", component_name="CI runners") == 1
