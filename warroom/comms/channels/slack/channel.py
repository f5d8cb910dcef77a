"""Slack, with Slack's own client: `chat.postMessage` with a bot token when WARROOM_SLACK_BOT_TOKEN
and WARROOM_SLACK_CHANNEL are set (the message can be found, threaded and linked), else an
incoming webhook (WARROOM_SLACK_WEBHOOK_URL)."""

from __future__ import annotations

from django.conf import settings
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackRequestError
from slack_sdk.webhook import WebhookClient

from warroom.comms.channels.base import ChannelError, Sent, retry_after
from warroom.comms.models import Message

# chat.postMessage errors that asking again may cure; every other one (invalid_auth,
# channel_not_found, not_in_channel, msg_too_long, …) needs a person to change something.
TRANSIENT_API_ERRORS = {"ratelimited", "internal_error", "fatal_error", "service_unavailable"}
HINTS = {
    "not_authed": "set WARROOM_SLACK_BOT_TOKEN",
    "invalid_auth": "check WARROOM_SLACK_BOT_TOKEN",
    "token_revoked": "the bot token was revoked: install the app again and update WARROOM_SLACK_BOT_TOKEN",
    "account_inactive": "the bot's app was uninstalled or its account deactivated",
    "missing_scope": "give the bot the chat:write scope",
    "channel_not_found": "check WARROOM_SLACK_CHANNEL",
    "not_in_channel": "invite the bot to WARROOM_SLACK_CHANNEL",
    "is_archived": "WARROOM_SLACK_CHANNEL is archived",
}


class SlackChannel:
    name = "slack"
    public = True  # people post to it by hand (G6, G13)

    def configured(self) -> tuple[bool, str]:
        if settings.SLACK_BOT_TOKEN and settings.SLACK_CHANNEL:
            return True, f"chat.postMessage to {settings.SLACK_CHANNEL}"
        if settings.SLACK_BOT_TOKEN:
            return False, "set WARROOM_SLACK_CHANNEL: the channel the bot posts to"
        if settings.SLACK_WEBHOOK_URL:
            return True, "an incoming webhook"
        return (
            False,
            "set WARROOM_SLACK_WEBHOOK_URL to an incoming webhook URL of your workspace, or "
            "WARROOM_SLACK_BOT_TOKEN and WARROOM_SLACK_CHANNEL",
        )

    def reachable(self) -> tuple[bool, str]:
        if not settings.SLACK_BOT_TOKEN:
            return True, "checked per delivery (a test post would show in the channel)"
        try:
            answer = self._client().auth_test()
        except SlackApiError as exc:
            return False, _api_error(exc).message
        except (SlackRequestError, OSError) as exc:
            return False, f"{type(exc).__name__}: {exc}"
        return True, f"signed in as {answer['user']} in {answer['team']}"

    def send(self, message: Message) -> Sent:
        if settings.SLACK_BOT_TOKEN:
            return self._post_message(message)
        return self._post_to_webhook(message)

    def _client(self) -> WebClient:
        return WebClient(
            token=settings.SLACK_BOT_TOKEN, base_url=f"{settings.SLACK_API_URL}/", timeout=10
        )

    def _post_message(self, message: Message) -> Sent:
        try:
            answer = self._client().chat_postMessage(
                channel=settings.SLACK_CHANNEL, text=message.body, unfurl_links=False
            )
        except SlackApiError as exc:
            raise _api_error(exc) from None
        except (SlackRequestError, OSError) as exc:
            raise ChannelError(f"{type(exc).__name__}: {exc}") from None
        return Sent(code=str(answer.status_code), remote_id=answer["ts"])

    def _post_to_webhook(self, message: Message) -> Sent:
        client = WebhookClient(settings.SLACK_WEBHOOK_URL, timeout=10)
        try:
            response = client.send(text=message.body, unfurl_links=False)
        except (SlackRequestError, OSError) as exc:
            raise ChannelError(f"{type(exc).__name__}: {exc}") from None
        code = response.status_code
        if code == 200:
            return Sent(code="200")
        # 429 and 5xx may pass; other 4xx (no_service, channel_is_archived, invalid_payload)
        # will not change by asking again.
        transient = code == 429 or code >= 500
        raise ChannelError(
            f"Slack answered {code}: {response.body}",
            permanent=not transient,
            code=str(code),
            retry_after=retry_after(response.headers),
        )


def _api_error(exc: SlackApiError) -> ChannelError:
    response = exc.response
    error = response.get("error", "") if isinstance(response.data, dict) else ""
    hint = f" ({HINTS[error]})" if error in HINTS else ""
    return ChannelError(
        f"Slack answered {response.status_code}: {error or response.data}{hint}",
        permanent=error not in TRANSIENT_API_ERRORS and response.status_code < 500,
        code=str(response.status_code),
        retry_after=retry_after(response.headers),
    )


channel = SlackChannel()
