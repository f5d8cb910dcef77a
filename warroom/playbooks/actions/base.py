"""What every action is, gets and gives back."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from warroom.accounts.models import Actor
from warroom.incidents.models import Incident
from warroom.playbooks.models import StepRun
from warroom.playbooks.params import Param

if TYPE_CHECKING:  # the format reads the registry of actions, which is built from these
    from warroom.playbooks.format import Step


@dataclass
class Context:
    incident: Incident
    step: Step
    run: StepRun
    now: datetime
    by: Actor = None  # the user whose change triggered it, if any

    @property
    def params(self) -> dict[str, Any]:
        return self.step.action.params if self.step.action else {}


@dataclass
class Outcome:
    """done: the step is finished. next_run_at: wake the step again then (None: never).
    warnings: said to whoever triggered it (the CLI prints them after `declare`)."""

    done: bool = False
    next_run_at: datetime | None = None
    note: str = ""
    warnings: list[str] = field(default_factory=list)


def nothing(ctx: Context) -> Outcome:
    """A step a person carries out: the checklist shows it, its done condition closes it."""
    return Outcome()


@dataclass(frozen=True)
class ActionType:
    """An action a playbook step may name: its parameters (each a check and a default, checked
    when the playbook is loaded), what it does when its step's trigger fires (`start`), when
    the step's `next_run_at` comes (`wake`), and, for the kinds of message it `sends`, when the
    outbox has tried one (`delivered`)."""

    name: str
    params: Mapping[str, Param] = field(default_factory=dict)
    start: Callable[[Context], Outcome] = nothing
    wake: Callable[[Context], Outcome] = nothing
    sends: tuple[str, ...] = ()  # Message.Kind values
    delivered: Callable[[Context], Outcome] = nothing
