"""The incident as a file: Markdown and HTML hold the public outage issue and nothing internal;
the JSON export holds the whole record and imports back without loss (hypothesis), mapping
people by username; the REST endpoints and `warroom export --format` / `warroom import`."""

import itertools
import json
from datetime import timedelta

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from warroom.accounts.models import Person
from warroom.accounts.services import import_roster
from warroom.exports import services
from warroom.flows.entries import add_entry, edit_entry, settle_hypothesis
from warroom.flows.roles import assign_role
from warroom.flows.status import change_status
from warroom.impact.models import Component
from warroom.impact.services import assess
from warroom.lib.errors import Conflict, Invalid
from warroom.redaction.services import add_correction
from warroom.testing.factories import make_entry, make_incident
from warroom.timeline.models import Kind, Visibility

pytestmark = pytest.mark.django_db

_copies = itertools.count(1)


@pytest.fixture
def cast(responder):
    import_roster([{"name": "Marta Jansen", "username": "marta", "email": "marta@example.com"}])
    Component.objects.get_or_create(slug="ci-runners", defaults={"name": "CI runners"})
    return responder


def full_incident(by):
    """An incident with a bit of everything the record holds."""
    incident = make_incident("CI runners stuck", by=by, commander="alice", communications="marta")
    make_entry(incident, "Marta restarted the runner manager.", kind="action")
    make_entry(incident, "ACME's cluster is the one down", visibility="internal")
    guess = make_entry(incident, "Maybe the autoscaler", kind="hypothesis")
    settle_hypothesis(entry=guess, state="confirmed", by=by, note="Scaler at max.")
    edit_entry(entry=guess, by=by, body="Maybe the autoscaler hit its limit")
    assess(
        incident=incident,
        by=by,
        segments={"saas": "major_outage"},
        components={"ci-runners": "partial_outage"},
        customers=["Initech", "Ünïcode GmbH"],
    )
    add_correction(incident=incident, text="Canary", kind="not_a_name", by=by)
    assign_role(incident=incident, role="communications", username="alice", by=by)  # handover
    change_status(incident=incident, status="resolved", message="Runners are back.", by=by)
    incident.refresh_from_db()
    return incident


def exported(incident) -> dict:
    return json.loads(services.export_file(incident, "json"))


def comparable(document: dict) -> dict:
    """The document without what differs between two exports of the same record."""
    document = {**document, "incident": {**document["incident"]}}
    del document["exported_at"], document["incident"]["slug"]
    return document


def test_the_files_of_the_public_issue_hold_nothing_internal(cast):
    incident = full_incident(cast)
    markdown = services.export_file(incident, "markdown")
    html = services.export_file(incident, "html")
    assert markdown.startswith(f"# Outage {incident.declared_at:%Y-%m-%d}: CI runners stuck\n")
    assert "The communications lead restarted the runner manager." in markdown
    assert "Hypothesis (confirmed): Maybe the autoscaler hit its limit" in markdown
    assert "<h2>Timeline (UTC)</h2>" in html and "<title>Outage " in html
    for text in (markdown, html):
        for secret in ["Marta", "Jansen", "ACME", "Initech", "Ünïcode", incident.war_room_url]:
            assert secret not in text, secret


def test_the_json_export_holds_the_internal_record(cast):
    incident = full_incident(cast)
    document = exported(incident)
    assert (document["format"], document["version"]) == ("warroom-incident", 1)
    assert document["incident"]["war_room_url"] == incident.war_room_url
    bodies = [e["body"] for e in document["entries"]]
    assert "ACME's cluster is the one down" in bodies
    guess = next(e for e in document["entries"] if e["kind"] == "hypothesis")
    assert guess["hypothesis_state"] == "confirmed" and guess["revision"] == 3
    assert [r["body"] for r in guess["revisions"]] == [
        "Maybe the autoscaler",
        "Maybe the autoscaler",
        "Maybe the autoscaler hit its limit",
    ]
    finding = next(e for e in document["entries"] if e["body"] == "Scaler at max.")
    assert finding["data"]["about_entry"] == guess["n"]  # entries refer to each other by n
    assert [(r["role"], r["person"], r["ended_at"] is None) for r in document["roles"]] == [
        ("commander", "alice", True),
        ("communications", "marta", False),
        ("communications", "alice", True),
    ]
    assert document["impact"]["affected_customers"] == ["Initech", "Ünïcode GmbH"]
    assert {p["key"] for p in document["redaction"]["pseudonyms"]} >= {"person:marta"}
    assert document["redaction"]["corrections"][0]["text"] == "Canary"


