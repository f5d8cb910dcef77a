"""Post-mortem verbs (G17): the blameless-language check, offline, on any text; and an
incident's post-mortem from the server."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from urllib.parse import quote

import click

from warroom.cli.client import Api


class InputError(click.ClickException):
    """The input cannot be read: exit 2, apart from 1, which means findings."""

    exit_code = 2


def _read(file: str) -> str:
    if file == "-":
        return sys.stdin.read()
    try:
        return Path(file).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{file}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{file} is a folder; give a file, or - for standard input") from None
    except OSError as exc:
        raise InputError(f"cannot read {file}: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise InputError(f"{file} is not UTF-8 text") from None


def _redactor(roster_file: str | None):
    from warroom.cli.redaction_commands import _load_roster_file
    from warroom.redaction.engine import Context, Person, Redactor

    try:
        rows = _load_roster_file(roster_file) if roster_file else []
    except click.ClickException as exc:
        raise InputError(exc.message) from None
    return Redactor(Context(people=[Person.from_dict(p) for p in rows]))


@click.command("blameless-check")
@click.argument("file")
@click.option(
    "--roster",
    "roster_file",
    type=click.Path(dir_okay=False),
    help="Roster JSON file: its people are found in every form of their name.",
)
@click.option("--json", "as_json", is_flag=True, help='Print {"file", "findings": [...]}.')
@click.pass_context
def blameless_check(ctx: click.Context, file: str, roster_file: str | None, as_json: bool) -> None:
    """Check FILE (- for standard input) for names and blaming phrases, offline.

    Prints FILE:LINE:COL: kind: message (suggest: …) per finding, kind `name` or `blame`.
    Exit 0 when clean, 1 when there are findings, 2 when the input cannot be read."""
    from warroom.writeups.language import check

    findings = check(_read(file), redactor=_redactor(roster_file))
    if as_json:
        out = {"file": file, "findings": [f.as_dict() for f in findings]}
        click.echo(json.dumps(out, indent=2, ensure_ascii=False))
    else:
        for f in findings:
            click.echo(
                f"{file}:{f.line}:{f.column}: {f.kind}: {f.message} (suggest: {f.suggestion})"
            )
    ctx.exit(1 if findings else 0)


@click.command()
@click.argument("slug")
@click.option("--out", type=click.Path(dir_okay=False, writable=True), help="Write it to FILE.")
def postmortem(slug: str, out: str | None) -> None:
    """Print the incident's post-mortem: the saved one, else the draft from the record.

    Edit and publish it in the dashboard (the incident's Post-mortem page)."""
    data = Api().get(f"/api/v1/incidents/{quote(slug, safe='')}/postmortem")
    if not out:
        click.echo(data["body"], nl=not data["body"].endswith("\n"))
        return
    try:
        Path(out).write_text(data["body"], encoding="utf-8")
    except OSError as exc:
        raise click.ClickException(f"cannot write {out}: {exc.strerror}") from None
    names = sum(f["kind"] == "name" for f in data["findings"])
    state = "published" if data["published_at"] else "not published"
    click.echo(f"Wrote {out} ({state}; {len(data['findings'])} findings, {names} names).")


COMMANDS = [blameless_check, postmortem]
