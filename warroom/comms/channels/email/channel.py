"""E-mail over SMTP, through Django's e-mail backend (EMAIL_URL, WARROOM_EMAIL_FROM)."""

from __future__ import annotations

import functools
import smtplib
from datetime import datetime

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.utils import timezone

from warroom.comms.channels.base import ChannelError, Sent
from warroom.comms.models import Message
from warroom.lib import markdown


class EmailChannel:
    name = "email"

    def configured(self) -> tuple[bool, str]:
        if not settings.EMAIL_CONFIGURED:
            return (
                False,
                "set EMAIL_URL (e.g. smtp+tls://user:pass@smtp.example.com:587) and WARROOM_EMAIL_FROM",
            )
        return True, f"{settings.EMAIL_HOST}:{settings.EMAIL_PORT} as {settings.DEFAULT_FROM_EMAIL}"

    def reachable(self) -> tuple[bool, str]:
        try:
            with get_connection(fail_silently=False, timeout=5) as connection:
                connection.open()
        except (smtplib.SMTPException, OSError) as exc:
            return False, f"{type(exc).__name__}: {exc}"
        return True, "the SMTP server answered"

    def send(self, message: Message) -> Sent:
        ((result, _),) = self.send_many([message])
        if isinstance(result, ChannelError):
            raise result
        return result

    def send_many(self, messages: list[Message]) -> list[tuple[Sent | ChannelError, datetime]]:
        """Each message over one SMTP connection. When the session breaks (the server is down
        or hung up), the rest of the batch fails with it and waits for the retry."""
        connection = get_connection(fail_silently=False)
        results: list[tuple[Sent | ChannelError, datetime]] = []
        try:
            for message in messages:
                try:
                    mail = _mail(message, connection)
                    connection.open()  # no-op once open; Django closes only what send opened
                    mail.send()
                    result = Sent(code="250")
                except (ChannelError, *MESSAGE_ERRORS) as exc:
                    result = _error(exc, message)
                except (TimeoutError, smtplib.SMTPException, OSError) as exc:
                    broken = _error(exc, message)
                    results += [(broken, timezone.now())] * (len(messages) - len(results))
                    break
                results.append((result, timezone.now()))
        finally:
            connection.close()
        return results


# Refusals of one message; any other SMTP error is about the session and ends the batch.
MESSAGE_ERRORS = (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError, smtplib.SMTPSenderRefused)


def _mail(message: Message, connection) -> EmailMultiAlternatives:
    if "@" not in message.recipient:
        raise ChannelError(f"{message.recipient!r} is not an e-mail address", permanent=True)
    headers = {"X-Warroom-Message": message.idempotency_key}
    if message.unsubscribe_url:  # one click, RFC 8058
        headers["List-Unsubscribe"] = f"<{message.unsubscribe_url}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    mail = EmailMultiAlternatives(
        subject=message.subject or "warroom",
        body=message.body,
        to=[message.recipient],
        headers=headers,
        connection=connection,
    )
    mail.attach_alternative(_html(message.body), "text/html")
    return mail


@functools.lru_cache(maxsize=32)
def _html(body: str) -> str:
    """A fan-out sends one body to many: render its Markdown once."""
    return markdown.render(body)


def _error(exc: Exception, message: Message) -> ChannelError:
    if isinstance(exc, ChannelError):
        return exc
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        code = next(iter(exc.recipients.values()))[0]
        # 5xx: the address is refused for good; 4xx: the server asks to try again later.
        return ChannelError(
            f"the server refused {message.recipient} ({code})",
            permanent=code >= 500,
            code=str(code),
        )
    if isinstance(exc, smtplib.SMTPResponseException):
        # 5xx: the server will not take it; 4xx: try again later.
        return ChannelError(
            exc.smtp_error.decode(errors="replace"),
            permanent=exc.smtp_code >= 500,
            code=str(exc.smtp_code),
        )
    return ChannelError(f"{type(exc).__name__}: {exc}")


channel = EmailChannel()