def test_an_import_is_the_same_record_under_a_new_slug(cast):
    incident = full_incident(cast)
    before = exported(incident)
    imported = services.import_incident(before, slug="ci-copy")
    copy = imported.incident
    assert copy.slug == "ci-copy" and copy.pk != incident.pk
    assert comparable(exported(copy)) == comparable(before)
    assert copy.war_room_url == incident.war_room_url and not hasattr(copy, "playbook")
    assert imported.notes == ["users matched by username: alice"]
    guess = copy.entries.get(kind="hypothesis")
    assert copy.entries.get(body="Scaler at max.").data["about_entry"] == guess.pk


def test_an_existing_slug_is_refused_and_another_can_be_given(cast):
    incident = full_incident(cast)
    document = exported(incident)
    with pytest.raises(Conflict) as error:
        services.import_incident(document)
    assert error.value.message == (
        f"an incident {incident.slug!r} exists already; import it under another slug "
        "(`warroom import FILE --as NEW_SLUG`)"
    )
    with pytest.raises(Invalid, match="is not a slug"):
        services.import_incident(document, slug="not a slug")


def test_people_and_components_unknown_here_never_fail_an_import(cast):
    document = exported(full_incident(cast))
    document["entries"][1]["author"] = "ghost"
    document["roles"][0].update(person="newbie", person_name="Nell Newbie")
    document["impact"]["assessments"][0].update(target="component", slug="queue", name="Queue")
    document["redaction"]["corrections"][0]["created_by"] = "ghost"

    imported = services.import_incident(document, slug="elsewhere")

    entry = imported.incident.entries.order_by("id")[1]
    assert entry.author is None and entry.data["imported_author"] == "ghost"
    assert Person.objects.get(username="newbie").display_name == "Nell Newbie"
    assert Component.objects.get(slug="queue").name == "Queue"
    assert imported.notes == [
        "users matched by username: alice",
        "no user here named ghost: their entries keep the name in data.imported_author, "
        "other references to them are left empty",
        "added to the roster (they held roles): newbie (Nell Newbie)",
        "added component queue (Queue)",
    ]
    again = exported(imported.incident)  # what was kept by name exports again as it came
    assert again["entries"][1]["data"]["imported_author"] == "ghost"


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda d: [d], 'this is not a warroom incident export ("format": "warroom-incident")'),
        (lambda d: {**d, "format": "statuspage"}, "this is not a warroom incident export"),
        (lambda d: {**d, "version": 2}, "this export is version 2; this warroom reads version 1"),
        (
            lambda d: {**d, "entries": [{**d["entries"][0], "kind": "rumour"}]},
            "the export cannot be imported: entries.0.kind: Input should be 'event'",
        ),
        (
            lambda d: {**d, "incident": {**d["incident"], "declared_at": "2026-11-29T14:02"}},
            "incident.declared_at: Input should have timezone info",
        ),
        (lambda d: {**d, "extra": 1}, "extra: Extra inputs are not permitted"),
    ],
)
def test_bad_files_are_refused_saying_what_is_wrong(cast, change, message):
    document = exported(make_incident(by=cast))
    with pytest.raises(Invalid) as error:
        services.import_incident(change(document), slug="bad")
    assert message in error.value.message


# Any text PostgreSQL stores: no NUL, no lone surrogates.
characters = st.characters(exclude_categories=("Cs",), exclude_characters="\x00")
texts = st.one_of(
    st.text(characters, min_size=1, max_size=60),
    st.sampled_from(
        [
            "**Bold** and _emphasis_, `code`, [a link](https://example.com/a?b=c)",
            "# A heading\n\n- one\n- two\n\n> quoted\n\n| a | b |\n|---|---|\n| 1 | 2 |",
            "/close\n~~~\nfenced\n~~~",
            "naïve café, 日本語, עברית, 🚒🔥 <script>alert(1)</script>",
        ]
    ),
).filter(str.strip)
json_values = st.one_of(
    st.none(), st.booleans(), st.integers(-(10**9), 10**9), st.text(characters, max_size=20)
)
entries = st.lists(
    st.fixed_dictionaries(
        {
            "kind": st.sampled_from(Kind.values),
            "visibility": st.sampled_from(Visibility.values),
            "body": texts,
            "ago": st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=400)),
            "data": st.dictionaries(st.text(characters, max_size=12), json_values, max_size=3),
            "edit": st.none() | texts,
            "settle": st.sampled_from(["", "confirmed", "refuted"]),
        }
    ),
    max_size=8,
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(entries=entries)
def test_json_export_and_import_round_trip_without_loss(cast, entries):
    incident = make_incident("Generated incident", by=cast, commander="marta")
    now = timezone.now()
    for e in entries:
        entry = add_entry(
            incident=incident,
            body=e["body"],
            author=cast,
            kind=e["kind"],
            visibility=e["visibility"],
            occurred_at=now - e["ago"],
            data=e["data"],
        )
        if e["edit"]:
            entry = edit_entry(entry=entry, by=cast, body=e["edit"])
        if e["settle"] and e["kind"] == Kind.HYPOTHESIS:
            settle_hypothesis(entry=entry, state=e["settle"], by=cast, note="Checked.")
    assess(incident=incident, by=cast, segments={"saas": "degraded_performance"}, customers=["Ü"])

    before = exported(incident)
    copy = services.import_incident(before, slug=f"copy-{next(_copies)}").incident
    assert comparable(exported(copy)) == comparable(before)


