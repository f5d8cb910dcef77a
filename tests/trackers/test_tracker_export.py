"""The outage issue (G9) in GitLab (python-gitlab) and GitHub (PyGithub), against local fakes of
their REST APIs: one issue, labelled, with the redacted public timeline in UTC and the impact per
segment; exporting again updates it; nothing internal in it; clear errors; the resolve step's
background export; the REST endpoint and `warroom export --to`."""

import json
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult

from warroom.accounts.services import import_roster
from warroom.comms.models import Message
from warroom.comms.services import deliver
from warroom.comms.worker import run_pending
from warroom.flows import outage_issue
from warroom.flows.status import change_status
from warroom.impact.models import Component
from warroom.impact.services import assess
from warroom.lib.errors import Invalid
from warroom.playbooks.models import StepRun
from warroom.testing.factories import make_entry, make_incident
from warroom.testing.fakes.github import FakeGitHub
from warroom.testing.fakes.gitlab import FakeGitLab
from warroom.testing.server import running_server
from warroom.trackers.base import TrackerError
from warroom.trackers.models import TrackerIssue

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 11, 28, 14, 2, tzinfo=UTC)


@pytest.fixture
def gitlab(settings):
    with FakeGitLab() as fake:
        settings.GITLAB_URL, settings.GITLAB_TOKEN = fake.url, fake.token
        settings.GITLAB_PROJECT = "infra/production"
        settings.GITHUB_TOKEN = settings.GITHUB_REPO = ""
        yield fake


@pytest.fixture
def github(settings):
    with FakeGitHub() as fake:
        settings.GITHUB_API_URL, settings.GITHUB_TOKEN = fake.url, fake.token
        settings.GITHUB_REPO = "acme/infrastructure"
        settings.GITLAB_TOKEN = settings.GITLAB_PROJECT = ""
        yield fake


@pytest.fixture
def both(gitlab, github, settings):
    """GitLab and GitHub configured (each fixture alone unsets the other)."""
    settings.GITLAB_TOKEN, settings.GITLAB_PROJECT = gitlab.token, "infra/production"
    settings.GITHUB_TOKEN, settings.GITHUB_REPO = github.token, "acme/infrastructure"
    return gitlab, github


@pytest.fixture
def no_tracker(settings):
    settings.GITLAB_TOKEN = settings.GITLAB_PROJECT = ""
    settings.GITHUB_TOKEN = settings.GITHUB_REPO = ""


def at(minutes: int):
    return time_machine.travel(T0 + timedelta(minutes=minutes), tick=False)


@pytest.fixture
def resolved(responder):
    """An S1 from 14:02 to 15:10 UTC with names, internal entries and customers in it."""
    import_roster([{"name": "Marta Jansen", "username": "marta", "email": "marta@example.com"}])
    Component.objects.create(slug="ci-runners", name="CI runners")
    Component.objects.create(slug="web", name="Web UI")
    with at(0):
        incident = make_incident("CI runners stuck", by=responder, commander="alice")
    with at(3):
        make_entry(incident, "Marta restarted the **runner manager**.", kind="action")
        make_entry(incident, "ACME's cluster is the one down", visibility="internal")
        make_entry(incident, "Queue depth 4,000 jobs\nsee the graph", kind="finding")
    with at(5):
        assess(
            incident=incident,
            by=responder,
            segments={"saas": "major_outage", "self-managed": "none"},
            components={"ci-runners": "major_outage", "web": "none"},
            customers=["Initech"],
        )
    with at(68):
        assess(
            incident=incident,
            by=responder,
            segments={"saas": "none"},
            components={"ci-runners": "none"},
        )
        change_status(
            incident=incident, status="resolved", message="Runners are back.", by=responder
        )
    incident.refresh_from_db()
    return incident


SECRETS = ["Marta", "Jansen", "marta@example.com", "ACME", "Initech", "meet.jit.si"]


