"""The actions a playbook step may take: each one an `ActionType` (its parameters, checked when a
playbook is loaded, and what it does when its step starts and wakes), one module each, and one
registry. A new action is a module here plus one line in ACTIONS (docs/playbooks.md)."""

from __future__ import annotations

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
from warroom.playbooks.actions.base import ActionType

ACTIONS: dict[str, ActionType] = {
    kind.name: kind
    for kind in (
        links.open_war_room,
        links.open_public_page,
        announce.action,
        page_marketing.action,
        remind_update.action,
        require_role.action,
        live_stream.action,
        manual.request_decision,
        export_issue.action,
        support_briefing.action,
        postmortem.action,
        manual.handover,
        manual.assess_impact,
    )
}
