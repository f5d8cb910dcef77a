"""G16: an S1 or S2 needs a named person following the communication playbook. The step stays
open (and `warroom show` and the cockpit say so on top) until someone holds the role."""

from __future__ import annotations

from warroom.playbooks import params
from warroom.playbooks.actions.base import ActionType, Context, Outcome


def _role(ctx: Context) -> str:
    return ctx.params.get("role", "communications")


def start(ctx: Context) -> Outcome:
    role = _role(ctx)
    if ctx.incident.roles.filter(role=role, ended_at=None).exists():
        return Outcome(done=True)
    return Outcome(warnings=[missing(ctx.incident.slug, role)])


def missing(slug: str, role: str) -> str:
    return f"No {role} lead named (G16): `warroom role {slug} {role} USER`"


action = ActionType(
    "require_role",
    params={
        "role": (params.role, "communications"),
        "severities": (params.severities, ["S1", "S2"]),
    },
    start=start,
    wake=start,
)
