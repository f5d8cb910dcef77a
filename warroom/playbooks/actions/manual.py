"""Steps a person carries out. Starting one only puts it on the checklist; its done condition, or
a person, closes it."""

from __future__ import annotations

from warroom.playbooks import params
from warroom.playbooks.actions.base import ActionType
from warroom.playbooks.params import REQUIRED

request_decision = ActionType(
    "request_decision",
    params={
        "topic": (params.slug, REQUIRED),
        "question": (params.text, REQUIRED),
        "options": (params.list_of(params.text, allow_empty=False), ["yes", "no"]),
    },
)
handover = ActionType("handover")
assess_impact = ActionType("assess_impact")