def test_export_opens_one_gitlab_issue_with_labels_timeline_and_impact(resolved, responder, gitlab):
    exported = outage_issue.export(resolved, "gitlab", by=responder)

    (issue,) = gitlab.issues[1000]
    assert exported.created and (exported.number, exported.url) == (1, issue["web_url"])
    assert issue["title"] == "Outage 2026-11-28: CI runners stuck"
    assert issue["labels"] == ["outage", "severity::S1", "ci-runners"]
    body = issue["description"]
    assert (
        body.index("**2026-11-28 14:02** · Status update (Investigating)")
        < body.index("**2026-11-28 14:05** · Action: Engineer 1 restarted the **runner manager**.")
        < body.index("**2026-11-28 15:10** · Status update (Resolved): Runners are back.")
    )
    assert "Finding: Queue depth 4,000 jobs\n  see the graph" in body
    assert (
        "- SaaS: unavailable (major outage). From 2026-11-28 14:07 UTC to 2026-11-28 15:10 UTC (1 h 3 min)."
        in body
    )
    assert "- Self-managed / on-premises: not affected." in body
    assert "- CI runners: unavailable (major outage). From 2026-11-28 14:07 UTC" in body
    assert "Web UI" not in body
    assert "Affected customers: 1." in body
    assert f"/incidents/{resolved.slug}/" in body
    for secret in SECRETS:
        assert secret not in body + issue["title"], secret

    (get,) = gitlab.calls("GET", "/api/v4/projects/infra%2Fproduction")
    (post,) = gitlab.calls("POST", "/api/v4/projects/1000/issues")
    assert get.headers["private-token"] == post.headers["private-token"] == "glpat-test-token"
    assert post.json["labels"] == "outage,severity::S1,ci-runners"  # comma-separated, as documented
    stored = TrackerIssue.objects.get(incident=resolved)
    assert (stored.tracker, stored.project, stored.number, stored.url) == (
        "gitlab",
        "infra/production",
        1,
        issue["web_url"],
    )
    note = resolved.entries.get(data__tracker="gitlab")
    assert note.visibility == "internal" and note.author == responder


def test_exporting_again_updates_the_same_issue_and_keeps_labels_people_added(
    resolved, responder, gitlab
):
    outage_issue.export(resolved, "gitlab")
    gitlab.issues[1000][0]["labels"].append("corrective-action")  # added by hand in GitLab
    make_entry(resolved, "Root cause: an expired certificate.", kind="finding")
    resolved.severity = "S2"
    resolved.save()

    again = outage_issue.export(resolved, "gitlab")

    (issue,) = gitlab.issues[1000]
    assert not again.created and again.url == issue["web_url"]
    assert "Root cause: an expired certificate." in issue["description"]
    assert issue["labels"] == ["corrective-action", "outage", "severity::S2", "ci-runners"]
    assert len(gitlab.calls("POST", "/api/v4/projects/1000/issues")) == 1
    (put,) = gitlab.calls("PUT", "/api/v4/projects/1000/issues/1")
    assert put.json["labels"] == "corrective-action,outage,severity::S2,ci-runners"
    assert TrackerIssue.objects.get().labels == ["outage", "severity::S2", "ci-runners"]


def test_an_issue_deleted_in_the_tracker_is_opened_again(resolved, gitlab):
    outage_issue.export(resolved, "gitlab")
    gitlab.issues[1000].clear()
    assert outage_issue.export(resolved, "gitlab").created
    assert len(gitlab.issues[1000]) == 1 and TrackerIssue.objects.count() == 1


def test_export_opens_and_then_updates_one_github_issue(resolved, github):
    exported = outage_issue.export(resolved, "github")
    again = outage_issue.export(resolved, "default")  # GitHub is the one configured

    (issue,) = github.issues["acme/infrastructure"]
    assert exported.created and not again.created and again.url == issue["html_url"]
    assert [label["name"] for label in issue["labels"]] == ["outage", "severity::S1", "ci-runners"]
    (post,) = github.calls("POST", "/repos/acme/infrastructure/issues")
    (patch,) = github.calls("PATCH", "/repos/acme/infrastructure/issues/1")
    assert post.headers["authorization"] == "token ghp_test_token"
    assert post.json["labels"] == ["outage", "severity::S1", "ci-runners"]
    assert patch.json["body"] == post.json["body"] == issue["body"]
    assert "**2026-11-28 15:10** · Status update (Resolved): Runners are back." in issue["body"]
    for secret in SECRETS:
        assert secret not in issue["body"], secret


def test_a_timeline_too_long_for_github_ends_with_a_pointer_to_the_public_page(resolved, github):
    for n in range(6):
        make_entry(resolved, f"Long finding {n}: " + "lorem ipsum " * 1200, kind="finding")
    outage_issue.export(resolved, "github")
    body = github.issues["acme/infrastructure"][0]["body"]
    assert len(body) <= 65_536
    assert (
        f"more entries are on the public page: http://127.0.0.1:8000/incidents/{resolved.slug}/"
        in body
    )
    assert body.rstrip().endswith("The next export replaces this description._")


