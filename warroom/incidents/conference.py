"""Conference providers make the war-room link at declare time (G1).

A provider is a function `(incident title, slug) -> URL`. Add one by writing the function and one
line in PROVIDERS; pick it with WARROOM_CONFERENCE_PROVIDER.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable

from django.conf import settings


def jitsi(title: str, slug: str) -> str:
    # The room name is the only secret of a Jitsi room: 128 random bits, nothing guessable from
    # the incident's title.
    return f"{settings.CONFERENCE_BASE_URL}/warroom-{secrets.token_hex(16)}"


PROVIDERS: dict[str, Callable[[str, str], str]] = {"jitsi": jitsi}


def war_room_url(title: str, slug: str) -> str:
    try:
        provider = PROVIDERS[settings.CONFERENCE_PROVIDER]
    except KeyError:
        raise LookupError(
            f"WARROOM_CONFERENCE_PROVIDER={settings.CONFERENCE_PROVIDER!r} is unknown; "
            f"choose one of {', '.join(sorted(PROVIDERS))}"
        ) from None
    return provider(title, slug)
