"""Client verbs: a thin layer over the REST API, like `gh`."""

from __future__ import annotations

import json
from urllib.parse import quote

import click

from warroom.cli.client import Api
from warroom.cli.config import ClientConfig, save
from warroom.cli.times import AtTime

SEVERITIES = ["S1", "S2", "S3", "S4"]
STATUSES = ["investigating", "identified", "monitoring", "resolved"]
ROLES = ["commander", "communications", "marketing", "support", "scribe", "responder"]
KINDS = ["event", "finding", "hypothesis", "action"]


def _incident_path(slug: str) -> str:
    return f"/api/v1/incidents/{quote(slug, safe='')}"


def _print_json(data) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False))


@click.command()
@click.argument("url")
@click.option("--token", required=True, help="An API token (`warroom token create USER`).")
def login(url: str, token: str) -> None:
    """Check URL and TOKEN against the server and remember them."""
    me = Api(ClientConfig(url=url.rstrip("/"), token=token)).get("/api/v1/me")
    path = save(url, token)
    click.echo(f"Logged in to {url} as {me['username']} (saved in {path})")


@click.command()
@click.argument("title")
@click.option("--severity", required=True, type=click.Choice(SEVERITIES, case_sensitive=False))
@click.option("--summary", default="", help="Public summary shown at the top of the public page.")
@click.option("--commander", metavar="USER", help="Username of the incident commander.")
@click.option("--communications", metavar="USER", help="Username of the communications lead.")
@click.option(
    "--detected-at",
    "detected_at",
    type=AtTime(),
    help="When the problem was first noticed (2026-11-29T14:02Z or 14:02): time to declare.",
)
@click.option(
    "--json", "as_json", is_flag=True, help="Print slug, URLs, status and severity as JSON."
)
def declare(title, severity, summary, commander, communications, detected_at, as_json) -> None:
    """Declare an incident: opens its war room and public page at once."""
    incident = Api().post(
        "/api/v1/incidents",
        {
            "title": title,
            "severity": severity.upper(),
            "summary": summary,
            "commander": commander,
            "communications": communications,
            "detected_at": detected_at.isoformat() if detected_at else None,
        },
    )
    if as_json:
        keys = ["slug", "public_url", "war_room_url", "status", "severity"]
        _print_json({k: incident[k] for k in keys})
        return
    click.echo(incident["slug"])
    click.echo(f"Public page: {incident['public_url']}")
    click.echo(f"War room:    {incident['war_room_url']}")
    for warning in incident.get("warnings", []):
        click.secho(f"! {warning}", fg="yellow", err=True)


@click.command()
@click.argument("slug")
@click.argument("text")
@click.option("--kind", type=click.Choice(KINDS), default="event", show_default=True)
@click.option("--internal", is_flag=True, help="Keep this entry off the public page.")
@click.option("--at", "at", type=AtTime(), help="When it happened: 2026-11-29T14:02Z or 14:02.")
@click.option("--json", "as_json", is_flag=True)
def note(slug, text, kind, internal, at, as_json) -> None:
    """Add an entry to the timeline (G3, G4)."""
    body = {"body": text, "kind": kind, "visibility": "internal" if internal else "public"}
    if at:
        body["occurred_at"] = at.isoformat()
    entry = Api().post(f"{_incident_path(slug)}/timeline", body)
    if as_json:
        _print_json(entry)
    else:
        click.echo(f"Added {entry['visibility']} {entry['kind']} #{entry['id']}")


@click.command()
@click.argument("slug")
@click.argument("entry_id", type=int)
@click.argument("state", type=click.Choice(["confirmed", "refuted"]))
@click.option("--note", "note_text", default="", help="What confirmed or refuted it.")
def hypothesis(slug, entry_id, state, note_text) -> None:
    """Mark a hypothesis confirmed or refuted."""
    Api().post(
        f"{_incident_path(slug)}/timeline/{entry_id}/hypothesis",
        {"state": state, "note": note_text},
    )
    click.echo(f"Hypothesis #{entry_id} is {state}")


