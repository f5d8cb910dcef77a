"""E-mail over SMTP, through Django's e-mail backend (EMAIL_URL, WARROOM_EMAIL_FROM)."""

from __future__ import annotations

import functools
import secrets
import smtplib
from collections.abc import Iterator
from datetime import datetime
from email.utils import formatdate, make_msgid
from typing import cast

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend
from django.core.mail.message import sanitize_address
from django.core.mail.utils import DNS_NAME
from django.utils import timezone

from warroom.comms.channels.base import ChannelError, Sent
from warroom.comms.models import Message
from warroom.lib import markdown

SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"


class EmailChannel:
    name = "email"
    public = False  # messages to addresses, never posts

    def configured(self) -> tuple[bool, str]:
        if not settings.EMAIL_CONFIGURED:
            return (
                False,
                "set EMAIL_URL (e.g. smtp+tls://user:pass@smtp.example.com:587) and WARROOM_EMAIL_FROM",
            )
        if settings.EMAIL_BACKEND != SMTP_BACKEND:
            return False, "EMAIL_URL must be an smtp://, smtp+tls:// or smtp+ssl:// URL"
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

    def send_many(self, messages: list[Message]) -> Iterator[tuple[Sent | ChannelError, datetime]]:
        """Each message over one SMTP connection, as they go. When the session breaks (the
        server is down or hung up), the rest of the batch fails with it and waits for the retry."""
        # configured() insists on the SMTP backend, and the outbox sends only when configured
        connection = cast(SMTPBackend, get_connection(fail_silently=False))
        sender = sanitize_address(settings.DEFAULT_FROM_EMAIL, settings.DEFAULT_CHARSET)
        try:
            for done, message in enumerate(messages):
                result: Sent | ChannelError
                try:
                    data = _mime(message)
                    connection.open()  # once: it stays open for the rest of the batch
                    assert connection.connection is not None  # open() made it or raised
                    connection.connection.sendmail(sender, [_address(message)], data)
                    result = Sent(code="250")
                except (ChannelError, *MESSAGE_ERRORS) as exc:
                    result = _error(exc, message)
                except (TimeoutError, smtplib.SMTPException, OSError) as exc:
                    broken = _error(exc, message)
                    for _ in messages[done:]:
                        yield broken, timezone.now()
                    return
                yield result, timezone.now()
        finally:
            connection.close()


# Refusals of one message; any other SMTP error is about the session and ends the batch.
MESSAGE_ERRORS = (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError, smtplib.SMTPSenderRefused)


def _address(message: Message) -> str:
    if "@" not in message.recipient:
        raise ChannelError(f"{message.recipient!r} is not an e-mail address", permanent=True)
    try:
        return sanitize_address(message.recipient, settings.DEFAULT_CHARSET)
    except ValueError as exc:
        raise ChannelError(f"{message.recipient!r}: {exc}", permanent=True) from None


# What differs between the copies of one mail in a fan-out: ASCII stand-ins that survive the
# MIME generator unchanged (no spaces to fold at; random, so no text contains them), replaced
# by each copy's values (ASCII too: sanitized addresses, dates, URLs, keys).
_MARK = secrets.token_hex(8).encode()
_TO, _ID, _DATE, _KEY, _UNSUBSCRIBE = (
    b"to-%s@warroom.invalid" % _MARK,
    b"<id-%s@warroom.invalid>" % _MARK,
    b"date-%s" % _MARK,
    b"key-%s" % _MARK,
    b"https://warroom.invalid/unsubscribe-%s" % _MARK,
)


def _mime(message: Message) -> bytes:
    """The message as sent. Generating MIME costs more than sending it, and a fan-out sends
    one subject and body to many: the mail is generated once, and each copy gets its own
    recipient, Message-ID, key and unsubscribe link."""
    template = _template(message.subject or "warroom", message.body, bool(message.unsubscribe_url))
    data = template.replace(_TO, _address(message).encode())
    data = data.replace(_ID, make_msgid(domain=DNS_NAME).encode())
    data = data.replace(_DATE, formatdate(localtime=settings.EMAIL_USE_LOCALTIME).encode())
    data = data.replace(_KEY, message.idempotency_key.encode("ascii"))
    return data.replace(_UNSUBSCRIBE, message.unsubscribe_url.encode("ascii"))


@functools.lru_cache(maxsize=32)
def _template(subject: str, body: str, unsubscribe: bool) -> bytes:
    headers = {
        "Message-ID": _ID.decode(),
        "Date": _DATE.decode(),
        "X-Warroom-Message": _KEY.decode(),
    }
    if unsubscribe:  # one click, RFC 8058
        headers["List-Unsubscribe"] = f"<{_UNSUBSCRIBE.decode()}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    mail = EmailMultiAlternatives(subject=subject, body=body, to=[_TO.decode()], headers=headers)
    mail.attach_alternative(markdown.render(body), "text/html")
    return mail.message().as_bytes(linesep="\r\n")


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
        error = exc.smtp_error  # bytes from the server; str when smtplib words it itself
        return ChannelError(
            error.decode(errors="replace") if isinstance(error, bytes) else error,
            permanent=exc.smtp_code >= 500,
            code=str(exc.smtp_code),
        )
    return ChannelError(f"{type(exc).__name__}: {exc}")


channel = EmailChannel()
