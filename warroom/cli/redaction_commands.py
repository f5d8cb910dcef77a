"""Redaction verbs: the engine offline (`redact`), the roster (server side), and an incident's
stand-ins and corrections (client side)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from urllib.parse import quote

import click

from warroom.cli.client import Api
from warroom.cli.server_commands import domain_errors, setup_django


def _load_roster_file(path: str) -> list:
    try:
        data = json.loads(Path(path).read_text())
    except OSError as exc:
        raise click.ClickException(f"cannot read {path}: {exc.strerror}") from None
    except ValueError as exc:
        raise click.ClickException(f"{path} is not valid JSON: {exc}") from None
    if not isinstance(data, list):
        raise click.ClickException(f"{path} must hold a JSON list of people")
    return data


@click.command()
@click.option("--roster", "roster_file", type=click.Path(dir_okay=False), help="Roster JSON file.")
@click.option("--jsonl", is_flag=True, help='Read {"id", "text"} per line; print text and spans.')
@click.option(
    "--evaluate",
    type=click.Choice(["dev", "heldout"]),
    help="Instead: measure precision and recall on a labelled evaluation set.",
)
@click.option("--json", "as_json", is_flag=True, help="With --evaluate: the report as JSON.")
def redact(roster_file: str | None, jsonl: bool, evaluate: str | None, as_json: bool) -> None:
    """Redact text from standard input, offline (no server, no database)."""
    from warroom.redaction.engine import Context, Person, Redactor

    if evaluate:
        from warroom.redaction.engine.evaluate import print_report, run

        report = run(evaluate)
        click.echo(
            json.dumps(report.as_dict(), indent=2) if as_json else print_report(report, evaluate)
        )
        return
    people = [Person.from_dict(p) for p in _load_roster_file(roster_file)] if roster_file else []
    redactor = Redactor(Context(people=people))
    if not jsonl:
        click.echo(redactor.redact(sys.stdin.read()).text, nl=False)
        return
    for number, line in enumerate(sys.stdin, 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            text = item["text"]
            if not isinstance(text, str):
                raise TypeError
        except (ValueError, KeyError, TypeError):
            raise click.ClickException(
                f'line {number}: expected {{"id": ..., "text": "..."}}'
            ) from None
        result = redactor.redact(text)
        out = {
            "id": item.get("id"),
            "text": result.text,
            "spans": [s.as_dict() for s in result.spans],
        }
        click.echo(json.dumps(out, ensure_ascii=False))


@click.group()
def roster() -> None:
    """The people warroom knows: roles, pages and the redactor use them."""


@roster.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@domain_errors
def roster_import(file: str) -> None:
    """Create or update people from a JSON list (matched by username)."""
    rows = _load_roster_file(file)
    setup_django()
    from warroom.accounts.services import import_roster

    created, updated = import_roster(rows)
    click.echo(f"Roster: {created} created, {updated} updated.")


@roster.command("list")
@click.option("--json", "as_json", is_flag=True)
def roster_list(as_json: bool) -> None:
    """List the roster."""
    setup_django()
    from warroom.accounts.models import Person

    people = [
        {
            "name": p.display_name,
            "username": p.username,
            "email": p.email,
            "aliases": p.aliases,
            "team": p.team,
        }
        for p in Person.objects.all()
    ]
    if as_json:
        click.echo(json.dumps(people, indent=2, ensure_ascii=False))
        return
    for p in people:
        aliases = f" (aka {', '.join(p['aliases'])})" if p["aliases"] else ""
        click.echo(f"{p['username']:<16} {p['name']}{aliases}  {p['email']}  {p['team']}")


@click.command()
@click.argument("slug")
@click.option(
    "--not-a-name", "not_a_name", metavar="TEXT", help="Never redact TEXT in this incident."
)
@click.option("--name", metavar="TEXT", help="Always redact TEXT in this incident (a missed name).")
@click.option("--remove", type=int, metavar="ID", help="Remove a correction by its id.")
@click.option("--json", "as_json", is_flag=True)
def redaction(slug, not_a_name, name, remove, as_json) -> None:
    """Show who stands in for whom on the public side, and correct the redactor."""
    api = Api()
    path = f"/api/v1/incidents/{quote(slug, safe='')}/redaction"
    if not_a_name:
        api.post(f"{path}/corrections", {"text": not_a_name, "kind": "not_a_name"})
    if name:
        api.post(f"{path}/corrections", {"text": name, "kind": "name"})
    if remove is not None:
        api.request("DELETE", f"{path}/corrections/{remove}")
    state = api.get(path)
    if as_json:
        click.echo(json.dumps(state, indent=2, ensure_ascii=False))
        return
    for p in state["pseudonyms"]:
        click.echo(f"{p['standin']:<28} {p['person']}")
    for c in state["corrections"]:
        click.echo(f"correction #{c['id']}: {c['text']!r} is {c['kind'].replace('_', ' ')}")


COMMANDS = [redact, roster, redaction]
