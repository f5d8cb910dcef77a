"""The `warroom` command.

Its verbs import what they use inside their function, on purpose: a client verb (`note`,
`status`) starts without Django, a server verb sets Django up first (`setup_django`), and none
pays for the libraries of the others."""

from __future__ import annotations

import click

from warroom.cli import (
    compose_command,
    impact_commands,
    incident_commands,
    metrics_command,
    playbook_commands,
    postmortem_commands,
    record_commands,
    redaction_commands,
    server_commands,
    subscriber_commands,
    writeup_commands,
)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="warroom")
def cli() -> None:
    """warroom: incident communications.

    Server verbs (serve, worker, migrate, createuser, token, demo) act on the database in
    DATABASE_URL / WARROOM_HOME. Client verbs talk to the server at WARROOM_URL with WARROOM_TOKEN
    (or what `warroom login` saved).
    """


for command in (
    server_commands.COMMANDS
    + incident_commands.COMMANDS
    + redaction_commands.COMMANDS
    + playbook_commands.COMMANDS
    + compose_command.COMMANDS
    + subscriber_commands.COMMANDS
    + impact_commands.COMMANDS
    + metrics_command.COMMANDS
    + postmortem_commands.COMMANDS
    + writeup_commands.COMMANDS
    + record_commands.COMMANDS
):
    cli.add_command(command)


def main() -> None:
    cli(prog_name="warroom")
