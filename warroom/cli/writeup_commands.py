"""`warroom blog` and `warroom briefing`: an incident's write-ups, as Markdown from the server."""

from __future__ import annotations

from pathlib import Path

import click

from warroom.cli.client import Api
from warroom.cli.incident_commands import _incident_path


@click.command()
@click.argument("slug")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, writable=True),
    help="Write the draft to this file instead of printing it.",
)
def blog(slug: str, out: str | None) -> None:
    """The blog post draft, from the public record only (G12)."""
    markdown = Api().get(f"{_incident_path(slug)}/blog")["markdown"]
    if out is None:
        click.echo(markdown, nl=False)
        return
    try:
        Path(out).write_text(markdown, encoding="utf-8")
    except OSError as exc:
        raise click.ClickException(f"cannot write {out}: {exc.strerror}") from None
    click.echo(f"Wrote the blog post draft to {out}", err=True)


@click.command()
@click.argument("slug")
def briefing(slug: str) -> None:
    """The support briefing (internal: it names the affected customers)."""
    click.echo(Api().get(f"{_incident_path(slug)}/briefing")["markdown"], nl=False)


COMMANDS = [blog, briefing]
