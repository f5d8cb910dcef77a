"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives, for tests and the
fan-out benchmark. `refuse` makes it answer 550 to RCPT, `busy` 451; `sessions` counts the
SMTP connections that delivered mail, so tests can see connections being reused."""

from __future__ import annotations

from aiosmtpd.controller import Controller

from warroom.testing.server import free_port


class SMTPSink:
    def __init__(self, *, keep: bool = True, port: int | None = None):
        self.keep = keep  # False: count only (50,000 mails need not stay in memory)
        self.mails: list[tuple[list[str], str]] = []
        self.received = 0
        self.refuse = False
        self.busy = False
        self._sessions: set[int] = set()
        self.port = port or free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    @property
    def sessions(self) -> int:
        return len(self._sessions)

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refuse or address.startswith("refused"):
            return "550 5.1.1 no such user"
        if self.busy:
            return "451 4.3.0 try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self._sessions.add(id(session))
        self.received += 1
        if self.keep:
            self.mails.append((envelope.rcpt_tos, envelope.content.decode()))
        return "250 OK"
