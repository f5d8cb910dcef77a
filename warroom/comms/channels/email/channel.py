"""E-mail over SMTP, through Django's e-mail backend (EMAIL_URL, WARROOM_EMAIL_FROM)."""

from __future__ import annotations

import smtplib

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection

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
            connection=get_connection(fail_silently=False),
        )
        mail.attach_alternative(markdown.render(message.body), "text/html")
        try:
            mail.send()
        except smtplib.SMTPRecipientsRefused as exc:
            code = next(iter(exc.recipients.values()))[0]
            # 5xx: the address is refused for good; 4xx: the server asks to try again later.
            raise ChannelError(
                f"the server refused {message.recipient} ({code})",
                permanent=code >= 500,
                code=str(code),
            ) from None
        except smtplib.SMTPResponseException as exc:
            # 5xx: the server will not take it; 4xx: try again later.
            raise ChannelError(
                exc.smtp_error.decode(errors="replace"),
                permanent=exc.smtp_code >= 500,
                code=str(exc.smtp_code),
            ) from None
        except (TimeoutError, smtplib.SMTPException, OSError) as exc:
            raise ChannelError(f"{type(exc).__name__}: {exc}") from None
        return Sent(code="250")


channel = EmailChannel()
