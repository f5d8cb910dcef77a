"""The channels warroom can send through. A new channel: a folder with `channel.py` and one
line here (CONTRIBUTING.md has the checklist)."""

from __future__ import annotations

from warroom.comms.channels.base import Channel
from warroom.comms.channels.email.channel import channel as email

CHANNELS: dict[str, Channel] = {
    "email": email,
}


def get(name: str) -> Channel | None:
    return CHANNELS.get(name)
