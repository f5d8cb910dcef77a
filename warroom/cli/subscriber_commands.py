"""`warroom subscribers add|list|remove`: a thin client of the REST API."""

from __future__ import annotations

import json

import click

from warroom.cli.client import Api


@click.group()
def subscribers() -> None:
    """Who hears of every status update: e-mail addresses and webhook URLs."""


@subscribers.command("add")
@click.argument("address", metavar="EMAIL_OR_URL")
@click.option("--confirmed", is_flag=True, help="Skip the e-mail confirmation (you asked them).")
@click.option(
    "--component",
    "components",
    multiple=True,
    metavar="C",
    help="Only incidents affecting this component (repeatable); default every incident.",
)
def add(address: str, confirmed: bool, components: tuple[str, ...]) -> None:
    """Subscribe an e-mail address (sent a confirmation link) or a webhook URL."""
    s = Api().post(
        "/api/v1/subscribers",
        {"address": address, "confirmed": confirmed, "components": list(components)},
    )
    state = "confirmed" if s["confirmed"] else "waiting for confirmation (a link was e-mailed)"
    click.echo(f"#{s['id']} {s['kind']} {s['address']}: {state}")


@subscribers.command("list")
@click.option("--json", "as_json", is_flag=True)
def list_(as_json: bool) -> None:
    """List subscribers."""
    items = Api().get("/api/v1/subscribers")
    if as_json:
        click.echo(json.dumps(items, indent=2))
        return
    for s in items:
        only = f"  (only {', '.join(s['components'])})" if s["components"] else ""
        click.echo(
            f"#{s['id']:<5} {s['kind']:<8} {'confirmed' if s['confirmed'] else 'unconfirmed':<12} "
            f"{s['address']}{only}"
        )


@subscribers.command("remove")
@click.argument("subscriber_id", type=int, metavar="ID")
def remove(subscriber_id: int) -> None:
    """Remove a subscriber."""
    Api().request("DELETE", f"/api/v1/subscribers/{subscriber_id}")
    click.echo(f"Removed #{subscriber_id}")


COMMANDS = [subscribers]