def test_timeline_text_cannot_run_gitlab_quick_actions(resolved, gitlab):
    make_entry(resolved, "/close\n/label ~fixed")
    outage_issue.export(resolved, "gitlab")
    body = gitlab.issues[1000][0]["description"]
    assert "\\/close\n  \\/label ~fixed" in body
    assert not any(line.startswith("/") for line in body.splitlines())


@pytest.mark.parametrize(
    "tracker, unset, message",
    [
        ("gitlab", "GITLAB_TOKEN", "GitLab is not configured: set WARROOM_GITLAB_TOKEN"),
        ("gitlab", "GITLAB_PROJECT", "GitLab is not configured: set WARROOM_GITLAB_PROJECT"),
        ("github", "GITHUB_REPO", "GitHub is not configured: set WARROOM_GITHUB_REPO"),
        ("default", "GITLAB_TOKEN", "configure WARROOM_GITLAB_* or WARROOM_GITHUB_*"),
    ],
)
def test_missing_settings_name_the_variable(
    resolved, settings, no_tracker, tracker, unset, message
):
    settings.GITLAB_TOKEN, settings.GITLAB_PROJECT = "t", "infra/production"
    settings.GITHUB_TOKEN, settings.GITHUB_REPO = "t", "acme/infrastructure"
    if tracker == "default":
        settings.GITHUB_TOKEN = ""
    setattr(settings, unset, "")
    with pytest.raises(Invalid) as error:
        outage_issue.export(resolved, tracker)
    assert message in error.value.message


def test_a_project_given_needs_no_project_setting(resolved, gitlab, settings):
    settings.GITLAB_PROJECT = ""
    with pytest.raises(TrackerError) as error:
        outage_issue.export(resolved, "gitlab", project="infra/nope")
    assert error.value.permanent
    assert "has no project 'infra/nope', or the token in WARROOM_GITLAB_TOKEN cannot see it" in (
        error.value.message
    )


def test_refused_tokens_say_which_variable(resolved, both, settings):
    gitlab, github = both
    settings.GITLAB_TOKEN = settings.GITHUB_TOKEN = "revoked"
    for tracker, expected in [
        ("gitlab", "GitLab refused the token in WARROOM_GITLAB_TOKEN (401 401 Unauthorized)"),
        ("github", "GitHub refused the token in WARROOM_GITHUB_TOKEN (401 Bad credentials)"),
    ]:
        with pytest.raises(TrackerError) as error:
            outage_issue.export(resolved, tracker)
        assert error.value.message.startswith(expected) and error.value.permanent
    assert gitlab.issues[1000] == [] and github.issues["acme/infrastructure"] == []


def test_a_missing_github_repository_is_named(resolved, github):
    with pytest.raises(TrackerError) as error:
        outage_issue.export(resolved, "github", project="acme/nope")
    assert "has no repository 'acme/nope'" in error.value.message


def test_rate_limits_are_passing_failures_and_nothing_waits(resolved, both):
    gitlab, github = both
    gitlab.rate_limit(seconds=3600)
    github.rate_limit()
    for tracker in ("gitlab", "github"):
        with pytest.raises(TrackerError) as error:
            outage_issue.export(resolved, tracker)
        assert not error.value.permanent and "busy or failing (4" in error.value.message


