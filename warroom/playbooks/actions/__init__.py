"""Actions a playbook step may take, one module each, one interface:

    start(ctx) -> Outcome   when the step's trigger fires
    wake(ctx) -> Outcome    when the step's next_run_at has come (timed steps)

A new action is a module here plus one line in ACTIONS.
"""

from __future__ import annotations

from types import ModuleType

from warroom.playbooks.actions import (
    announce,
    export_issue,
    links,
    live_stream,
    manual,
    page_marketing,
    postmortem,
    remind_update,
    require_role,
    support_briefing,
)

ACTIONS: dict[str, ModuleType] = {
    "open_war_room": links,
    "open_public_page": links,
    "announce": announce,
    "page_marketing": page_marketing,
    "remind_update": remind_update,
    "require_role": require_role,
    "live_stream": live_stream,
    "support_briefing": support_briefing,
    "postmortem": postmortem,
    "export_issue": export_issue,
    # Steps a person carries out; the checklist shows them, the done condition closes them.
    "request_decision": manual,
    "handover": manual,
    "assess_impact": manual,
}
