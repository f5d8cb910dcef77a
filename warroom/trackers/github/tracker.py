"""GitHub issues through PyGithub: `GET /repos/:owner/:repo` finds the repository, `POST
/repos/:owner/:repo/issues` opens the issue, `GET` then `PATCH …/issues/:number` updates it.
WARROOM_GITHUB_API_URL points at GitHub Enterprise (https://HOST/api/v3)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import requests
from django.conf import settings
from github import Auth, Github, GithubException

from warroom.lib.errors import Invalid
from warroom.trackers.base import Issue, TrackerError, merged_labels

NAME, LABEL = "github", "GitHub"
BODY_LIMIT = 65_536  # characters GitHub keeps in an issue body
TIMEOUT = 15


def missing(*, project_given: bool) -> list[str]:
    names = [] if settings.GITHUB_TOKEN else ["WARROOM_GITHUB_TOKEN"]
    if not project_given and not settings.GITHUB_REPO:
        names.append("WARROOM_GITHUB_REPO")
    return names


def default_project() -> str:
    return settings.GITHUB_REPO


def create(project: str, *, title: str, body: str, labels: list[str]) -> Issue:
    with _errors(project):
        issue = _repo(project).create_issue(title=title, body=body, labels=labels)
    return _issue(issue)


def update(
    project: str, number: int, *, title: str, body: str, labels: list[str], drop: list[str]
) -> Issue | None:
    with _errors(project):
        try:
            issue = _repo(project).get_issue(number)
        except GithubException as exc:
            if exc.status in (404, 410):  # 410: deleted; the caller opens a new one
                return None
            raise
        existing = [label.name for label in issue.labels]
        issue.edit(title=title, body=body, labels=merged_labels(existing, labels, drop))
    return _issue(issue)


def _repo(project: str):
    if project.count("/") != 1 or not all(project.split("/")):
        raise Invalid(f"{project!r} is not a GitHub repository; write it as OWNER/REPO")
    # No retries inside a request (PyGithub's default sleeps out rate limits): the export task
    # tries again later instead.
    client = Github(
        auth=Auth.Token(settings.GITHUB_TOKEN),
        base_url=settings.GITHUB_API_URL,
        timeout=TIMEOUT,
        user_agent="warroom",
        retry=None,
    )
    try:
        return client.get_repo(project)
    except GithubException as exc:
        if exc.status == 404:
            raise TrackerError(
                f"GitHub at {settings.GITHUB_API_URL} has no repository {project!r}, or the token "
                "in WARROOM_GITHUB_TOKEN cannot see it (404); check WARROOM_GITHUB_REPO",
                permanent=True,
            ) from None
        raise


@contextmanager
def _errors(project: str) -> Iterator[None]:
    try:
        yield
    except GithubException as exc:
        raise _error(exc, project) from None
    except requests.RequestException as exc:
        raise TrackerError(
            f"could not reach GitHub at {settings.GITHUB_API_URL}: {exc.__class__.__name__}",
            permanent=False,
        ) from None


def _error(exc: GithubException, project: str) -> TrackerError:
    said = (exc.data or {}).get("message", "") if isinstance(exc.data, dict) else str(exc.data)
    code = exc.status
    if code == 401:
        return TrackerError(
            f"GitHub refused the token in WARROOM_GITHUB_TOKEN (401 {said}): give warroom a "
            "token that may write the repository's issues",
            permanent=True,
        )
    rate_limited = code == 429 or (code == 403 and "rate limit" in said.lower())
    if rate_limited or code >= 500:
        return TrackerError(f"GitHub is busy or failing ({code} {said})", permanent=False)
    if code == 403:
        return TrackerError(
            f"GitHub forbade it (403 {said}): the token needs the Issues write permission on "
            f"{project}",
            permanent=True,
        )
    return TrackerError(f"GitHub refused the issue ({code} {said})", permanent=True)


def _issue(issue) -> Issue:
    return Issue(
        number=issue.number,
        url=issue.html_url,
        labels=tuple(label.name for label in issue.labels),
    )
