"""Impact assessment (components, segments, affected customers) and per-component subscriptions:
a subscriber to some components hears only of incidents that affect one of them."""

import pytest
from click.testing import CliRunner

from warroom.comms.models import Message
from warroom.flows.status import change_status
from warroom.impact import services
from warroom.impact.models import Assessment, Component, Segment
from warroom.lib.errors import Forbidden, Invalid
from warroom.subscribers import services as subscriptions

pytestmark = pytest.mark.django_db


@pytest.fixture
def parts(db):
    return [
        Component.objects.create(slug="ci-runners", name="CI runners", position=1),
        Component.objects.create(slug="web", name="Web UI", position=0),
    ]


def test_the_default_segments_exist(db):
    assert list(Segment.objects.values_list("slug", flat=True)) == [
        "self-managed",
        "dedicated",
        "saas",
    ]


def test_assessments_keep_their_history_and_write_only_changes(incident, responder, parts):
    services.assess(
        incident=incident,
        by=responder,
        components={"ci-runners": "partial_outage"},
        segments={"saas": "major_outage", "self-managed": "none"},
        customers=["ACME Corp", "Initech", "ACME Corp", " "],
    )
    again = services.assess(
        incident=incident, by=responder, components={"ci-runners": "partial_outage"}
    )
    assert Assessment.objects.count() == 3  # the repeat wrote nothing
    services.assess(incident=incident, by=responder, components={"ci-runners": "none"})
    assert again == {
        "components": {"ci-runners": "partial_outage"},
        "segments": {"self-managed": "none", "saas": "major_outage"},
        "customers": 2,
    }
    history = incident.assessments.filter(component__slug="ci-runners")
    assert list(history.values_list("level", flat=True)) == ["partial_outage", "none"]
    assert services.current_impact(incident)["components"] == {"ci-runners": "none"}


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"components": {"gitaly": "major_outage"}}, "no component 'gitaly'; the components are"),
        ({"segments": {"saas": "broken"}}, "unknown level 'broken'"),
        ({"customers": ["x" * 201]}, "at most 200 characters"),
    ],
)
def test_bad_assessments_say_what_is_wrong(incident, responder, parts, kwargs, message):
    with pytest.raises(Invalid, match=message):
        services.assess(incident=incident, by=responder, **kwargs)
    assert not Assessment.objects.exists()


def test_only_admins_add_components(responder, owner):
    with pytest.raises(Forbidden):
        services.add_named(Component, slug="registry", name="Registry", by=responder)
    with pytest.raises(Invalid, match="not a slug"):
        services.add_named(Component, slug="Container registry", name="Registry", by=owner)
    assert services.add_named(Component, slug="registry", name="Registry", by=owner).pk


def test_impact_over_the_api_keeps_customer_names_internal(incident, api, parts):
    response = api.call(
        "post",
        f"/incidents/{incident.slug}/impact",
        {"segments": {"saas": "major_outage"}, "customers": ["ACME Corp"]},
    )
    assert response.status_code == 200
    assert response.json() == {
        "components": {},
        "segments": {"saas": "major_outage"},
        "customers": 1,
        "customer_names": ["ACME Corp"],
    }
    bad = api.call("post", f"/incidents/{incident.slug}/impact", {"components": {"x": "none"}})
    assert bad.status_code == 422 and "no component 'x'" in bad.json()["detail"]
    from django.test import Client

    public = Client().get(f"/incidents/{incident.slug}/live.json").content.decode()
    assert "ACME" not in public


def test_subscribers_to_some_components_hear_only_of_incidents_affecting_them(
    incident, responder, parts
):
    subscriptions.subscribe(address="all@example.com", confirmed=True)
    subscriptions.subscribe(address="ci@example.com", confirmed=True, components=["ci-runners"])
    subscriptions.subscribe(address="web@example.com", confirmed=True, components=["web"])

    def recipients(message: str) -> set[str]:
        change_status(incident=incident, status="identified", message=message, by=responder)
        entry = incident.entries.latest("id")
        return set(
            Message.objects.filter(group=f"update:{entry.pk}").values_list("recipient", flat=True)
        )

    # Nothing assessed yet: nobody knows what is affected, so everyone hears of it.
    assert recipients("Looking into it.") == {
        "all@example.com",
        "ci@example.com",
        "web@example.com",
    }
    services.assess(incident=incident, by=responder, components={"ci-runners": "partial_outage"})
    assert recipients("Runners are slow.") == {"all@example.com", "ci@example.com"}
    services.assess(incident=incident, by=responder, components={"ci-runners": "none"})
    assert recipients("Runners are back.") == {"all@example.com"}


def test_unknown_components_are_refused_when_subscribing(parts):
    with pytest.raises(Invalid, match="no component 'pages'; the components are: web, ci-runners"):
        subscriptions.subscribe(address="a@example.com", components=["pages"])


def test_the_public_form_offers_the_components(client, parts):
    page = client.get("/subscribe").content.decode()
    assert 'name="component" value="ci-runners"' in page and "CI runners" in page
    response = client.post("/subscribe", {"address": "a@example.com", "component": ["web"]})
    assert response.status_code == 200
    from warroom.subscribers.models import Subscriber

    chosen = Subscriber.objects.get(address="a@example.com").components.all()
    assert [c.slug for c in chosen] == ["web"]


def test_the_impact_command_explains_a_bad_pair():
    from warroom.cli.main import cli

    result = CliRunner().invoke(cli, ["impact", "some-incident", "--segment", "saas"])
    assert result.exit_code == 2 and "write SEGMENT=LEVEL, e.g. saas=major_outage" in result.output


def test_outsiders_and_strangers_read_and_assess_no_impact(
    incident, parts, outsider_api, anonymous_api
):
    path = f"/incidents/{incident.slug}/impact"
    body = {"segments": {"saas": "major_outage"}, "customers": ["ACME Corp"]}
    for client, status in ((outsider_api, 403), (anonymous_api, 401)):
        assert client.call("get", path).status_code == status
        assert client.call("post", path, body).status_code == status
        assert client.call("get", "/components").status_code == status
        added = client.call("post", "/components", {"slug": "registry", "name": "Registry"})
        assert added.status_code == status
    assert not Assessment.objects.exists() and not incident.affected_customers.exists()
    assert not Component.objects.filter(slug="registry").exists()
