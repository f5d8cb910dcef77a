"""Actions a playbook step may take, one module each, one interface:

    start(ctx) -> Outcome   when the step's trigger fires
    wake(ctx) -> Outcome    when the step's next_run_at has come (timed steps)

A new action is a module here plus one line in ACTIONS.
"""

from __future__ import annotations

from types import ModuleType

from warroom.playbooks.actions import (
    announce,
    links,
    live_stream,
    manual,
    page_marketing,
    remind_update,
    require_role,
)

ACTIONS: dict[str, ModuleType] = {
    "open_war_room": links,
    "open_public_page": links,
    "announce": announce,
    "page_marketing": page_marketing,
    "remind_update": remind_update,
    "require_role": require_role,
    "live_stream": live_stream,
    # Steps a person carries out; the checklist shows them, the done condition closes them.
    "request_decision": manual,
    "export_issue": manual,
    "support_briefing": manual,
    "postmortem": manual,
    "handover": manual,
    "assess_impact": manual,
}
