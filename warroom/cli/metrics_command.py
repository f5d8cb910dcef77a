"""`warroom metrics`: how fast incidents were declared, told and fixed."""

from __future__ import annotations

import json
from urllib.parse import quote

import click

from warroom.cli.client import Api
from warroom.metrics.words import METRICS, human


@click.command()
@click.argument("slug", required=False)
@click.option("--days", type=click.Choice(["30", "90", "365"]), default="90", show_default=True)
@click.option("--json", "as_json", is_flag=True)
def metrics(slug, days, as_json) -> None:
    """Metrics of one incident, or across the incidents of the last DAYS days."""
    api = Api()
    if slug:
        data = api.get(f"/api/v1/incidents/{quote(slug, safe='')}/metrics")
    else:
        data = api.get("/api/v1/metrics", params={"days": days})
    if as_json:
        click.echo(json.dumps(data, indent=2))
        return
    if slug:
        for key, label in METRICS.items():
            click.echo(f"{label:<38} {human(data[key])}")
        return
    click.echo(f"{len(data['incidents'])} incident(s) declared in the last {days} days")
    for key, label in METRICS.items():
        row = data["summary"][key]
        click.echo(
            f"{label:<38} median {human(row['median']):<10} worst {human(row['max']):<10} "
            f"({row['incidents']} measured)"
        )


COMMANDS = [metrics]
