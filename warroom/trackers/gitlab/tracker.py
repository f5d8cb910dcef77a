"""GitLab issues through python-gitlab: `GET /projects/:path` finds the project, `POST
/projects/:id/issues` opens the issue, `GET` then `PUT /projects/:id/issues/:iid` updates it.
Authenticated with WARROOM_GITLAB_TOKEN (a token with the `api` scope) as PRIVATE-TOKEN."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import gitlab
import requests
from django.conf import settings
from gitlab.exceptions import GitlabError

from warroom.trackers.base import Issue, TrackerError, merged_labels

NAME, LABEL = "gitlab", "GitLab"
BODY_LIMIT = 1_048_576  # characters GitLab keeps in a description
TIMEOUT = 15
# python-gitlab sleeps out a 429 by default; a request must not hang on it: the export task
# tries again later instead.
NO_WAIT = {"obey_rate_limit": False}


def missing(*, project_given: bool) -> list[str]:
    names = [] if settings.GITLAB_TOKEN else ["WARROOM_GITLAB_TOKEN"]
    if not project_given and not settings.GITLAB_PROJECT:
        names.append("WARROOM_GITLAB_PROJECT")
    return names


def default_project() -> str:
    return settings.GITLAB_PROJECT


def create(project: str, *, title: str, body: str, labels: list[str]) -> Issue:
    with _errors(project):
        issue = _project(project).issues.create(
            {"title": title, "description": body, "labels": ",".join(labels)}, **NO_WAIT
        )
    return _issue(issue)


def update(
    project: str, number: int, *, title: str, body: str, labels: list[str], drop: list[str]
) -> Issue | None:
    with _errors(project):
        try:
            issue = _project(project).issues.get(number, **NO_WAIT)
        except GitlabError as exc:
            if exc.response_code == 404:
                return None  # deleted in GitLab: the caller opens a new one
            raise
        final = merged_labels(issue.labels, labels, drop)
        issue.title, issue.description, issue.labels = title, body, ",".join(final)
        issue.save(**NO_WAIT)  # sends what changed, if anything
    return Issue(number=issue.iid, url=issue.web_url, labels=tuple(final))


def _project(path: str):
    client = gitlab.Gitlab(
        settings.GITLAB_URL,
        private_token=settings.GITLAB_TOKEN,
        timeout=TIMEOUT,
        user_agent="warroom",
    )
    try:
        return client.projects.get(path, **NO_WAIT)
    except GitlabError as exc:
        if exc.response_code == 404:
            raise TrackerError(
                f"GitLab at {settings.GITLAB_URL} has no project {path!r}, or the token in "
                "WARROOM_GITLAB_TOKEN cannot see it (404); check WARROOM_GITLAB_PROJECT",
                permanent=True,
            ) from None
        raise


@contextmanager
def _errors(project: str) -> Iterator[None]:
    try:
        yield
    except GitlabError as exc:
        raise _error(exc, project) from None
    except requests.RequestException as exc:
        raise TrackerError(
            f"could not reach GitLab at {settings.GITLAB_URL}: {exc.__class__.__name__}",
            permanent=False,
        ) from None


def _error(exc: GitlabError, project: str) -> TrackerError:
    code, said = exc.response_code, str(exc.error_message).strip()
    if code == 401:
        return TrackerError(
            f"GitLab refused the token in WARROOM_GITLAB_TOKEN (401 {said}): give warroom a "
            "token with the api scope",
            permanent=True,
        )
    if code == 403:
        return TrackerError(
            f"GitLab forbade it (403 {said}): the token's user needs at least the Reporter role "
            f"in {project}",
            permanent=True,
        )
    if code == 429 or (code or 0) >= 500:
        return TrackerError(f"GitLab is busy or failing ({code} {said})", permanent=False)
    return TrackerError(f"GitLab refused the issue ({code} {said})", permanent=True)


def _issue(issue) -> Issue:
    return Issue(number=issue.iid, url=issue.web_url, labels=tuple(issue.labels))
