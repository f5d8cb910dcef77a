"""The trackers warroom can open an outage issue in. A new tracker: a folder with `tracker.py` and
one line in `modules()` (CONTRIBUTING.md has the checklist)."""

from __future__ import annotations

from types import ModuleType

from warroom.lib.errors import Invalid


def modules() -> dict[str, ModuleType]:
    # Imported when an export needs them: PyGithub alone takes a tenth of a second to import.
    from warroom.trackers.github import tracker as github
    from warroom.trackers.gitlab import tracker as gitlab

    return {"gitlab": gitlab, "github": github}


NOT_CONFIGURED = "no issue tracker is configured: configure WARROOM_GITLAB_* or WARROOM_GITHUB_*"


def choose(name: str, *, project: str | None = None) -> ModuleType:
    """The tracker to export to, checked to be configured; "default" is GitLab when it is,
    else GitHub. Raises Invalid naming the settings to set."""
    known = modules()
    if name == "default":
        ready = [m for m in known.values() if not m.missing(project_given=bool(project))]
        if not ready:
            raise Invalid(f"{NOT_CONFIGURED} (see docs/trackers.md)")
        return ready[0]
    module = known.get(name)
    if module is None:
        raise Invalid(f"unknown tracker {name!r}; use gitlab or github")
    if missing := module.missing(project_given=bool(project)):
        raise Invalid(f"{module.LABEL} is not configured: set {' and '.join(missing)}")
    return module
