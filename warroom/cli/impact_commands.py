"""`warroom impact` and `warroom components`: who and what an incident affects."""

from __future__ import annotations

from pathlib import Path

import click

from warroom.cli.client import Api
from warroom.cli.incident_commands import _incident_path, _print_json

LEVELS = "none, degraded_performance, partial_outage, major_outage, under_maintenance"


def _levels(pairs: tuple[str, ...], what: str) -> dict[str, str]:
    levels = {}
    for pair in pairs:
        slug, sep, level = pair.partition("=")
        if not sep or not slug or not level:
            raise click.BadParameter(
                f"{pair!r}: write {what.upper()}=LEVEL, e.g. saas=major_outage ({LEVELS})",
                param_hint=f"--{what}",
            )
        levels[slug.strip()] = level.strip()
    return levels


def _customers(path: str) -> list[str]:
    """One customer per line; blank lines and lines starting with # are skipped."""
    text = click.open_file("-").read() if path == "-" else Path(path).read_text()
    return [line.strip() for line in text.splitlines() if line.strip() and line[0] != "#"]


@click.command()
@click.argument("slug")
@click.option("--segment", "segments", multiple=True, metavar="S=LEVEL", help="Repeatable.")
@click.option("--component", "components", multiple=True, metavar="C=LEVEL", help="Repeatable.")
@click.option(
    "--customers-file",
    type=click.Path(dir_okay=False, allow_dash=True),
    help="The affected customers, one per line (internal; replaces the list); - for stdin.",
)
@click.option("--json", "as_json", is_flag=True)
def impact(slug, segments, components, customers_file, as_json) -> None:
    """Show or assess who and what an incident affects."""
    path = f"{_incident_path(slug)}/impact"
    changes: dict[str, dict[str, str] | list[str]] = {
        "segments": _levels(segments, "segment"),
        "components": _levels(components, "component"),
    }
    if customers_file:
        try:
            changes["customers"] = _customers(customers_file)
        except OSError as exc:
            raise click.BadParameter(str(exc), param_hint="--customers-file") from None
    api = Api()
    result = api.post(path, changes) if any(changes.values()) else api.get(path)
    if as_json:
        _print_json(result)
        return
    for kind in ("segments", "components"):
        for slug_, level in result[kind].items():
            click.echo(f"{kind[:-1]:<10} {slug_:<24} {level}")
    if not result["segments"] and not result["components"]:
        click.echo("Not assessed yet: `warroom impact SLUG --segment saas=major_outage …`")
    click.echo(f"{result['customers']} affected customer(s) listed (internal)")


@click.group()
def components() -> None:
    """The product's components, as the status page lists them."""


@components.command("list")
@click.option("--json", "as_json", is_flag=True)
def components_list(as_json) -> None:
    """List components."""
    items = Api().get("/api/v1/components")
    if as_json:
        _print_json(items)
        return
    for c in items:
        click.echo(f"{c['slug']:<24} {c['name']}")


@components.command("add")
@click.argument("slug")
@click.argument("name")
@click.option("--description", default="")
@click.option("--position", type=int, default=0, help="Order on the status page.")
def components_add(slug, name, description, position) -> None:
    """Add a component (admins)."""
    c = Api().post(
        "/api/v1/components",
        {"slug": slug, "name": name, "description": description, "position": position},
    )
    click.echo(f"Added component {c['slug']}: {c['name']}")


COMMANDS = [impact, components]
