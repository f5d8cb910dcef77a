"""The outage issue (G9) as a message like any other: the outbox delivers it to GitLab or GitHub
with the same retries, backoff and attempt rows as a post or an e-mail. The recipient is the
project; the subject, the issue's title; the body, its description; `data["labels"]` its
labels. Sent to a project it went to before, it updates that issue (people's own labels kept)."""

from __future__ import annotations

from types import ModuleType

from warroom.comms.channels.base import ChannelError, Sent
from warroom.comms.models import Message
from warroom.trackers import registry, services
from warroom.trackers.base import TrackerError


class TrackerChannel:
    public = False  # messages to a project, never posts

    def __init__(self, name: str) -> None:
        self.name = name

    def _tracker(self) -> ModuleType:
        return registry.modules()[self.name]

    def configured(self) -> tuple[bool, str]:
        # Each message names its project; the tracker needs its token.
        tracker = self._tracker()
        missing = tracker.missing(project_given=True)
        if missing:
            return False, f"set {' and '.join(missing)} (docs/trackers.md)"
        default = tracker.default_project()
        return True, f"{tracker.LABEL}, project {default}" if default else tracker.LABEL

    def reachable(self) -> tuple[bool, str]:
        return True, "checked per export"

    def send(self, message: Message) -> Sent:
        if message.incident is None:
            raise ChannelError("an outage issue needs its incident", permanent=True)
        tracker, project = self._tracker(), message.recipient
        labels = list(message.data.get("labels") or [])
        known = services.known_issue(message.incident, tracker.NAME, project)
        try:
            issue = None
            if known is not None:
                drop = [label for label in known.labels if label not in labels]
                issue = tracker.update(
                    project,
                    known.number,
                    title=message.subject,
                    body=message.body,
                    labels=labels,
                    drop=drop,
                )
            created = issue is None  # never exported there, or deleted in the tracker since
            if issue is None:
                issue = tracker.create(
                    project, title=message.subject, body=message.body, labels=labels
                )
        except TrackerError as exc:
            raise ChannelError(exc.message, permanent=exc.permanent) from None
        services.record_issue(
            incident=message.incident,
            tracker=tracker.NAME,
            label=tracker.LABEL,
            project=project,
            issue=issue,
            labels=labels,
            created=created,
            by=message.created_by,
        )
        return Sent(code="created" if created else "updated", remote_id=issue.url)


gitlab = TrackerChannel("gitlab")
github = TrackerChannel("github")
