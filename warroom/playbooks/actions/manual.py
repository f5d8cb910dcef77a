"""Steps a person carries out. Starting one only puts it on the checklist."""

from __future__ import annotations

from warroom.playbooks.actions.base import Context, Outcome


def start(ctx: Context) -> Outcome:
    return Outcome()


def wake(ctx: Context) -> Outcome:
    return Outcome()
