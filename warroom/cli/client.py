"""The REST client behind the CLI's incident verbs: one place that turns HTTP failures into
one-line errors that say what to do."""

from __future__ import annotations

import os
from typing import Any

import click
import httpx

from warroom.cli.config import ClientConfig, load


class Api:
    def __init__(self, config: ClientConfig | None = None):
        self.config = config or load()
        headers = {"Accept": "application/json", "User-Agent": "warroom-cli"}
        if self.config.token:
            headers["Authorization"] = f"Bearer {self.config.token}"
        timeout = float(os.environ.get("WARROOM_CLIENT_TIMEOUT") or 30)
        self.http = httpx.Client(base_url=self.config.url, headers=headers, timeout=timeout)

    def request(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self._send(method, path, **kwargs)
        if response.status_code == 204 or not response.content:
            return None
        return response.json()

    def text(self, path: str, **kwargs: Any) -> str:
        """A GET whose answer is a document (Markdown, HTML), not JSON."""
        return self._send("GET", path, **kwargs).text

    def _send(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        if not self.config.token and path.startswith("/api/"):
            raise click.ClickException(
                "no API token: set WARROOM_TOKEN or run `warroom login URL --token TOKEN` "
                "(an admin creates one with `warroom token create USER`)"
            )
        try:
            response = self.http.request(method, path, **kwargs)
        except httpx.TransportError as exc:
            raise click.ClickException(
                f"cannot reach warroom at {self.config.url} ({exc.__class__.__name__}: {exc}); "
                "is `warroom serve` running? Set WARROOM_URL or run `warroom login URL`"
            ) from None
        if response.status_code >= 400:
            raise click.ClickException(_error_message(response))
        return response

    def get(self, path: str, **kwargs: Any) -> Any:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, body: dict) -> Any:
        return self.request("POST", path, json=body)


def _error_message(response: httpx.Response) -> str:
    try:
        detail = response.json().get("detail")
    except ValueError:
        detail = None
    if not isinstance(detail, str) or not detail:
        detail = f"the server answered {response.status_code} {response.reason_phrase}"
    if response.status_code == 401:
        detail += " — check WARROOM_TOKEN or run `warroom login`"
    return detail
