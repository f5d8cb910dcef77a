"""What every action gets and gives back."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from warroom.incidents.models import Incident
from warroom.playbooks.format import Step
from warroom.playbooks.models import StepRun


@dataclass
class Context:
    incident: Incident
    step: Step
    run: StepRun
    now: datetime
    by: object | None = None  # the user whose change triggered it, if any

    @property
    def params(self) -> dict:
        return self.step.action.params if self.step.action else {}


@dataclass
class Outcome:
    """done: the step is finished. next_run_at: wake the step again then (None: never).
    warnings: said to whoever triggered it (the CLI prints them after `declare`)."""

    done: bool = False
    next_run_at: datetime | None = None
    note: str = ""
    warnings: list[str] = field(default_factory=list)
