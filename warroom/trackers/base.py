"""What every tracker gives back, and how it fails."""

from __future__ import annotations

from dataclasses import dataclass

from warroom.lib.errors import DomainError


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
