"""Issue trackers the outage issue goes to: one small module each, one interface.

    NAME, LABEL                           "gitlab", "GitLab"
    BODY_LIMIT                            the most characters the tracker keeps in an issue
    missing(project_given) -> list[str]   settings still to set (WARROOM_…)
    default_project() -> str              the configured project or repository
    create(project, *, title, body, labels) -> Issue
    update(project, number, *, title, body, labels, drop) -> Issue | None   (None: it is gone)

A tracker's answers become TrackerError; `permanent` says whether trying later can help.
A new tracker is a module here plus one line in `_modules()`.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType

from warroom.lib.errors import DomainError, Invalid


@dataclass(frozen=True)
class Issue:
    number: int
    url: str
    labels: tuple[str, ...]


class TrackerError(DomainError):
    """The tracker refused or failed; the message says what to fix."""

    status = 502  # the upstream tracker, not the request, is the problem

    def __init__(self, message: str, *, permanent: bool):
        super().__init__(message)
        self.permanent = permanent


def merged_labels(existing, ours: list[str], drop: list[str]) -> list[str]:
    """The issue's labels after an export: people's own kept, ours set, ours of last time that
    no longer apply removed."""
    kept = [label for label in existing if label not in drop and label not in ours]
    return kept + ours


def _modules() -> dict[str, ModuleType]:
    # Imported when an export needs them: PyGithub alone takes a tenth of a second to import.
    from warroom.records.trackers import github, gitlab

    return {"gitlab": gitlab, "github": github}


NOT_CONFIGURED = "no issue tracker is configured: configure WARROOM_GITLAB_* or WARROOM_GITHUB_*"


def choose(name: str, *, project: str | None = None) -> ModuleType:
    """The tracker to export to, checked to be configured; "default" is GitLab when it is,
    else GitHub. Raises Invalid naming the settings to set."""
    modules = _modules()
    if name == "default":
        ready = [m for m in modules.values() if not m.missing(project_given=bool(project))]
        if not ready:
            raise Invalid(f"{NOT_CONFIGURED} (see docs/trackers.md)")
        return ready[0]
    module = modules.get(name)
    if module is None:
        raise Invalid(f"unknown tracker {name!r}; use gitlab or github")
    if missing := module.missing(project_given=bool(project)):
        raise Invalid(f"{module.LABEL} is not configured: set {' and '.join(missing)}")
    return module
