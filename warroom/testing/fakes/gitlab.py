"""GitLab's REST API (v4) as docs.gitlab.com describes it, for the issues warroom writes.

- Every request authenticates with `PRIVATE-TOKEN: <token>` (or `Authorization: Bearer`): 401
  `{"message": "401 Unauthorized"}` otherwise.
- A project is named by its numeric id or its URL-encoded path (`group%2Fproject`); an unknown
  one, or one the token cannot see: 404 `{"message": "404 Project Not Found"}`.
- `GET /api/v4/projects/:id`: the project.
- `POST /api/v4/projects/:id/issues`, form-encoded or JSON: `title` (required: 400 `{"error":
  "title is missing"}`; at most 255 characters), `description` (at most 1,048,576 characters),
  `labels` (comma-separated; a JSON array is accepted too). 201 and the issue.
- `GET`, `PUT /api/v4/projects/:id/issues/:iid`: the issue; PUT changes `title`, `description`,
  `labels` (replaced), `add_labels`, `remove_labels`. 404 `{"message": "404 Not found"}`.
- `rate_limit()` scripts the 429 GitLab sends when throttled: `Retry later`, with Retry-After.
"""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import unquote

from warroom.testing.fakeapi import Answer, FakeAPI, Request, route

UNAUTHORIZED: Answer = (401, {}, {"message": "401 Unauthorized"})
NO_PROJECT: Answer = (404, {}, {"message": "404 Project Not Found"})
NO_ISSUE: Answer = (404, {}, {"message": "404 Not found"})


class FakeGitLab(FakeAPI):
    def __init__(self, *, token: str = "glpat-test-token", projects=("infra/production",)):
        super().__init__()
        self.token = token
        self.projects = {
            path: {"id": 1000 + i, "path_with_namespace": path} for i, path in enumerate(projects)
        }
        self.issues: dict[int, list[dict]] = {p["id"]: [] for p in self.projects.values()}

    def rate_limit(self, seconds: int = 60) -> None:
        self.script((429, {"Retry-After": str(seconds)}, "Retry later\n"))

    @route("GET", "/api/v4/projects/{ref}")
    def get_project(self, request: Request):
        project, denied = self._project(request)
        return denied or (200, {}, self._project_json(project))

    @route("POST", "/api/v4/projects/{ref}/issues")
    def create_issue(self, request: Request):
        project, denied = self._project(request)
        if denied:
            return denied
        fields = _fields(request)
        if not str(fields.get("title") or "").strip():
            return 400, {}, {"error": "title is missing"}
        if invalid := _invalid(fields):
            return invalid
        issues = self.issues[project["id"]]
        now = _now()
        issue = {
            "id": 5000 + sum(len(i) for i in self.issues.values()),
            "iid": len(issues) + 1,
            "project_id": project["id"],
            "title": fields["title"],
            "description": fields.get("description") or "",
            "state": "opened",
            "labels": _labels(fields.get("labels")),
            "created_at": now,
            "updated_at": now,
        }
        issue["web_url"] = f"{self.url}/{project['path_with_namespace']}/-/issues/{issue['iid']}"
        issues.append(issue)
        return 201, {}, issue

    @route("GET", "/api/v4/projects/{ref}/issues/{iid}")
    def get_issue(self, request: Request):
        issue, denied = self._issue(request)
        return denied or (200, {}, issue)

    @route("PUT", "/api/v4/projects/{ref}/issues/{iid}")
    def update_issue(self, request: Request):
        issue, denied = self._issue(request)
        if denied:
            return denied
        fields = _fields(request)
        if invalid := _invalid(fields):
            return invalid
        for name in ("title", "description"):
            if name in fields:
                issue[name] = fields[name]
        if "labels" in fields:
            issue["labels"] = _labels(fields["labels"])
        add, remove = _labels(fields.get("add_labels")), _labels(fields.get("remove_labels"))
        issue["labels"] = [lb for lb in issue["labels"] if lb not in remove]
        issue["labels"] += [lb for lb in add if lb not in issue["labels"]]
        issue["updated_at"] = _now()
        return 200, {}, issue

    def _project(self, request: Request):
        if request.headers.get("private-token") != self.token and request.headers.get(
            "authorization"
        ) != (f"Bearer {self.token}"):
            return None, UNAUTHORIZED
        ref = unquote(request.params["ref"])
        for path, project in self.projects.items():
            if ref in (path, str(project["id"])):
                return project, None
        return None, NO_PROJECT

    def _issue(self, request: Request):
        project, denied = self._project(request)
        if denied:
            return None, denied
        for issue in self.issues[project["id"]]:
            if str(issue["iid"]) == request.params["iid"]:
                return issue, None
        return None, NO_ISSUE

    def _project_json(self, project: dict) -> dict:
        path = project["path_with_namespace"]
        return {
            "id": project["id"],
            "name": path.rsplit("/", 1)[-1],
            "path": path.rsplit("/", 1)[-1],
            "path_with_namespace": path,
            "web_url": f"{self.url}/{path}",
            "issues_enabled": True,
        }


def _fields(request: Request) -> dict:
    if request.headers.get("content-type", "").startswith("application/json"):
        return request.json or {}
    return request.form


def _invalid(fields: dict):
    if len(str(fields.get("title") or "")) > 255:
        return 400, {}, {"message": {"title": ["is too long (maximum is 255 characters)"]}}
    if len(fields.get("description") or "") > 1_048_576:
        message = {"description": ["is too long (maximum is 1048576 characters)"]}
        return 400, {}, {"message": message}
    return None


def _labels(value) -> list[str]:
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    return [part.strip() for part in (value or "").split(",") if part.strip()]


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