class TestApi:
    def test_files_come_with_their_content_type(self, cast, api):
        incident = full_incident(cast)
        path = f"/incidents/{incident.slug}/export"
        markdown = api.call("get", f"{path}?format=markdown")
        assert markdown["Content-Type"] == "text/markdown; charset=utf-8"
        assert markdown.content.decode().startswith("# Outage ")
        assert api.call("get", f"{path}?format=html")["Content-Type"].startswith("text/html")
        document = api.call("get", f"{path}?format=json").json()
        assert document["format"] == "warroom-incident"
        assert api.call("get", f"{path}?format=pdf").status_code == 422

    def test_import_answers_the_new_slug_and_the_notes(self, cast, api):
        document = exported(full_incident(cast))
        response = api.call("post", "/incidents/import?as=from-api", document)
        assert response.status_code == 201, response.content
        assert response.json() == {
            "slug": "from-api",
            "public_url": "http://127.0.0.1:8000/incidents/from-api/",
            "notes": ["users matched by username: alice"],
        }
        again = api.call("post", "/incidents/import?as=from-api", document)
        assert again.status_code == 409 and "exists already" in again.json()["detail"]
        assert api.call("post", "/incidents/import", {"format": "x"}).status_code == 422

    def test_outsiders_and_strangers_get_no_record(self, cast, outsider_api, anonymous_api):
        incident = full_incident(cast)
        document = exported(incident)
        for client, code in ((outsider_api, 403), (anonymous_api, 401)):
            path = f"/incidents/{incident.slug}/export?format=json"
            assert client.call("get", path).status_code == code
            assert client.call("post", "/incidents/import?as=x", document).status_code == code


@pytest.mark.server
def test_export_and_import_through_the_cli(server, tmp_path):
    declared = server.cli("declare", "CDN errors in eu-west", "--severity", "S2", "--json")
    slug = json.loads(declared.stdout)["slug"]
    for args in (["Edge 5xx at 30 %", "--kind", "finding"], ["Customer Initech", "--internal"]):
        assert server.cli("note", slug, *args).returncode == 0
    out = tmp_path / "incident.json"

    written = server.cli("export", slug, "--format", "json", "--out", str(out))
    assert written.returncode == 0 and written.stderr == f"Wrote json to {out}\n"
    imported = server.cli("import", str(out), "--as", "cdn-copy")
    assert imported.returncode == 0, imported.stderr
    assert imported.stdout == "cdn-copy\n" and "users matched by username: alice" in imported.stderr
    copy = json.loads(server.cli("export", "cdn-copy", "--format", "json").stdout)
    assert comparable(copy) == comparable(json.loads(out.read_text()))

    refused = server.cli("import", str(out))
    assert refused.returncode == 1 and "exists already" in refused.stderr
    markdown = server.cli("export", slug, "--format", "markdown").stdout
    assert "Edge 5xx at 30 %" in markdown and "Initech" not in markdown


def test_the_post_mortem_and_its_revisions_round_trip(cast):
    from warroom.flows import postmortem as publishing
    from warroom.flows.status import change_status
    from warroom.incidents.models import PostMortem
    from warroom.writeups import postmortem as postmortems

    incident = make_incident("Queue backlog", by=cast, commander="marta")
    change_status(incident=incident, status="resolved", message="Drained.", by=cast)
    postmortems.save(incident=incident, body="# Post-mortem\n\nThe queue filled up.", by=cast)
    postmortems.save(incident=incident, body="# Post-mortem\n\nThe queue filled up twice.", by=cast)
    publishing.publish(incident=incident, by=cast)

    before = exported(incident)
    assert before["postmortem"]["published_body"].rstrip().endswith("twice.")
    copy = services.import_incident(before, slug="queue-copy").incident
    assert comparable(exported(copy)) == comparable(before)
    imported = PostMortem.objects.get(incident=copy)
    assert imported.revisions.count() == PostMortem.objects.get(incident=incident).revisions.count()
