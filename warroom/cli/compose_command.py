"""`warroom compose`: a public message counted by a channel's rules, offline (no server, no
database, no Django)."""

from __future__ import annotations

import json
import sys

import click

from warroom.comms import composer


@click.command("compose")
@click.option(
    "--channel",
    required=True,
    type=click.Choice(sorted(composer.LIMITS)),
    help="The channel whose rules count the text.",
)
@click.option("--json", "as_json", is_flag=True, help='Print {"text", "length", "limit", "ok"}.')
@click.argument("text")
def compose(channel: str, as_json: bool, text: str) -> None:
    """Show TEXT as it would go out on a channel, with its exact count (TEXT `-`: standard input).

    Exits with 1 when the text cannot go out (too long, empty, refused characters).
    """
    if text == "-":
        text = sys.stdin.read()
    composed = composer.compose(channel, text)
    if as_json:
        keys = ("text", "length", "limit", "ok")
        click.echo(json.dumps({k: getattr(composed, k) for k in keys}, ensure_ascii=False))
    else:
        click.echo(composed.text)
        unit = f"{composer.NAMES[channel]} {composer.UNITS[channel]}"
        click.echo(f"{composed.length}/{composed.limit} ({unit})")
        if not composed.ok:
            click.echo(composer.too_long_message(composed), err=True)
    if not composed.ok:
        raise SystemExit(1)


COMMANDS = [compose]

if __name__ == "__main__":
    compose()