def test_the_resolve_step_exports_in_the_background(
    responder, gitlab, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    incident = make_incident(by=responder)
    make_entry(incident, "Replication lag is 40 s on db2")
    with django_capture_on_commit_callbacks(execute=True):
        change_status(incident=incident, status="resolved", message="Fixed.", by=responder)
    step = incident.steps.get(step_id="export_issue")
    assert step.state == StepRun.State.OPEN and gitlab.issues[1000] == []  # not before commit

    run_pending()

    (issue,) = gitlab.issues[1000]
    assert "Replication lag is 40 s on db2" in issue["description"]
    step.refresh_from_db()
    assert step.state == StepRun.State.DONE
    assert step.reason == f"Outage issue: {issue['web_url']}"


def test_with_no_tracker_the_resolve_step_stays_open_and_says_what_to_configure(
    responder, no_tracker, django_capture_on_commit_callbacks
):
    incident = make_incident(by=responder)
    with django_capture_on_commit_callbacks(execute=True):
        change_status(incident=incident, status="resolved", message="Fixed.", by=responder)
    step = incident.steps.get(step_id="export_issue")
    assert step.state == StepRun.State.OPEN
    assert "configure WARROOM_GITLAB_* or WARROOM_GITHUB_*" in step.reason
    assert not DBTaskResult.objects.filter(task_path__endswith="export_issue").exists()


def _step_export(incident):
    """The export the resolve step queued: its message, and the step."""
    return incident.messages.get(kind=Message.Kind.ISSUE), incident.steps.get(step_id="export_issue")


def _wake(incident):
    from warroom.playbooks import engine

    engine.wake_steps(incident, action="export_issue", now=timezone.now())


def test_a_refused_token_leaves_the_step_open_with_the_reason(gitlab, resolved, settings):
    message, step = _step_export(resolved)
    settings.GITLAB_TOKEN = "revoked"
    assert deliver(message.pk) == "failed"
    _wake(resolved)
    step.refresh_from_db()
    assert step.state == StepRun.State.OPEN
    assert step.reason.startswith("Export failed: GitLab refused the token in WARROOM_GITLAB_TOKEN")
    assert resolved.entries.filter(
        body__startswith="Delivery failed: outage issue via gitlab to infra/production"
    ).exists()


def test_a_tracker_that_is_down_is_tried_again_later(gitlab, resolved):
    message, step = _step_export(resolved)
    gitlab.script((503, {}, {"message": "503 Service Unavailable"}))
    with at(69):  # a minute after resolving, well before the outbox gives up
        assert deliver(message.pk) == "retry"
    step.refresh_from_db()
    assert "GitLab is busy or failing (503" in step.reason and "trying again at" in step.reason
    # The outbox's retry: an attempt on record and a delivery task due later, like any message.
    assert [a.ok for a in message.attempts.all()] == [False]
    retry = DBTaskResult.objects.filter(task_path="warroom.comms.tasks.deliver").last()
    assert retry.args_kwargs["args"] == [message.pk] and retry.run_after is not None


def test_exporting_by_hand_closes_the_step(resolved, gitlab):
    outage_issue.export(resolved, "gitlab")
    step = resolved.steps.get(step_id="export_issue")
    assert step.state == StepRun.State.DONE


class TestApi:
    def test_export_answers_the_issue(self, resolved, gitlab, api):
        response = api.call("post", f"/incidents/{resolved.slug}/export", {"to": "gitlab"})
        assert response.status_code == 200, response.content
        url = gitlab.issues[1000][0]["web_url"]
        assert response.json() == {
            "tracker": "gitlab",
            "project": "infra/production",
            "number": 1,
            "url": url,
            "created": True,
        }
        again = api.call("post", f"/incidents/{resolved.slug}/export", {"to": "gitlab"})
        assert again.json()["created"] is False

    def test_errors_have_their_status(self, resolved, gitlab, api, settings):
        path = f"/incidents/{resolved.slug}/export"
        assert api.call("post", path, {"to": "github"}).status_code == 422  # not configured
        settings.GITLAB_TOKEN = "revoked"
        refused = api.call("post", path, {"to": "gitlab"})
        assert refused.status_code == 502
        assert "WARROOM_GITLAB_TOKEN" in refused.json()["detail"]

    def test_outsiders_and_strangers_export_nothing(
        self, resolved, gitlab, outsider_api, anonymous_api
    ):
        path = f"/incidents/{resolved.slug}/export"
        assert outsider_api.call("post", path, {"to": "gitlab"}).status_code == 403
        assert anonymous_api.call("post", path, {"to": "gitlab"}).status_code == 401
        assert gitlab.requests == []


@pytest.fixture(scope="module")
def gitlab_server():
    """A real `warroom serve` whose GitLab is a fake."""
    with FakeGitLab() as fake:
        env = {
            "WARROOM_GITLAB_URL": fake.url,
            "WARROOM_GITLAB_TOKEN": fake.token,
            "WARROOM_GITLAB_PROJECT": "infra/production",
        }
        with running_server(env=env) as server:
            yield server, fake


@pytest.mark.server
def test_the_export_command_prints_the_issue_and_whether_it_is_new(gitlab_server):
    server, fake = gitlab_server
    declared = server.cli("declare", "Web UI 502", "--severity", "S2", "--json")
    slug = json.loads(declared.stdout)["slug"]
    first = server.cli("export", slug, "--to", "gitlab")
    assert first.returncode == 0, first.stderr
    url = fake.issues[1000][0]["web_url"]
    assert first.stdout == f"Created: {url}\n"
    again = server.cli("export", slug, "--to", "gitlab", "--project", "infra/production")
    assert again.stdout == f"Updated: {url}\n" and len(fake.issues[1000]) == 1
    wrong = server.cli("export", slug, "--to", "gitlab", "--project", "infra/nope")
    assert wrong.returncode == 1 and "has no project 'infra/nope'" in wrong.stderr
    both = server.cli("export", slug, "--to", "gitlab", "--format", "json")
    assert both.returncode == 2 and "either --to" in both.stderr
