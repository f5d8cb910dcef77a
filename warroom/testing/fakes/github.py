"""GitHub's REST API as docs.github.com describes it, for the issues warroom writes.

- Every request carries `Authorization: Bearer <token>` or `token <token>`: 401 `{"message":
  "Bad credentials"}` otherwise; and a User-Agent: 403 without one.
- `GET /repos/:owner/:repo`: the repository; unknown, or not visible to the token: 404
  `{"message": "Not Found"}`.
- `POST /repos/:owner/:repo/issues`, JSON: `title` (required), `body` (at most 65,536
  characters), `labels` (a list of names): 201 and the issue, 422 "Validation Failed" otherwise;
  410 when the repository has issues turned off.
- `GET`, `PATCH /repos/:owner/:repo/issues/:number`: the issue; PATCH changes `title`, `body` and
  `labels` (replaced).
- Every answer has X-RateLimit-* headers; `rate_limit()` scripts GitHub's 403 "API rate limit
  exceeded".
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime

from warroom.testing.fakeapi import FakeAPI, Request, route

DOCS = "https://docs.github.com/rest"


def _error(code: int, message: str, **more) -> tuple:
    return code, _limits(), {"message": message, "documentation_url": DOCS, **more}


class FakeGitHub(FakeAPI):
    def __init__(self, *, token: str = "ghp_test_token", repos=("acme/infrastructure",)):
        super().__init__()
        self.token = token
        self.repos = {name: {"id": 700 + i, "has_issues": True} for i, name in enumerate(repos)}
        self.issues: dict[str, list[dict]] = {name: [] for name in self.repos}

    def rate_limit(self) -> None:
        reset = int(time.time()) + 60
        headers = {**_limits(remaining=0), "X-RateLimit-Reset": str(reset)}
        message = "API rate limit exceeded for user ID 1."
        self.script((403, headers, {"message": message, "documentation_url": DOCS}))

    @route("GET", "/repos/{owner}/{repo}")
    def get_repo(self, request: Request):
        name, denied = self._repo(request)
        return denied or (200, _limits(), self._repo_json(name))

    @route("POST", "/repos/{owner}/{repo}/issues")
    def create_issue(self, request: Request):
        name, denied = self._repo(request)
        if denied:
            return denied
        if not self.repos[name]["has_issues"]:
            return _error(410, "Issues are disabled for this repo")
        fields, invalid = _fields(request)
        if invalid:
            return invalid
        if not fields.get("title"):
            return _error(422, 'Invalid request.\n\n"title" wasn\'t supplied.')
        issues = self.issues[name]
        number = len(issues) + 1
        now = _now()
        issue = {
            "id": 9000 + number,
            "number": number,
            "url": f"{self.url}/repos/{name}/issues/{number}",
            "repository_url": f"{self.url}/repos/{name}",
            "html_url": f"{self.url}/{name}/issues/{number}",
            "state": "open",
            "title": str(fields["title"]),
            "body": fields.get("body"),
            "labels": [_label(n) for n in fields.get("labels") or []],
            "created_at": now,
            "updated_at": now,
        }
        issues.append(issue)
        return 201, {**_limits(), "Location": issue["url"]}, issue

    @route("GET", "/repos/{owner}/{repo}/issues/{number}")
    def get_issue(self, request: Request):
        issue, denied = self._issue(request)
        return denied or (200, _limits(), issue)

    @route("PATCH", "/repos/{owner}/{repo}/issues/{number}")
    def update_issue(self, request: Request):
        issue, denied = self._issue(request)
        if denied:
            return denied
        fields, invalid = _fields(request)
        if invalid:
            return invalid
        for name in ("title", "body"):
            if name in fields:
                issue[name] = fields[name]
        if "labels" in fields:
            issue["labels"] = [_label(n) for n in fields["labels"]]
        issue["updated_at"] = _now()
        return 200, _limits(), issue

    def _repo(self, request: Request):
        auth = request.headers.get("authorization", "")
        if auth not in (f"Bearer {self.token}", f"token {self.token}"):
            return None, _error(401, "Bad credentials", status="401")
        if not request.headers.get("user-agent"):
            return None, _error(403, "Request forbidden by administrative rules.")
        name = f"{request.params['owner']}/{request.params['repo']}"
        if name not in self.repos:
            return None, _error(404, "Not Found", status="404")
        return name, None

    def _issue(self, request: Request):
        name, denied = self._repo(request)
        if denied:
            return None, denied
        for issue in self.issues[name]:
            if str(issue["number"]) == request.params["number"]:
                return issue, None
        return None, _error(404, "Not Found", status="404")

    def _repo_json(self, name: str) -> dict:
        owner, repo = name.split("/")
        return {
            "id": self.repos[name]["id"],
            "name": repo,
            "full_name": name,
            "owner": {"login": owner, "type": "Organization"},
            "private": True,
            "url": f"{self.url}/repos/{name}",
            "html_url": f"{self.url}/{name}",
            "has_issues": self.repos[name]["has_issues"],
        }


def _fields(request: Request) -> tuple[dict, tuple | None]:
    try:
        fields = json.loads(request.body or b"{}")
    except ValueError:
        return {}, _error(400, "Problems parsing JSON")
    labels = fields.get("labels")
    if labels is not None and not (
        isinstance(labels, list) and all(isinstance(n, str) for n in labels)
    ):
        return {}, _validation_failed("labels", "invalid")
    if len(fields.get("body") or "") > 65_536:
        return {}, _validation_failed(
            "body", "custom", "body is too long (maximum is 65536 characters)"
        )
    return fields, None


def _validation_failed(field: str, code: str, message: str | None = None) -> tuple:
    error = {"resource": "Issue", "field": field, "code": code}
    if message:
        error["message"] = message
    return _error(422, "Validation Failed", errors=[error], status="422")


def _label(name: str) -> dict:
    return {"id": abs(hash(name)) % 10**9, "name": name, "color": "ededed", "default": False}


def _limits(remaining: int = 4999) -> dict[str, str]:
    return {
        "X-RateLimit-Limit": "5000",
        "X-RateLimit-Remaining": str(remaining),
        "X-RateLimit-Reset": str(int(time.time()) + 3600),
        "X-RateLimit-Resource": "core",
    }


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
