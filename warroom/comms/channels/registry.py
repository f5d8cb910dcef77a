"""The channels warroom can send through. A new channel: a folder with `channel.py` and one
line here (CONTRIBUTING.md has the checklist)."""

from __future__ import annotations

from warroom.comms.channels.base import Channel
from warroom.comms.channels.bluesky.channel import channel as bluesky
from warroom.comms.channels.email.channel import channel as email
from warroom.comms.channels.mastodon.channel import channel as mastodon
from warroom.comms.channels.mattermost.channel import channel as mattermost
from warroom.comms.channels.slack.channel import channel as slack
from warroom.comms.channels.tracker.channel import github, gitlab
from warroom.comms.channels.webhook.channel import channel as webhook
from warroom.comms.channels.x.channel import channel as x

CHANNELS: dict[str, Channel] = {
    "email": email,
    "webhook": webhook,
    "slack": slack,
    "mattermost": mattermost,
    "x": x,
    "mastodon": mastodon,
    "bluesky": bluesky,
    "gitlab": gitlab,
    "github": github,
}


# Channels the playbook may name whose adapters are not written yet: listed, never dropped.
PLANNED: list[str] = []


def get(name: str) -> Channel | None:
    return CHANNELS.get(name)


def public_channels() -> list[str]:
    """The channels people post to (G6, G13), in the registry's order."""
    return [name for name, channel in CHANNELS.items() if channel.public]


def status(*, check: bool = True) -> list[dict]:
    """Every channel: configured or not (and what to set), reachable or not."""
    rows = []
    for name, channel in CHANNELS.items():
        configured, detail = channel.configured()
        row = {"channel": name, "configured": configured, "detail": detail, "reachable": None}
        if configured and check:
            row["reachable"], row["reachability"] = channel.reachable()
        rows.append(row)
    for name in PLANNED:
        rows.append(
            {"channel": name, "configured": False, "detail": "no adapter yet", "reachable": None}
        )
    return rows
