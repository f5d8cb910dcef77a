"""Issue trackers the outage issue goes to: one small module each, one interface.

    NAME, LABEL                           "gitlab", "GitLab"
    BODY_LIMIT                            the most characters the tracker keeps in an issue
    missing(project_given) -> list[str]   settings still to set (WARROOM_…)
    default_project() -> str              the configured project or repository
    create(project, *, title, body, labels) -> Issue
    update(project, number, *, title, body, labels, drop) -> Issue | None   (None: it is gone)

A tracker's answers become TrackerError; `permanent` says whether trying later can help.
A new tracker is a folder here (`tracker.py`) plus one line in `registry._modules()`.
"""
