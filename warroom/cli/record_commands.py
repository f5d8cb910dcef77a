"""`warroom export` and `warroom import`: the outage issue in GitLab or GitHub (G9), the incident
as a file, and an incident back from its JSON export."""

from __future__ import annotations

import json
from pathlib import Path

import click

from warroom.cli.client import Api
from warroom.cli.incident_commands import _incident_path

TRACKERS = ["gitlab", "github"]
FORMATS = ["markdown", "json", "html"]


@click.command()
@click.argument("slug")
@click.option("--to", "tracker", type=click.Choice(TRACKERS), help="Open or update the issue.")
@click.option("--project", metavar="PATH", help="GitLab group/project or GitHub owner/repo.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), help="Write the incident as a file.")
@click.option(
    "--out", type=click.Path(dir_okay=False, writable=True), help="The file (default: stdout)."
)
def export(slug, tracker, project, fmt, out) -> None:
    """The outage issue in GitLab or GitHub (--to), or the incident as a file (--format):
    markdown and html are the public issue text, json the whole internal record."""
    if bool(tracker) == bool(fmt):
        raise click.UsageError("give either --to gitlab|github or --format markdown|json|html")
    if tracker:
        if out:
            raise click.UsageError("--out goes with --format")
        issue = Api().post(f"{_incident_path(slug)}/export", {"to": tracker, "project": project})
        click.echo(f"{'Created' if issue['created'] else 'Updated'}: {issue['url']}")
        return
    if project:
        raise click.UsageError("--project goes with --to")
    text = Api().text(f"{_incident_path(slug)}/export", params={"format": fmt})
    if out is None:
        click.echo(text, nl=False)
        return
    Path(out).write_text(text, encoding="utf-8")
    click.echo(f"Wrote {fmt} to {out}", err=True)


@click.command(name="import")
@click.argument("file", type=click.File(encoding="utf-8"))
@click.option("--as", "new_slug", metavar="NEW_SLUG", help="Import under this slug instead.")
def import_(file, new_slug) -> None:
    """Create an incident from a JSON export (`warroom export SLUG --format json`; FILE may be
    -). Prints its slug, and on stderr which people were matched."""
    try:
        data = json.load(file)
    except ValueError as exc:
        raise click.ClickException(f"{file.name} is not JSON: {exc}") from None
    params = {"as": new_slug} if new_slug else {}
    imported = Api().request("POST", "/api/v1/incidents/import", json=data, params=params)
    click.echo(imported["slug"])
    for note in imported["notes"]:
        click.echo(f"  {note}", err=True)


COMMANDS = [export, import_]
