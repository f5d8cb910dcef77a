"""The one interface every channel adapter implements."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from warroom.comms.models import Message


class ChannelError(Exception):
    """A delivery that did not happen. `permanent`: retrying cannot help (a refused address, a
    revoked token); otherwise the dispatcher retries with backoff."""

    def __init__(self, message: str, *, permanent: bool = False, code: str = ""):
        super().__init__(message)
        self.message = message
        self.permanent = permanent
        self.code = code  # a response code, when the other side gave one


@dataclass(frozen=True)
class Sent:
    """What the other side answered: a response code and an id, when it gave them."""

    code: str = ""
    remote_id: str = ""


class Channel(Protocol):
    name: str

    def configured(self) -> tuple[bool, str]:
        """(True, where it sends) or (False, what to set to configure it)."""

    def reachable(self) -> tuple[bool, str]:
        """Whether the other side answers now, and what it said."""

    def send(self, message: Message) -> Sent:
        """Deliver one message or raise ChannelError."""