@click.command()
@click.argument("slug")
@click.argument("status", type=click.Choice(STATUSES))
@click.option("--message", "-m", required=True, help="The public update that goes with it.")
def status(slug, status, message) -> None:
    """Change the status with a public message."""
    incident = Api().post(f"{_incident_path(slug)}/status", {"status": status, "message": message})
    click.echo(f"{incident['slug']} is now {incident['status']}")


@click.command()
@click.argument("slug")
@click.option("--message", "-m", required=True, help="The public closing update.")
def resolve(slug, message) -> None:
    """Resolve the incident (same as `status SLUG resolved`)."""
    incident = Api().post(
        f"{_incident_path(slug)}/status", {"status": "resolved", "message": message}
    )
    click.echo(f"{incident['slug']} is now {incident['status']}")


@click.command()
@click.argument("slug")
@click.argument("role", type=click.Choice(ROLES))
@click.argument("user")
def role(slug, role, user) -> None:
    """Give ROLE to USER (hands it over if someone holds it)."""
    holder = Api().request("PUT", f"{_incident_path(slug)}/roles/{role}", json={"username": user})
    click.echo(f"{holder['display_name']} ({holder['username']}) is {role}")


@click.command(name="list")
@click.option("--open", "only_open", is_flag=True, help="Only incidents not yet resolved.")
@click.option("--json", "as_json", is_flag=True)
def list_incidents(only_open, as_json) -> None:
    """List incidents, newest first."""
    incidents = Api().get("/api/v1/incidents", params={"open": "true" if only_open else "false"})
    if as_json:
        _print_json(incidents)
        return
    if not incidents:
        click.echo("No incidents." if not only_open else "No open incidents.")
        return
    width = max(len(i["slug"]) for i in incidents)
    for i in incidents:
        click.echo(f"{i['slug']:<{width}}  {i['severity']}  {i['status']:<13}  {i['title']}")


@click.command()
@click.argument("slug")
@click.option("--json", "as_json", is_flag=True)
@click.option("--public", is_flag=True, help="Show exactly what the public sees.")
def show(slug, as_json, public) -> None:
    """Show an incident with its timeline."""
    api = Api()
    if public:
        state = api.get(f"/incidents/{quote(slug, safe='')}/live.json")
        if as_json:
            _print_json(state)
        else:
            _print_public(state)
        return
    incident = api.get(_incident_path(slug))
    incident["timeline"] = api.get(f"{_incident_path(slug)}/timeline")
    if as_json:
        _print_json(incident)
    else:
        _print_internal(incident)


def _hhmm(iso: str) -> str:
    return iso[:16].replace("T", " ") + " UTC"


def _print_internal(incident: dict) -> None:
    for warning in incident.get("warnings", []):
        click.secho(f"! {warning}", fg="red")
    click.secho(f"{incident['title']}  [{incident['severity']} · {incident['status']}]", bold=True)
    click.echo(f"Public page: {incident['public_url']}")
    click.echo(f"War room:    {incident['war_room_url']}")
    for r in incident["roles"]:
        click.echo(f"{r['role']:>15}: {r['display_name']} ({r['username']})")
    click.echo()
    for e in incident["timeline"]:
        flag = "internal" if e["visibility"] == "internal" else "public  "
        state = f" [{e['hypothesis_state']}]" if e["hypothesis_state"] else ""
        click.echo(
            f"#{e['id']:<5} {_hhmm(e['occurred_at'])}  {flag}  {e['kind']}{state}: {e['body']}"
        )


def _print_public(state: dict) -> None:
    click.secho(
        f"{state['title']}  [{state['status_label']} · {state['severity_label']}]", bold=True
    )
    click.echo(state["url"])
    if state["summary"]:
        click.echo(state["summary"])
    click.echo()
    for e in state["entries"]:
        label = e.get("hypothesis_label") or e.get("status_label") or e["kind_label"]
        click.echo(f"{_hhmm(e['occurred_at'])}  {label}: {e['text']}")


COMMANDS = [login, declare, note, hypothesis, status, resolve, role, list_incidents, show]
