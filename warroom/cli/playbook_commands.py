"""Playbook verbs: the checklist and its steps, acks, decisions, the live stream, approvals
(client side); the playbook file and the worker (server side)."""

from __future__ import annotations

import json
from urllib.parse import quote

import click

from warroom.cli.client import Api
from warroom.cli.server_commands import setup_django


def _incident(slug: str) -> str:
    return f"/api/v1/incidents/{quote(slug, safe='')}"


def _print_json(data) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False))


MARKS = {"done": "✔", "skipped": "–", "overdue": "!", "pending": "○", "n/a": " "}


@click.command()
@click.argument("slug")
@click.option("--json", "as_json", is_flag=True)
@click.option(
    "--all", "show_all", is_flag=True, help="Also steps that do not apply to this severity."
)
def checklist(slug, as_json, show_all) -> None:
    """The playbook's steps per role: pending, done, skipped, overdue."""
    steps = Api().get(f"{_incident(slug)}/checklist")
    if as_json:
        _print_json(steps)
        return
    for owner in dict.fromkeys(s["owner"] for s in steps):
        rows = [s for s in steps if s["owner"] == owner and (show_all or s["state"] != "n/a")]
        if not rows:
            continue
        click.secho(owner, bold=True)
        for s in rows:
            extra = f"  ({s['reason']})" if s["reason"] else ""
            who = f"  by {s['done_by']}" if s["done_by"] else ""
            color = {"overdue": "red", "done": "green"}.get(s["state"])
            line = f"  {MARKS.get(s['state'], '?')} {s['id']:<22} {s['title']}{who}{extra}"
            click.secho(line, fg=color)


@click.command()
@click.argument("slug")
@click.argument("step_id")
@click.argument("state", type=click.Choice(["done", "skip"]))
@click.option("--reason", default="", help="Why (required to skip).")
def step(slug, step_id, state, reason) -> None:
    """Mark a playbook step done, or skip it with a reason."""
    result = Api().post(
        f"{_incident(slug)}/steps/{quote(step_id, safe='')}", {"state": state, "reason": reason}
    )
    click.echo(f"{result['id']}: {result['state']}")


@click.command()
@click.argument("slug")
def ack(slug) -> None:
    """Acknowledge the marketing page for an incident (G7)."""
    click.echo(Api().post(f"{_incident(slug)}/ack", {})["detail"])


@click.command()
@click.argument("slug")
@click.argument("topic")
@click.argument("choice")
@click.option("--reason", default="")
def decide(slug, topic, choice, reason) -> None:
    """Record a decision, e.g. `warroom decide SLUG blog_post yes` (G10)."""
    Api().post(f"{_incident(slug)}/decisions", {"topic": topic, "choice": choice, "reason": reason})
    click.echo(f"Decision on {topic}: {choice}")


@click.command()
@click.argument("slug")
@click.argument("decision", type=click.Choice(["approve", "veto"]))
@click.option(
    "--reason", default="", help="For a veto: interferes, security, privacy, or your words."
)
@click.option("--url", default="", help="The stream's URL (default: the war room's).")
def live(slug, decision, reason, url) -> None:
    """Approve (commander) or veto (anyone on the incident) the war room's live stream (G11)."""
    result = Api().post(
        f"{_incident(slug)}/live", {"decision": decision, "reason": reason, "url": url}
    )
    click.echo(
        f"Live stream: {result['state']}" + (f" ({result['reason']})" if result["reason"] else "")
    )


@click.command()
@click.argument("slug")
@click.option("--json", "as_json", is_flag=True)
def messages(slug, as_json) -> None:
    """Messages of an incident: drafted, awaiting approval, pending, sent."""
    items = Api().get(f"{_incident(slug)}/messages")
    if as_json:
        _print_json(items)
        return
    for m in items:
        to = f" to {m['recipient']}" if m["recipient"] else ""
        click.echo(
            f"#{m['id']:<4} {m['state']:<18} {m['kind']:<12} {m['channel']}{to}: {m['body'].splitlines()[0][:70]}"
        )


@click.command()
@click.argument("slug")
@click.argument("text")
@click.option(
    "--channel",
    required=True,
    type=click.Choice(["x", "mastodon", "bluesky", "slack", "mattermost"]),
)
def post(slug, text, channel) -> None:
    """Post publicly (redacted, measured by the channel's rules) through the outbox."""
    m = Api().post(f"{_incident(slug)}/posts", {"channel": channel, "text": text})
    click.echo(m["body"])
    state = "queued" if m["state"] == "pending" else "waiting for approval (`warroom approve ID`)"
    click.echo(f"Message #{m['id']} to {m['channel']}: {state}")


@click.command()
@click.argument("message_id", type=int)
@click.option("--reject", is_flag=True, help="Reject instead of approving.")
@click.option(
    "--text", help="Replace the text first (public ones are redacted and measured again)."
)
def approve(message_id, reject, text) -> None:
    """Approve a message that waits for your role's approval."""
    api = Api()
    if text is not None:
        if reject:
            raise click.UsageError("--text edits a message to approve it; leave it out to reject")
        edited = api.request("PATCH", f"/api/v1/messages/{message_id}", json={"text": text})
        click.echo(edited["body"])
    verb = "reject" if reject else "approve"
    result = api.post(f"/api/v1/messages/{message_id}/{verb}", {})
    click.echo(f"Message {result['id']}: {result['state']}")


@click.group()
def playbook() -> None:
    """Show or validate a playbook file."""


@playbook.command("validate")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
def playbook_validate(file) -> None:
    """Check a playbook file; errors give their line."""
    setup_django()  # the actions a step names, and their parameters, come with the apps
    from warroom.playbooks.format import PlaybookError, load_file

    try:
        book = load_file(file)
    except PlaybookError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"{file}: valid, {len(book.steps)} steps")


@playbook.command("show")
@click.argument("file", required=False, type=click.Path(exists=True, dir_okay=False))
@click.option("--json", "as_json", is_flag=True)
def playbook_show(file, as_json) -> None:
    """Show a playbook (default: the one new incidents get)."""
    setup_django()
    from warroom.playbooks.format import PlaybookError, load_file
    from warroom.playbooks.loader import current

    try:
        book = load_file(file) if file else current()
    except PlaybookError as exc:
        raise click.ClickException(str(exc)) from None
    if as_json:
        _print_json(book.to_dict())
        return
    click.secho(f"{book.name} (version {book.version})", bold=True)
    for s in book.steps:
        action = s.action.name if s.action else "—"
        trigger = s.trigger.kind + (f":{s.trigger.status}" if s.trigger.status else "")
        sev = ",".join(s.severities)
        click.echo(
            f"  {s.guideline or '':<4} {s.id:<22} {s.owner:<15} {trigger:<16} {action:<18} {sev:<11} {s.title}"
        )


COMMANDS = [checklist, step, ack, decide, live, messages, post, approve, playbook]
