"""Incident metrics from the record (a fixed clock), across incidents, on the dashboard page with
its SVG charts, and over the API."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from warroom.flows.declare import declare
from warroom.flows.status import change_status
from warroom.metrics.compute import for_incidents, summary
from warroom.metrics.words import human
from warroom.testing.factories import make_entry

pytestmark = pytest.mark.django_db

TEN = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)


def at(minutes: int):
    return time_machine.travel(TEN + timedelta(minutes=minutes), tick=False)


@pytest.fixture
def told(responder):
    """Detected 09:50, declared 10:00, updates 10:07, monitoring 10:40, resolved 11:00."""
    with at(0):
        incident = declare(
            title="Checkout errors",
            severity="S1",
            declared_by=responder,
            detected_at=TEN - timedelta(minutes=10),
        )
    with at(5):
        make_entry(incident, "Internal: looking at db1", visibility="internal")
    with at(7):
        make_entry(incident, "We see errors at checkout.")
    with at(40):
        change_status(incident=incident, status="monitoring", message="Fix out.", by=responder)
    with at(60):
        change_status(incident=incident, status="resolved", message="Fixed.", by=responder)
    incident.refresh_from_db()
    return incident


def test_the_metrics_of_one_incident(told):
    (m,) = for_incidents([told])
    assert m.seconds == {
        "time_to_declare": 600,
        "time_to_first_public_update": 420,
        "longest_gap_between_public_updates": 33 * 60,
        "time_to_mitigate": 40 * 60,
        "time_to_resolve": 3600,
    }
    assert m.public_updates == 4 and m.median_gap_seconds == 20 * 60  # 7, 33, 20 min


def test_an_open_incident_has_only_what_happened_yet(responder):
    with at(0):
        incident = declare(title="Slow pages", severity="S3", declared_by=responder)
    (m,) = for_incidents([incident])
    assert m.seconds["time_to_declare"] is None  # nobody said when it was detected
    assert m.seconds["time_to_first_public_update"] is None
    assert m.seconds["time_to_resolve"] is None


def test_across_incidents(told, responder):
    with at(120):
        other = declare(title="Slow pages", severity="S3", declared_by=responder)
    with at(150):
        change_status(incident=other, status="resolved", message="Fine.", by=responder)
    other.refresh_from_db()
    totals = summary(for_incidents([told, other]))
    assert totals["time_to_resolve"] == {"incidents": 2, "median": 2700.0, "max": 3600.0}
    assert totals["time_to_mitigate"]["incidents"] == 2  # straight to resolved counts


def test_human_durations():
    assert [human(s) for s in (None, 12, 240, 7500, 3 * 86400 + 4 * 3600)] == [
        "–",
        "12 s",
        "4 min",
        "2 h 05 min",
        "3 d 4 h",
    ]


def test_the_dashboard_page_charts_each_metric(alice, told):
    from conftest import client_for

    with time_machine.travel(TEN + timedelta(days=1)):
        page = alice.get("/dashboard/metrics/").content.decode()
    assert page.count('<svg class="chart"') == 5
    assert "Checkout errors (S1, 2026-11-02): 1 h 00 min" in page  # a dot's tooltip
    assert "<td>10 min</td>" in page  # time to declare in the table
    assert client_for().get("/dashboard/metrics/").status_code == 302  # to the login page


def test_outsiders_get_no_metrics(outsider, told):
    from conftest import client_for

    assert client_for(outsider).get("/dashboard/metrics/").status_code == 403


def test_metrics_over_the_api(api, told):
    with time_machine.travel(TEN + timedelta(days=1)):
        across = api.call("get", "/metrics?days=30").json()
        assert across["summary"]["time_to_resolve"]["median"] == 3600
        assert api.call("get", "/metrics?days=7").status_code == 422
    one = api.call("get", f"/incidents/{told.slug}/metrics").json()
    assert one["time_to_first_public_update"] == 420 and one["public_updates"] == 4
